// Per-resource versions: whatever order events arrive in (push is unordered, pull may overlap it),
// the stored state is the state after applying them in seq order.
import { event, loginTicket, TENANT_ID, user, userUpserted } from './support/events';
import { startTestStore, type TestStore } from './support/test-store';

let store: TestStore;

beforeAll(async () => {
  store = await startTestStore();
});
afterAll(() => store.close());

const query = <R>(text: string, values: unknown[] = []) => store.database.db.sql.query<R>(text, values);
const userState = async (userid: string) =>
  (
    await query<{ name: string; union_id: string | null; active: boolean }>('SELECT name, union_id, active FROM users WHERE tenant_id = $1 AND userid = $2', [
      TENANT_ID,
      userid,
    ])
  )[0];
const applyInOneBatch = (...events: unknown[]) => store.services.ingest.ingestPulled(events);

describe('users', () => {
  it('when a removal arrives before an older upsert, then the user keeps the profile but stays inactive', async () => {
    await store.push(event('user.removed', 102, { userids: ['late'] }));
    expect(await userState('late')).toEqual({ name: '', union_id: null, active: false });
    await store.push(userUpserted(101, user('late', { name: 'Late Larry' })));
    expect(await userState('late')).toEqual({ name: 'Late Larry', union_id: null, active: false });
    await store.push(userUpserted(103, user('late', { name: 'Larry is back' })));
    expect(await userState('late')).toEqual({ name: 'Larry is back', union_id: null, active: true });
  });

  it('when a unionId moves to another userid, then the newer event owns it and an older one cannot steal it back', async () => {
    await store.push(userUpserted(110, user('old-account', { unionId: 'union-move' })));
    await store.push(userUpserted(112, user('new-account', { unionId: 'union-move' })));
    expect((await userState('old-account'))?.union_id).toBeNull();
    expect((await userState('new-account'))?.union_id).toBe('union-move');
    await store.push(userUpserted(111, user('old-account', { name: 'stale', unionId: 'union-move' })));
    expect((await userState('new-account'))?.union_id).toBe('union-move');
    expect(await userState('old-account')).toMatchObject({ union_id: null });
  });

  it('when one batch upserts the same user twice and moves a unionId, then the newest of each wins', async () => {
    await applyInOneBatch(
      userUpserted(120, user('twice', { name: 'first', unionId: 'union-batch' })),
      userUpserted(121, user('other', { unionId: 'union-batch' })),
      userUpserted(122, user('twice', { name: 'second' })),
    );
    expect(await userState('twice')).toEqual({ name: 'second', union_id: null, active: true });
    expect((await userState('other'))?.union_id).toBe('union-batch');
  });
});

describe('departments', () => {
  it('when a department is removed, then an older upsert does not restore it but a newer one does', async () => {
    const removed = async () => (await query<{ removed: boolean; name: string }>('SELECT removed, name FROM departments WHERE dept_id = 40'))[0];
    await store.push(event('department.upserted', 130, { departments: [{ deptId: 40, name: 'Ops', parentId: null }] }));
    await store.push(event('department.removed', 132, { deptIds: [40] }));
    await store.push(event('department.upserted', 131, { departments: [{ deptId: 40, name: 'Ops renamed', parentId: null }] }));
    expect(await removed()).toEqual({ removed: true, name: 'Ops renamed' });
    await store.push(event('department.upserted', 133, { departments: [{ deptId: 40, name: 'Ops again', parentId: null }] }));
    expect(await removed()).toEqual({ removed: false, name: 'Ops again' });
  });
});

