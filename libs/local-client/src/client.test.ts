// The client's own logic, with the platform's fetch replaced by a recording one: URLs and headers
// it builds, and how answers become values or LocalStoreError. (Against the real store:
// apps/local-store/test/local-client.test.ts and the system tests.)
import { signWebhook } from '@dtg/webhook-signing';
import { createLocalStoreClient } from './client';
import { LocalStoreError } from './http';
import { ChangeEventError, verifyChangeWebhook, WebhookSignatureError } from './webhooks';

function recording(answer: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchLike = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as unknown as typeof fetch;
  return { calls, fetchLike };
}

describe('createLocalStoreClient', () => {
  it('builds the query (dates as ISO, active as text), sends the token and the Idempotency-Key', async () => {
    const { calls, fetchLike } = recording(() => new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200 }));
    const client = createLocalStoreClient({ baseUrl: 'http://store.internal:3000/base/', token: 'dtgs_t', fetch: fetchLike });
    await client.users.list({ deptId: 2, includeSubDepartments: true, updatedSince: new Date(Date.UTC(2026, 11, 1)), active: 'any', q: 'li wei' });
    expect(calls[0]?.url).toBe(
      'http://store.internal:3000/base/api/users?deptId=2&includeSubDepartments=true&updatedSince=2026-12-01T00%3A00%3A00.000Z&active=any&q=li+wei',
    );
    expect(calls[0]?.init.headers).toMatchObject({ authorization: 'Bearer dtgs_t' });
    await client.messages.send({ recipients: { toAll: true }, msg: { msgtype: 'text', text: { content: 'x' } } }, { idempotencyKey: 'k-1' });
    expect(calls[1]?.init).toMatchObject({ method: 'POST', headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' } });
    await client.users.get('a/b');
    expect(calls[2]?.url).toBe('http://store.internal:3000/base/api/users/a%2Fb');
  });

  it('turns a problem answer into LocalStoreError with code, fields and request id; no answer into "unreachable"', async () => {
    const problem = {
      code: 'validation_failed',
      detail: 'Invalid request: query.deptId.',
      errors: [{ path: 'query.deptId', message: 'Too small' }],
      requestId: 'req-1',
    };
    const { fetchLike } = recording(() => new Response(JSON.stringify(problem), { status: 400, headers: { 'content-type': 'application/problem+json' } }));
    const error = await createLocalStoreClient({ baseUrl: 'http://s', token: 't', fetch: fetchLike })
      .users.list({ deptId: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalStoreError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: problem.detail, errors: problem.errors, requestId: 'req-1' });
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(createLocalStoreClient({ baseUrl: 'http://s', token: 't', fetch: failing }).users.list()).rejects.toMatchObject({
      status: 0,
      code: 'unreachable',
    });
  });
});

describe('verifyChangeWebhook', () => {
  const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
  const event = {
    id: 'chg_1',
    type: 'department.updated',
    seq: 9,
    occurredAt: '2026-12-06T10:00:00.000Z',
    data: { department: { deptId: 2, name: 'Eng', parentId: 1 }, version: 9 },
  };
  const push = (body: string, id = 'chg_1') => ({ body, headers: signWebhook({ id, timestampSec: Math.floor(Date.now() / 1000), body, secrets: [secret] }) });

  it('returns the typed event for a genuine push', () => {
    const { body, headers } = push(JSON.stringify(event));
    expect(verifyChangeWebhook(body, headers, secret)).toEqual(event);
  });

  it('refuses a tampered or unsigned body, and a signed body that is no change event', () => {
    const { body, headers } = push(JSON.stringify(event));
    expect(() => verifyChangeWebhook(body.replace('Eng', 'Ops'), headers, secret)).toThrow(WebhookSignatureError);
    expect(() => verifyChangeWebhook(body, {}, secret)).toThrow(WebhookSignatureError);
    const other = push(JSON.stringify({ ...event, type: 'department.renamed' }));
    expect(() => verifyChangeWebhook(other.body, other.headers, [secret])).toThrow(ChangeEventError);
  });
});
