// DingTalk's encrypted HTTP callbacks, signed exactly as DingTalk signs them, so tests can forge,
// tamper with, age and replay one, and post it as DingTalk would. Sealed with the simulator's
// crypto (DingTalk's side), not the client's: the gateway's verification is then checked against an
// independent implementation, and the testkit stays usable by the local store's tests, which may not
// depend on the DingTalk client.
import { randomBytes } from 'node:crypto';
import { CallbackCrypto } from '@dtg/dingtalk-sim';

export interface CallbackKeys {
  token: string;
  aesKey: string;
  ownerKey: string;
}

export interface SignedPush {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

/** `timestamp` in milliseconds as DingTalk sends it (default now); `nonce` random by default. */
export function signPush(keys: CallbackKeys, event: object, options: { timestamp?: number | string; nonce?: string } = {}): SignedPush {
  const crypto = new CallbackCrypto(keys.token, keys.aesKey, keys.ownerKey);
  const timestamp = String(options.timestamp ?? Date.now());
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const encrypt = crypto.encrypt(JSON.stringify(event));
  return { signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce, encrypt };
}

export interface PostCallbackOptions {
  /** Query parameter names: DingTalk's (signature, timestamp) or the alternative spelling (msg_signature, timeStamp). */
  spelling?: 'signature' | 'msg_signature';
  /** Sent instead of {"encrypt"}. */
  rawBody?: string;
}

export async function postCallback(
  url: string,
  push: SignedPush,
  options: PostCallbackOptions = {},
): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  const target = new URL(url);
  const alt = options.spelling === 'msg_signature';
  target.searchParams.set(alt ? 'msg_signature' : 'signature', push.signature);
  target.searchParams.set(alt ? 'timeStamp' : 'timestamp', push.timestamp);
  target.searchParams.set('nonce', push.nonce);
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.rawBody ?? JSON.stringify({ encrypt: push.encrypt }),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
