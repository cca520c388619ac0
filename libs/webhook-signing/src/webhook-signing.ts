// Standard Webhooks (https://www.standardwebhooks.com) on top of the reference `standardwebhooks`
// package: we only add what the spec leaves to the caller — several secrets during rotation, and a
// rejection reason a receiver can log and count.
import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export type SignedWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export type WebhookRejection = 'missing_headers' | 'stale_timestamp' | 'bad_signature';

export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

const SECRET_PREFIX = 'whsec_';

/** A fresh `whsec_…` secret: 32 random bytes, base64, as the spec recommends (24–64 bytes). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * Signs `body` once per secret; during a rotation the receiver accepts whichever it knows.
 * `timestampSec` is Unix seconds (the header's unit).
 */
export function signWebhook(input: { id: string; timestampSec: number; body: string; secrets: readonly string[] }): SignedWebhookHeaders {
  if (input.secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const at = new Date(input.timestampSec * 1000);
  const signatures = input.secrets.map((secret) => webhookFor(secret).sign(input.id, at, input.body));
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestampSec),
    'webhook-signature': signatures.join(' '),
  };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One signer/verifier per secret (decoding a whsec_ key each time was per delivery). A receiver has
 * one or two; a sender one or two per endpoint, so the map is bounded by a small LRU.
 */
const webhooks = new Map<string, Webhook>();
const MAX_CACHED_SECRETS = 1000;

function webhookFor(secret: string): Webhook {
  let webhook = webhooks.get(secret);
  if (webhook) return webhook;
  webhook = new Webhook(secret);
  if (webhooks.size >= MAX_CACHED_SECRETS) webhooks.delete(webhooks.keys().next().value as string);
  webhooks.set(secret, webhook);
  return webhook;
}

/**
 * Verifies on the RAW body (never a re-serialised object). Accepts the delivery if any signature in
 * the header matches any configured secret; the timestamp must be within ±5 minutes (the library's
 * tolerance, which is the spec's recommendation).
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  secrets: readonly string[],
): { id: string; timestampSec: number } {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) {
    throw new WebhookSignatureError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  }
  const required = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  // Once, not once per secret: the library converts a Buffer to text on every verify.
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      webhookFor(secret).verify(body, required, { jsonParse: false });
      return { id, timestampSec: Number(timestamp) };
    } catch (err) {
      lastError = err;
      if (err instanceof WebhookVerificationError && /timestamp/i.test(err.message)) {
        throw new WebhookSignatureError('stale_timestamp', 'webhook-timestamp is outside the ±5 minute tolerance');
      }
    }
  }
  const detail = lastError instanceof Error ? lastError.message : 'no secret configured';
  throw new WebhookSignatureError('bad_signature', `no signature matched (${detail})`);
}
