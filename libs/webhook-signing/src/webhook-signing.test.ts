import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhook, verifyWebhook, WebhookSignatureError } from './webhook-signing';

const body = JSON.stringify({ id: 'evt_1', type: 'user.upserted', data: { userid: 'user001' } });
const now = () => Math.floor(Date.now() / 1000);

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookSignatureError) return err.reason;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('webhook signing (Standard Webhooks)', () => {
  it('when signed with a secret, then the signature is base64 HMAC-SHA256 of id.timestamp.body per the spec', () => {
    const secret = generateWebhookSecret();
    const ts = now();
    const headers = signWebhook({ id: 'msg_1', timestampSec: ts, body, secrets: [secret] });
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_1.${ts}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(verifyWebhook(body, headers, [secret])).toEqual({ id: 'msg_1', timestampSec: ts });
  });

  it('when a secret is rotating, then both signatures are sent and a receiver knowing either accepts', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook({ id: 'msg_2', timestampSec: now(), body, secrets: [newSecret, oldSecret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => verifyWebhook(body, headers, [oldSecret])).not.toThrow();
    expect(() => verifyWebhook(Buffer.from(body), headers, [newSecret])).not.toThrow();
  });

  it('when the body, id or secret differ, then verification fails as bad_signature', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_3', timestampSec: now(), body, secrets: [secret] });
    expect(rejection(() => verifyWebhook(body.replace('user001', 'user002'), headers, [secret]))).toBe('bad_signature');
    expect(rejection(() => verifyWebhook(body, { ...headers, 'webhook-id': 'msg_4' }, [secret]))).toBe('bad_signature');
    expect(rejection(() => verifyWebhook(body, headers, [generateWebhookSecret()]))).toBe('bad_signature');
    expect(rejection(() => verifyWebhook(body, headers, []))).toBe('bad_signature');
  });

  it('when the timestamp is more than 5 minutes away, then it is stale whatever the signature', () => {
    const secret = generateWebhookSecret();
    for (const ts of [now() - 301, now() + 301]) {
      const headers = signWebhook({ id: 'msg_5', timestampSec: ts, body, secrets: [secret] });
      expect(rejection(() => verifyWebhook(body, headers, [secret]))).toBe('stale_timestamp');
    }
  });

  it('when headers are missing, then it says so', () => {
    expect(rejection(() => verifyWebhook(body, {}, [generateWebhookSecret()]))).toBe('missing_headers');
  });
});