describe('messages', () => {
  const accepted = (seq: number, messageId: string) =>
    event('message.accepted', seq, {
      messageId,
      msgtype: 'text',
      msg: { content: 'hi' },
      recipients: { userIds: ['a', 'b'] },
      createdAt: new Date().toISOString(),
    });
  const recipients = async (messageId: string) =>
    query<{ userid: string; status: string; reason: string | null }>(
      'SELECT userid, status, reason FROM message_recipients WHERE message_id = $1 ORDER BY userid',
      [messageId],
    );
  const history = async (messageId: string) =>
    query<{ userid: string; status: string; seq: number }>(
      'SELECT userid, status, seq FROM message_recipient_history WHERE message_id = $1 ORDER BY seq, userid',
      [messageId],
    );
  const status = async (messageId: string) =>
    (await query<{ status: string; msgtype: string | null }>('SELECT status, msgtype FROM messages WHERE id = $1', [messageId]))[0];

  it('when a late dispatched event arrives after completed, then the final statuses stay', async () => {
    await store.push(accepted(140, 'm-late'));
    await store.push(
      event('message.completed', 142, {
        messageId: 'm-late',
        status: 'completed',
        recipients: [
          { userid: 'a', status: 'read' },
          { userid: 'b', status: 'forbidden', reason: '143106' },
        ],
      }),
    );
    await store.push(
      event('message.dispatched', 141, {
        messageId: 'm-late',
        taskIds: [1],
        recipients: [
          { userid: 'a', status: 'sent' },
          { userid: 'b', status: 'sent' },
        ],
      }),
    );
    expect(await status('m-late')).toEqual({ status: 'completed', msgtype: 'text' });
    expect(await recipients('m-late')).toEqual([
      { userid: 'a', status: 'read', reason: null },
      { userid: 'b', status: 'forbidden', reason: '143106' },
    ]);
  });

  it('when status events come before message.accepted, then the content is filled in without losing the newer status', async () => {
    await store.push(event('message.dispatched', 151, { messageId: 'm-early', taskIds: [7], recipients: [{ userid: 'a', status: 'sent' }] }));
    expect(await status('m-early')).toEqual({ status: 'sent', msgtype: null });
    await store.push(accepted(150, 'm-early'));
    expect(await status('m-early')).toEqual({ status: 'sent', msgtype: 'text' });
    await store.push(event('message.recalled', 152, { messageId: 'm-early' }));
    expect(await status('m-early')).toEqual({ status: 'recalled', msgtype: 'text' });
  });

  it('records one history row per status change, in seq order, skipping repeats and stale reports', async () => {
    await store.push(accepted(160, 'm-hist'));
    await applyInOneBatch(
      event('message.dispatched', 161, { messageId: 'm-hist', taskIds: [1], recipients: [{ userid: 'a', status: 'sent' }] }),
      event('message.receipts.updated', 162, { messageId: 'm-hist', recipients: [{ userid: 'a', status: 'unread' }] }),
      event('message.receipts.updated', 163, { messageId: 'm-hist', recipients: [{ userid: 'a', status: 'unread' }] }),
    );
    await store.push(event('message.receipts.updated', 165, { messageId: 'm-hist', recipients: [{ userid: 'a', status: 'read' }] }));
    await store.push(event('message.receipts.updated', 164, { messageId: 'm-hist', recipients: [{ userid: 'a', status: 'unread' }] }));
    expect(await history('m-hist')).toEqual([
      { userid: 'a', status: 'sent', seq: 161 },
      { userid: 'a', status: 'unread', seq: 162 },
      { userid: 'a', status: 'read', seq: 165 },
    ]);
    expect(await recipients('m-hist')).toEqual([{ userid: 'a', status: 'read', reason: null }]);
  });
});

describe('tenant', () => {
  it('learns its corpId from a sign-in when no authorization event names it (internal apps), and an authorization event still wins', async () => {
    const signIn = loginTicket('ticket-corp-learning-0123456789abc', user('corp-learner'));
    await store.push(event('user.authenticated', 169, { ...signIn.data, corpId: 'ding-internal' }));
    const corp = () => query<{ corp_id: string }>('SELECT corp_id FROM tenant_info WHERE tenant_id = $1', [TENANT_ID]);
    expect(await corp()).toEqual([{ corp_id: 'ding-internal' }]);
    // A later sign-in naming another corp changes nothing: only a missing row is filled.
    await store.push(
      event('user.authenticated', 172, { ...loginTicket('ticket-corp-learning-abcdef9876543', user('corp-learner')).data, corpId: 'ding-other' }),
    );
    expect(await corp()).toEqual([{ corp_id: 'ding-internal' }]);
  });

  it('keeps the newest authorization state', async () => {
    await store.push(event('tenant.authorization.changed', 171, { corpId: 'ding-corp', status: 'suspended', agentId: 3_000_000_001 }));
    await store.push(event('tenant.authorization.changed', 170, { corpId: 'ding-corp', status: 'active' }));
    const rows = await query<{ corp_id: string; status: string; agent_id: string }>(
      'SELECT corp_id, status, agent_id::text FROM tenant_info WHERE tenant_id = $1',
      [TENANT_ID],
    );
    expect(rows).toEqual([{ corp_id: 'ding-corp', status: 'suspended', agent_id: '3000000001' }]);
  });
});

describe('data the database refuses', () => {
  it('when one event in a pulled page cannot be stored, then only that event is parked', async () => {
    const bigDept = event('department.upserted', 181, { departments: [{ deptId: 2 ** 53 - 1, name: 'big id', parentId: null }] });
    // A valid ISO timestamp (the schema accepts it) in a year Postgres does not have.
    const yearZero = event('message.accepted', 182, {
      messageId: 'm-year-zero',
      msgtype: 'text',
      msg: {},
      recipients: { toAll: true },
      createdAt: '0000-01-01T00:00:00Z',
    });
    const summary = await applyInOneBatch(userUpserted(180, user('before-bad')), bigDept, yearZero, userUpserted(183, user('after-bad')));
    expect(summary).toEqual({ applied: 3, duplicates: 0, parked: 1 });
    expect(await userState('before-bad')).toBeDefined();
    expect(await userState('after-bad')).toBeDefined();
    expect(await query('SELECT dept_id::text FROM departments WHERE dept_id = $1', [String(2 ** 53 - 1)])).toHaveLength(1);
    const [dead] = await query<{ event_id: string; reason: string }>('SELECT event_id, reason FROM dead_events WHERE event_id = $1', [yearZero.id]);
    expect(dead?.reason).toMatch(/database refused the event \(SQLSTATE 22/);
    expect(await query('SELECT outcome FROM processed_events WHERE event_id = $1', [yearZero.id])).toEqual([{ outcome: 'parked' }]);
  });
});
