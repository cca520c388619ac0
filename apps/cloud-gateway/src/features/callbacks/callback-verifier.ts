// Opens one inbound push: signature (constant time) → timestamp window → decrypt with an accepted
// owner key → parse. Each refusal says which check failed; nothing is stored before all pass.
import { randomInt } from 'node:crypto';
import { DingTalkCallbackCrypto, DingTalkCallbackCryptoError, type EncryptedReply } from '@dtg/dingtalk-client';
import { AppError } from '@dtg/service-kit';
import type { CallbackEndpoint } from './callback-endpoint';
import { CallbackPayloadSchema, type CallbackPayload } from './callback-payload';

export interface SignedCallback {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

export type RejectionReason = 'signature' | 'stale' | 'decrypt' | 'owner' | 'replay' | 'payload';

/** A refused push: 401 when the sender could not prove it holds our secrets or repeats itself, 400 for a bad payload. */
export class CallbackRejected extends AppError {
  constructor(
    readonly reason: RejectionReason,
    detail: string,
  ) {
    super(reason === 'payload' ? 'bad_request' : 'unauthorized', detail);
  }
}

export interface OpenedCallback {
  payload: CallbackPayload;
  timestampMs: number;
  /** The encrypted `success` DingTalk requires, bound to the owner key the push used. */
  reply(nowMs: number): EncryptedReply;
}

/** Below 1e11 a timestamp can only be seconds (1e11 ms is 1973): DingTalk sends either. */
export function timestampMs(timestamp: string): number {
  const value = Number(timestamp);
  return value < 1e11 ? value * 1000 : value;
}

export function openCallback(endpoint: CallbackEndpoint, signed: SignedCallback, clock: { nowMs: number; windowMs: number }): OpenedCallback {
  const [primary] = endpoint.owners;
  if (!primary) throw new Error(`callback endpoint ${endpoint.source} has no owner key`);
  const cryptoFor = (ownerKey: string) => new DingTalkCallbackCrypto(endpoint.token, endpoint.aesKey, ownerKey);
  // The signature covers only token, timestamp, nonce and ciphertext, so any owner's crypto checks it.
  if (!cryptoFor(primary.key).verify(signed.signature, signed.timestamp, signed.nonce, signed.encrypt)) {
    throw new CallbackRejected('signature', 'the callback signature does not match this endpoint’s token');
  }
  const sentAt = timestampMs(signed.timestamp);
  if (Math.abs(clock.nowMs - sentAt) > clock.windowMs) {
    throw new CallbackRejected('stale', `the callback timestamp is outside the accepted window of ±${clock.windowMs / 1000} s`);
  }
  for (const owner of endpoint.owners) {
    const crypto = cryptoFor(owner.key);
    const plain = decryptOrOwnerMismatch(crypto, signed.encrypt);
    if (plain === undefined) continue;
    const payload = parsePayload(plain);
    if (owner.onlyEvents && !owner.onlyEvents.includes(payload.EventType)) {
      throw new CallbackRejected('owner', `a ${payload.EventType} event may not use the placeholder owner key`);
    }
    return { payload, timestampMs: sentAt, reply: (nowMs) => crypto.encryptedReply('success', String(nowMs), replyNonce()) };
  }
  throw new CallbackRejected('owner', 'the callback is bound to another CorpId/AppKey/SuiteKey');
}

/** undefined = decrypted, but bound to another owner key (try the next one). */
function decryptOrOwnerMismatch(crypto: DingTalkCallbackCrypto, encrypt: string): string | undefined {
  try {
    return crypto.decrypt(encrypt);
  } catch (err) {
    if (err instanceof DingTalkCallbackCryptoError && err.code === 900010) return undefined;
    if (err instanceof DingTalkCallbackCryptoError) {
      throw new CallbackRejected('decrypt', `the callback does not decrypt with this endpoint’s EncodingAESKey (${err.code})`);
    }
    throw err;
  }
}

function parsePayload(plain: string): CallbackPayload {
  let json: unknown;
  try {
    json = JSON.parse(plain);
  } catch {
    throw new CallbackRejected('payload', 'the decrypted callback is not JSON');
  }
  const parsed = CallbackPayloadSchema.safeParse(json);
  if (!parsed.success) throw new CallbackRejected('payload', 'the decrypted callback has no EventType');
  return parsed.data;
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** DingTalk's own encryptor insists on a 16-character nonce. */
function replyNonce(): string {
  let out = '';
  for (let i = 0; i < 16; i += 1) out += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return out;
}
