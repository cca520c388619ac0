// GET /v1/messages/:id carries a message's counts and its first 500 recipients; the rest are paged
// through GET /v1/messages/:id/recipients (by userid, optionally by status). On both databases.
// No job runs (the runner is stopped), so a message stays queued until a test writes its
// recipients' states here, as the dispatch plan would.
import { AcceptedMessageSchema, MessageRecipientsPageSchema, type RecipientResult, type RecipientStatus } from '@dtg/contracts';
import { ProblemSchema } from '@dtg/service-kit';
import { messagesRepository as repo } from '../src/features/messages/messages.repository';
import { MessageViewSchema } from '../src/features/messages/messages.schemas';
import { call, createTenant, startCloud, type CloudHarness } from './support/cloud-harness';

const STATES: RecipientStatus[] = ['read', 'unread', 'failed', 'rejected_by_quota'];

describe('a message’s recipients, page by page', () => {
  let h: CloudHarness;
  let apiKey: string;
  beforeAll(async () => {
    h = await startCloud({ dispatcher: false });
    await h.services.jobs.stop();
    apiKey = (await createTenant(h)).apiKey.key;
  });
  afterAll(() => h.close());

  // Not in userid order, and with a duplicate: the pages sort them and count each once.
  const userids = (n: number) => Array.from({ length: n }, (_, i) => `u${String((i * 7919) % n).padStart(5, '0')}`);

  async function send(ids: string[]): Promise<string> {
    const res = await call(
      h,
      'POST',
      '/v1/messages',
      { recipients: { userIds: [...ids, ids[0]] }, msg: { msgtype: 'text', text: { content: 'pages' } } },
      apiKey,
    );
    expect(res.status).toBe(202);
    return AcceptedMessageSchema.parse(res.body).id;
  }

  /** The message as the dispatch plan leaves it: each recipient in a state (the i-th sorted one in STATES[i % 4]). */
  async function dispatched(ids: string[]): Promise<{ id: string; expected: RecipientResult[] }> {
    const id = await send(ids);
    const expected = [...ids].sort().map((userid, i): RecipientResult => {
      const status = STATES[i % STATES.length] as RecipientStatus;
      return status === 'rejected_by_quota' ? { userid, status, reason: 'daily_cap' } : { userid, status };
    });
    await h.services.sqldb.write(async (tx) => {
      await repo.setStatus(tx, id, ['queued'], 'sent');
      for (const status of STATES) {
        const these = expected.filter((r) => r.status === status);
        await repo.addRecipients(
          tx,
          id,
          these.map((r) => r.userid),
          { status, ...(these[0]?.reason ? { reason: these[0].reason } : {}) },
        );
      }
    });
    return { id, expected };
  }

  async function view(id: string) {
    const res = await call(h, 'GET', `/v1/messages/${id}`, undefined, apiKey);
    expect(res.status).toBe(200);
    return MessageViewSchema.parse(res.body);
  }

  /** Every page from `cursor` on, `query` added to each request. */
  async function pagesFrom(id: string, cursor: string | null, query = ''): Promise<{ items: RecipientResult[]; pages: number }> {
    const items: RecipientResult[] = [];
    let pages = 0;
    let next: string | null | undefined = cursor;
    do {
      const res = await call(h, 'GET', `/v1/messages/${id}/recipients?${query}${next ? `&cursor=${next}` : ''}`, undefined, apiKey);
      expect(res.status).toBe(200);
      const page = MessageRecipientsPageSchema.parse(res.body);
      items.push(...page.items);
      pages += 1;
      next = page.nextCursor;
    } while (next && pages < 20); // a cursor that does not move on would page forever
    return { items, pages };
  }

  it('when a message has 1,234 recipients, then its view counts them all and lists the first 500, and the pages after it list the rest once each, in order', async () => {
    const { id, expected } = await dispatched(userids(1234));
    const v = await view(id);
    expect(v.counts).toMatchObject({ read: 309, unread: 309, failed: 308, rejected_by_quota: 308, pending: 0, sent: 0 });
    expect(v.recipients).toEqual(expected.slice(0, 500));
    expect(v.recipientsNextCursor).not.toBeNull();

    const rest = await pagesFrom(id, v.recipientsNextCursor, 'limit=300');
    expect(rest.items).toEqual(expected.slice(500));
    expect(rest.pages).toBe(3);
  });

  it('when pages ask for some statuses, then they hold exactly those recipients, in order', async () => {
    const { id, expected } = await dispatched(userids(640));
    const some = await pagesFrom(id, null, 'status=rejected_by_quota,read&limit=90');
    expect(some.items).toEqual(expected.filter((r) => r.status === 'rejected_by_quota' || r.status === 'read'));
    expect(some.pages).toBe(4);
    expect((await pagesFrom(id, null, 'status=recalled')).items).toEqual([]);
  });

  it('when the message is still queued, then its given userids are its recipients, all pending', async () => {
    const ids = userids(520);
    const id = await send(ids);
    const v = await view(id);
    expect(v.status).toBe('queued');
    expect(v.counts.pending).toBe(520);
    expect(v.recipients.map((r) => r.userid)).toEqual([...ids].sort().slice(0, 500));
    expect((await pagesFrom(id, v.recipientsNextCursor)).items.map((r) => r.userid)).toEqual([...ids].sort().slice(500));
    expect((await pagesFrom(id, null, 'status=pending&limit=500')).pages).toBe(2);
    expect((await pagesFrom(id, null, 'status=read')).items).toEqual([]);
  });

  it('when the query is malformed, then the answer is a 400 naming the field', async () => {
    const id = await send(userids(3));
    for (const [query, field] of [
      ['cursor=bm90IGpzb24', 'query.cursor'],
      ['status=lost', 'query.status'],
      ['limit=0', 'query.limit'],
      ['limit=501', 'query.limit'],
    ]) {
      const res = await call(h, 'GET', `/v1/messages/${id}/recipients?${query}`, undefined, apiKey);
      expect(res.status).toBe(400);
      expect(ProblemSchema.parse(res.body).errors?.map((e) => e.path.replace(/\.\d+$/, ''))).toContain(field);
    }
  });

  it('when the message is unknown or another tenant’s, then it is a 404', async () => {
    const id = await send(userids(2));
    const other = (await createTenant(h)).apiKey.key;
    expect((await call(h, 'GET', `/v1/messages/${id}/recipients`, undefined, other)).status).toBe(404);
    expect((await call(h, 'GET', '/v1/messages/msg_nothing/recipients', undefined, apiKey)).status).toBe(404);
  });
});
