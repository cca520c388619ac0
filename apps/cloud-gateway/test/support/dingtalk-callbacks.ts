// Test helpers for DingTalk callbacks: sign a push exactly as DingTalk does (to forge, tamper or
// replay one), post it, and drive the simulator's control plane.
import { randomBytes } from 'node:crypto';
import { DingTalkCallbackCrypto } from '@dtg/dingtalk-client';
import type { CloudHarness } from './cloud-harness';

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

export function signPush(keys: CallbackKeys, event: object, options: { timestamp?: string; nonce?: string } = {}): SignedPush {
  const crypto = new DingTalkCallbackCrypto(keys.token, keys.aesKey, keys.ownerKey);
  const timestamp = options.timestamp ?? String(Date.now());
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const encrypt = crypto.encrypt(JSON.stringify(event));
  return { signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce, encrypt };
}

export interface PostOptions {
  /** Query parameter names: DingTalk's (signature, timestamp) or the alternative spelling (msg_signature, timeStamp). */
  spelling?: 'signature' | 'msg_signature';
  /** Sent instead of {"encrypt"}. */
  rawBody?: string;
}

export async function postCallback(url: string, push: SignedPush, options: PostOptions = {}) {
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
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `/_sim/...` over HTTP, as any external tool would drive the simulator. */
export async function simControl<T = Record<string, unknown>>(simUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${simUrl}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sim ${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface PushOutcome {
  httpStatus: number;
  acknowledged: boolean;
}

/** What a test asserts "nothing was processed" against. */
export async function callbackFootprint(h: CloudHarness) {
  const db = h.services.db;
  return {
    events: await db.callbackEvent.count(),
    jobs: await db.job.count({ where: { kind: 'callback.process' } }),
    outbox: await db.event.count(),
  };
}

export async function adminCall(h: CloudHarness, adminToken: string, method: string, path: string, body?: unknown) {
  const res = await fetch(h.url + path, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The tenant's events as a local store would pull them. */
export async function pullEvents(h: CloudHarness, apiKey: string): Promise<Array<{ type: string; seq: number; data: Record<string, unknown> }>> {
  const res = await fetch(`${h.url}/v1/events?after=0&limit=1000`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (res.status !== 200) throw new Error(`pull → ${res.status}`);
  return ((await res.json()) as { events: Array<{ type: string; seq: number; data: Record<string, unknown> }> }).events;
}

/**
 * A fresh process answers its first request slowly (lazy compilation, first transaction); on a busy
 * CI machine that can exceed DingTalk's 1,200 ms deadline, which is DingTalk's retry's business, not
 * the test's. One URL check before the simulator pushes keeps the deadline assertions meaningful.
 */
export async function warmUp(url: string, keys: CallbackKeys): Promise<void> {
  const answer = await postCallback(url, signPush(keys, { EventType: 'check_url' }));
  if (answer.status !== 200) throw new Error(`warm-up check_url → ${answer.status} ${JSON.stringify(answer.body)}`);
}
