// POST /v1/media against the simulator over HTTP: the file streams through to DingTalk's
// /media/upload, and what DingTalk would refuse is refused here first, before DingTalk is called.
import { createHash, randomBytes } from 'node:crypto';
import { waitFor } from '@dtg/testkit';
import { startIdentityStack, type IdentityStack, type TestTenant } from './support/identity-stack';

describe('POST /v1/media', () => {
  let stack: IdentityStack;
  let tenant: TestTenant;
  beforeAll(async () => {
    stack = await startIdentityStack();
    tenant = await stack.createTenant();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sim.sim.reset());

  const uploads = () => stack.sim.sim.requestLog({ pathPrefix: '/media/upload' });

  async function upload(type: string, filename: string, bytes: Buffer, options: { token?: string; field?: string } = {}) {
    const form = new FormData();
    form.append(options.field ?? 'media', new Blob([bytes]), filename);
    const res = await fetch(`${stack.cloud.url}/v1/media?type=${type}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token ?? tenant.apiKey}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('streams the file to DingTalk and answers its media_id, which an image message then carries to the recipients', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const answer = await upload('image', 'quarterly chart.png', bytes);
    expect(answer).toMatchObject({
      status: 201,
      body: { mediaId: expect.stringMatching(/^@/), type: 'image', filename: 'quarterly chart.png', size: bytes.length },
    });
    // DingTalk got the very bytes, under the name recipients will see.
    expect(stack.sim.sim.world.media.list()).toEqual([
      expect.objectContaining({
        mediaId: answer.body['mediaId'],
        filename: 'quarterly chart.png',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      }),
    ]);

    const sent = await stack.call<{ id: string }>('POST', '/v1/messages', {
      token: tenant.apiKey,
      body: { recipients: { userIds: ['user010'] }, msg: { msgtype: 'image', image: { media_id: answer.body['mediaId'] } } },
    });
    expect(sent.status).toBe(202);
    const task = await waitFor(async () => stack.sim.sim.tasks().find((t) => t.msgtype === 'image'), 'the image message at DingTalk', 10_000);
    expect(task.recipients).toEqual(['user010']);
  });

  it.each([
    ['an extension DingTalk does not take for the type', 'image', 'tool.exe', 1024, 415],
    ['a voice over 2 MB (counted as it streams)', 'voice', 'memo.amr', 2 * 1024 * 1024 + 1, 413],
    ['a file whose declared length is over the limit', 'file', 'big.pdf', 21 * 1024 * 1024, 413],
  ])('refuses %s (%s, %s) with %s, and DingTalk receives nothing', async (_what, type, filename, size, status) => {
    const answer = await upload(type, filename, Buffer.alloc(size, 1));
    expect(answer.status).toBe(status);
    expect(stack.sim.sim.world.media.list()).toEqual([]);
    // The oversize stream was cut before its end: whatever reached DingTalk was not stored.
    if (status === 415) expect(uploads()).toEqual([]);
  });

  it('refuses an unknown type, a missing file, a body that is not multipart, and a key without messages:send', async () => {
    expect((await upload('sticker', 'a.png', Buffer.from('x'))).status).toBe(400);
    expect(await upload('image', 'a.png', Buffer.from('x'), { field: 'attachment' })).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const json = await stack.call('POST', '/v1/media?type=image', { token: tenant.apiKey, body: { media: 'x' } });
    expect(json.status).toBe(415);
    const reader = await stack.call<{ key: string }>('POST', `/admin/tenants/${tenant.id}/api-keys`, { body: { name: 'reader', scopes: ['messages:read'] } });
    expect((await upload('image', 'a.png', Buffer.from('x'), { token: reader.body.key })).status).toBe(403);
    expect(uploads()).toEqual([]);
  });
});
