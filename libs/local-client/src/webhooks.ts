// For a subscription endpoint: check a push's Standard Webhooks signature on the raw body (±5 min,
// any of the endpoint's secrets during a rotation), then parse it as a change event. Deduplicate
// on `event.id` (the webhook-id): a push can arrive twice (a retry after a lost answer).
import { ChangeEventSchema, type ChangeEvent } from '@dtg/contracts';
import { verifyWebhook } from '@dtg/webhook-signing';

export { WebhookSignatureError } from '@dtg/webhook-signing';

export class ChangeEventError extends Error {
  override readonly name = 'ChangeEventError';
}

/**
 * `rawBody` must be the bytes as received (not a re-serialised object). Throws WebhookSignatureError
 * (`reason`: missing_headers, stale_timestamp, bad_signature) or ChangeEventError for a signed body
 * that is not a change event this client knows.
 */
export function verifyChangeWebhook(
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  secrets: string | readonly string[],
): ChangeEvent {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  verifyWebhook(text, headers, typeof secrets === 'string' ? [secrets] : secrets);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ChangeEventError('the signed body is not JSON');
  }
  const parsed = ChangeEventSchema.safeParse(json);
  if (!parsed.success) throw new ChangeEventError(`the signed body is not a known change event: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data as ChangeEvent;
}
