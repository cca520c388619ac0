// Attachments through the store (POST /api/media): the file goes on to the cloud's POST /v1/media
// (the faithful double here; media.e2e drives the real cloud and simulator) as one multipart file
// with the same bytes; DingTalk's limits are checked at the store first (413/415, nothing sent on).
import { createHash } from 'node:crypto';
import { IssuedServiceTokenSchema, UploadedMediaSchema } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import request from 'supertest';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud';
import { startTestStore, type TestStore } from './support/test-store';

const ADMIN_TOKEN = 'local-admin-token-for-tests-0123';
let cloud: FakeCloud;
let store: TestStore;
let sender: string;

beforeAll(async () => {
  cloud = await startFakeCloud();
  store = await startTestStore({ cloudUrl: cloud.url, env: { LOCAL_ADMIN_TOKEN: ADMIN_TOKEN } });
  const issued = await request(store.app)
    .post('/api/tokens')
    .set('authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name: 'uploader', scopes: ['messages:send'] });
  sender = IssuedServiceTokenSchema.parse(issued.body).secret;
});
afterAll(async () => {
  await store.close();
  await cloud.close();
});
beforeEach(() => {
  cloud.uploads.length = 0;
  cloud.refuseUploads = undefined;
});

const upload = (query: string, bytes: Buffer, contentType = 'application/octet-stream', token = sender) =>
  request(store.app).post(`/api/media?${query}`).set('authorization', `Bearer ${token}`).set('content-type', contentType).send(bytes);

describe('POST /api/media', () => {
  it('when a file is uploaded, then the cloud receives it as the multipart field media with the same bytes, name and type, and its media id comes back', async () => {
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const res = await upload(`type=file&filename=${encodeURIComponent('季度 report.pdf')}`, bytes, 'application/pdf');
    expect(res.status).toBe(201);
    expect(UploadedMediaSchema.parse(res.body)).toMatchObject({ mediaId: '@fake1', type: 'file', filename: '季度 report.pdf', size: bytes.length });
    expect(cloud.uploads).toEqual([
      {
        type: 'file',
        filename: '季度 report.pdf',
        mimeType: 'application/pdf',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        // The length is known before the body is sent: the cloud can refuse an oversize file at once.
        contentLength: expect.any(Number),
      },
    ]);
    expect(cloud.uploads[0]?.contentLength).toBeGreaterThan(bytes.length);
  });

  it('when the type or size is one DingTalk refuses, then the store answers 415/413 problem+json and sends nothing to the cloud', async () => {
    const cases: [string, Buffer, number, string][] = [
      ['type=image&filename=notes.txt', Buffer.from('text'), 415, 'unsupported_media_type'],
      ['type=file&filename=noextension', Buffer.from('x'), 415, 'unsupported_media_type'],
      ['type=voice&filename=memo.amr', Buffer.alloc(2 * 1024 * 1024 + 1), 413, 'payload_too_large'],
    ];
    for (const [query, bytes, status, code] of cases) {
      const res = await upload(query, bytes);
      expect([res.status, res.headers['content-type']]).toEqual([status, expect.stringContaining('application/problem+json')]);
      expect(ProblemSchema.parse(res.body).code).toBe(code);
    }
    const json = await upload('type=file&filename=a.pdf', Buffer.from('{}'), 'application/json');
    expect(json.status).toBe(415);
    const noType = await upload('filename=a.pdf', Buffer.from('x'));
    expect(noType.status).toBe(400);
    expect(ProblemSchema.parse(noType.body).errors?.map((e) => e.path)).toContain('query.type');
    expect(cloud.uploads).toEqual([]);
  });

  it('when the cloud refuses the upload, then its reason is passed on under the same code', async () => {
    cloud.refuseUploads = { status: 502, code: 'dingtalk_setup', detail: 'DingTalk refused the upload (permission): grant it' };
    const res = await upload('type=image&filename=chart.png', Buffer.from('png bytes'));
    expect(res.status).toBe(502);
    expect(ProblemSchema.parse(res.body)).toMatchObject({ code: 'dingtalk_setup', detail: expect.stringContaining('grant it') });
  });

  it('when the caller lacks messages:send, then it is refused before anything is relayed', async () => {
    const issued = await request(store.app)
      .post('/api/tokens')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'reader', scopes: ['directory:read'] });
    const res = await upload('type=image&filename=chart.png', Buffer.from('png'), 'image/png', IssuedServiceTokenSchema.parse(issued.body).secret);
    expect(res.status).toBe(403);
    expect(cloud.uploads).toEqual([]);
  });
});
