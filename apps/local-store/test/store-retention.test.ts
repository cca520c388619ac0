// The store's retention on a real Postgres: exactly-once records go only at or below the cursor and
// past their window — never one the cursor still reads — and old parked events and recipient
// history go too; young rows and `off` families stay.
import { pruneStore } from '../src/features/retention/store-retention';
import { TENANT_ID, user, userUpserted } from './support/events';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud';
import { startTestStore, type TestStore } from './support/test-store';

const DAY = 86_400_000;
let cloud: FakeCloud;
let store: TestStore;

beforeEach(async () => {
  cloud = await startFakeCloud();
  store = await startTestStore({ cloudUrl: cloud.url });
});
afterEach(async () => {
  await store.close();
  await cloud.close();
});

describe('store retention', () => {
  it('when exactly-once records are old, then only those below the cursor go, with old dead events and history; off keeps a family', async () => {
    const sql = store.database.db.sql;
    // Seqs 1..10 applied and the cursor at 10; 12 applied past a gap (11 missing): the cursor reads it.
    for (let seq = 1; seq <= 10; seq++) cloud.events.push(userUpserted(seq, user(`u${seq}`)));
    await store.services.catchUp.runOnce();
    expect((await store.push(userUpserted(12, user('u12')))).body.status).toBe('applied');
    expect(await store.services.tracker.advance()).toBe(10);
    await sql.query('UPDATE processed_events SET processed_at = $1', [new Date(Date.now() - 60 * DAY)]);
    await sql.query('UPDATE processed_events SET processed_at = now() WHERE seq = 3');
    await sql.query(
      `INSERT INTO dead_events (dedupe_key, source, reason, raw, received_at) VALUES ('old', 'push', 'bad', '{}', $1), ('new', 'push', 'bad', '{}', now())`,
      [new Date(Date.now() - 100 * DAY)],
    );
    await sql.query(
      `INSERT INTO message_recipient_history (message_id, userid, status, seq, recorded_at) VALUES ('m1', 'u1', 'sent', 1, $1), ('m1', 'u1', 'read', 2, now())`,
      [new Date(Date.now() - 200 * DAY)],
    );

    const pruned = await pruneStore(sql, { processedEventsMs: 45 * DAY, deadEventsMs: 90 * DAY, recipientHistoryMs: 0 }, 4);
    // 1..9 minus the young 3; 10 (the cursor) and 12 (above it) stay.
    expect(pruned).toEqual({ processedEvents: 8, deadEvents: 1, recipientHistory: 0 });
    const left = await sql.query<{ seq: number }>('SELECT seq FROM processed_events WHERE tenant_id = $1 ORDER BY seq', [TENANT_ID]);
    expect(left.map((r) => r.seq)).toEqual([3, 10, 12]);
    expect(await sql.query('SELECT dedupe_key FROM dead_events')).toEqual([{ dedupe_key: 'new' }]);
    expect(await sql.query('SELECT count(*)::int AS n FROM message_recipient_history')).toEqual([{ n: 2 }]);

    // The cursor still moves on once 11 arrives, and a redelivery of a kept event is still a duplicate.
    cloud.events.push(userUpserted(11, user('u11')), userUpserted(12, user('u12')));
    await store.services.catchUp.runOnce();
    expect(await store.services.tracker.advance()).toBe(12);
  });
});
