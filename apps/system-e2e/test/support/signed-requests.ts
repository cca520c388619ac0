// Requests signed the way their real senders sign them, so tests can forge, tamper with, age and
// replay them: DingTalk's encrypted callbacks to the cloud, the cloud's Standard Webhooks to the store.
import { randomBytes } from 'node:crypto';
import { DingTalkCallbackCrypto } from '@dtg/dingtalk-client';
import { signWebhook } from '@dtg/webhook-signing';

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

export function signPush(keys: CallbackKeys, event: object, timestampMs = Date.now()): SignedPush {
  const crypto = new DingTalkCallbackCrypto(keys.token, keys.aesKey, keys.ownerKey);
  const timestamp = String(timestampMs);
  const nonce = randomBytes(8).toString('hex');
  const encrypt = crypto.encrypt(JSON.stringify(event));
  return { signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce, encrypt };
}

export async function postCallback(url: string, push: SignedPush): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  const target = new URL(url);
  target.searchParams.set('signature', push.signature);
  target.searchParams.set('timestamp', push.timestamp);
  target.searchParams.set('nonce', push.nonce);
  const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: push.encrypt }) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

export function signEnvelope(envelope: { id: string }, secret: string, timestampSec = Math.floor(Date.now() / 1000)): SignedWebhook {
  const body = JSON.stringify(envelope);
  return { body, headers: { ...signWebhook({ id: envelope.id, timestampSec, body, secrets: [secret] }), 'content-type': 'application/json' } };
}

export async function postWebhook(localUrl: string, hook: SignedWebhook): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  const res = await fetch(`${localUrl}/webhooks/cloud`, { method: 'POST', headers: hook.headers, body: hook.body });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
