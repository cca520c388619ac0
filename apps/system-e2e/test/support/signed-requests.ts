// The cloud's Standard Webhooks to the store, signed the way the cloud signs them, so tests can
// forge, tamper with, age and replay them (DingTalk's callbacks: @dtg/testkit's signPush).
import { signWebhook } from '@dtg/webhook-signing';

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
