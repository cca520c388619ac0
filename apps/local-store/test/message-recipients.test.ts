// A 100,000-recipient message at the store: its completed event (every recipient, ~4 MB) is taken by
// the webhook, and its recipients are read page by page — the detail carries the counts of all of
// them and only the first 500, so neither the console nor a service ever loads 100,000 rows at once.
import { DETAIL_RECIPIENTS, MessageDetailSchema, MessageRecipientsPageSchema, type RecipientResult } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import request from 'supertest';
import { event } from './support/events';
import { signedInCookie } from './support/session-helper';
import { startTestStore, type TestStore } from './support/test-store';

const COUNT = 100_000;
const userid = (i: number) => `u${String(i).padStart(6, '0')}`;
/** Every 10th forbidden (with DingTalk's daily-cap reason), every 3rd of the rest unread, the others read. */
function recipient(i: number): RecipientResult {
  if (i % 10 === 0) return { userid: userid(i), status: 'forbidden', reason: '143105' };
  return { userid: userid(i), status: i % 3 === 0 ? 'unread' : 'read' };
}

let store: TestStore;
let cookie: string;
const get = (path: string) => request(store.app).get(path).set('cookie', cookie);

beforeAll(async () => {
  store = await startTestStore();
  cookie = await signedInCookie(store, 1, 'aaa-admin', { admin: true });
  const accepted = await store.push(
    event('message.accepted', 1, {
      messageId: 'msg_big',
      msgtype: 'text',
      msg: { content: 'everyone' },
      recipients: { deptIds: [1] },
      createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    }),
  );
  expect(accepted.status).toBe(200);
  const recipients = Array.from({ length: COUNT }, (_, i) => recipient(i + 1));
  const completed = await store.push(event('message.completed', 2, { messageId: 'msg_big', status: 'completed', recipients }));
  expect(completed.body).toEqual({ status: 'applied' });
}, 120_000);
afterAll(() => store.close());

describe('a 100,000-recipient message', () => {
  it('the detail counts everyone and carries the first 500 recipients, with where to continue', async () => {
    const res = await get('/api/messages/msg_big');
    expect(res.status).toBe(200);
    const detail = MessageDetailSchema.parse(res.body);
    expect(detail.counts).toMatchObject({ forbidden: 10_000, unread: 30_000, read: 60_000 });
    expect(detail.recipients).toHaveLength(DETAIL_RECIPIENTS);
    expect(detail.recipients[0]).toEqual(recipient(1));
    expect(detail.recipients.at(-1)).toEqual(recipient(DETAIL_RECIPIENTS));
    expect(detail.recipientsNextCursor).toEqual(expect.any(String));
  });

  it('pages through every recipient once, in userid order, from where the detail stopped', async () => {
    const detail = MessageDetailSchema.parse((await get('/api/messages/msg_big')).body);
    const seen = detail.recipients.map((r) => r.userid);
    let cursor = detail.recipientsNextCursor;
    while (cursor !== null) {
      const page = MessageRecipientsPageSchema.parse((await get(`/api/messages/msg_big/recipients?limit=500&cursor=${cursor}`)).body);
      seen.push(...page.items.map((r) => r.userid));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen).size).toBe(COUNT);
    expect(seen).toEqual([...seen].sort());
  }, 60_000);

  it('filters by status on the server, across pages', async () => {
    const first = MessageRecipientsPageSchema.parse((await get('/api/messages/msg_big/recipients?status=forbidden&limit=3')).body);
    expect(first.items).toEqual([recipient(10), recipient(20), recipient(30)]);
    const second = MessageRecipientsPageSchema.parse((await get(`/api/messages/msg_big/recipients?status=forbidden&limit=3&cursor=${first.nextCursor}`)).body);
    expect(second.items).toEqual([recipient(40), recipient(50), recipient(60)]);
    const waiting = MessageRecipientsPageSchema.parse((await get('/api/messages/msg_big/recipients?status=pending,sent')).body);
    expect(waiting).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a status that does not exist, a limit over 500 and a forged cursor, naming the field', async () => {
    for (const [query, field] of [
      ['status=read,lost', 'query.status.1'],
      ['limit=501', 'query.limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
    ]) {
      const res = await get(`/api/messages/msg_big/recipients?${query}`);
      expect(res.status).toBe(400);
      expect(ProblemSchema.parse(res.body).errors?.map((e) => e.path)).toContain(field);
    }
    expect((await get('/api/messages/msg_unknown/recipients')).status).toBe(404);
  });
});
