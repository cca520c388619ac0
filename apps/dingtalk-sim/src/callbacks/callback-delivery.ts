import { parseJson } from '@dtg/service-kit';
import { CallbackCrypto } from './callback-crypto';

export interface CallbackTarget {
  url: string;
  token: string;
  aesKey: string;
  ownerKey: string;
}

export interface AttemptResult {
  atMs: number;
  httpStatus: number;
  acknowledged: boolean;
  reply: unknown;
  error?: string;
}

/**
 * One HTTP push exactly as DingTalk sends it: `POST url?signature&timestamp&nonce` with body
 * `{"encrypt"}`. Acknowledged only when the reply is an encrypted `success` whose msg_signature
 * verifies (the reply may spell the timestamp `timeStamp` or `timestamp`).
 */
export async function attemptPush(target: CallbackTarget, event: object, nowMs: number, timeoutMs: number, nonce: string): Promise<AttemptResult> {
  const crypto = new CallbackCrypto(target.token, target.aesKey, target.ownerKey);
  const timestamp = String(nowMs);
  const { signature, encrypt } = crypto.seal(JSON.stringify(event), timestamp, nonce);
  const url = new URL(target.url);
  url.searchParams.set('signature', signature);
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ encrypt }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const reply = parseJson(text) ?? text;
    return { atMs: nowMs, httpStatus: response.status, acknowledged: response.status === 200 && isSuccessReply(crypto, reply), reply };
  } catch (err) {
    return { atMs: nowMs, httpStatus: 0, acknowledged: false, reply: null, error: err instanceof Error ? err.name + ': ' + err.message : String(err) };
  }
}

function isSuccessReply(crypto: CallbackCrypto, reply: unknown): boolean {
  if (reply === null || typeof reply !== 'object') return false;
  const r = reply as Record<string, unknown>;
  const timestamp = r['timeStamp'] ?? r['timestamp'];
  const { msg_signature: signature, nonce, encrypt } = r;
  if (typeof signature !== 'string' || typeof nonce !== 'string' || typeof encrypt !== 'string') return false;
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return false;
  try {
    return crypto.open(signature, String(timestamp), nonce, encrypt) === 'success';
  } catch {
    return false;
  }
}
