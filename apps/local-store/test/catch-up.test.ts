import request from 'supertest';
import { event, TENANT_ID, user, userUpserted } from './support/events';
import { startFakeCloud, type FakeCloud } from './support/fake-cloud';
import { startTestStore, type TestStore } from './support/test-store';
import { waitFor } from '@dtg/testkit';

const METRICS_TOKEN = 'test-metrics-token-0123456789';
let cloud: FakeCloud;
let store: TestStore;

beforeEach(async () => {
  cloud = await startFakeCloud();
  store = await startTestStore({ cloudUrl: cloud.url, gapGraceMs: 100, env: { METRICS_TOKEN } });
});
afterEach(async () => {
  await store.close();
  await cloud.close();
});

const cursor = () => store.services.tracker.advance();
const userCount = async () => Number((await store.database.db.sql.query<{ n: string }>('SELECT count(*) AS n FROM users'))[0]?.n);

describe('catch-up by pull', () => {
  it('when the store starts from zero, then every page is pulled and applied and the cursor reaches the end', async () => {
    for (let seq = 1; seq <= 1203; seq++) cloud.events.push(userUpserted(seq, user(`user${String(seq).padStart(5, '0')}`)));
    await store.services.catchUp.runOnce();
    expect(await userCount()).toBe(1203);
    expect(await cursor()).toBe(1203);
    expect(cloud.requests.filter((line) => line.startsWith('GET /v1/events'))).toEqual([
      'GET /v1/events?after=0&limit=500',
      'GET /v1/events?after=500&limit=500',
      'GET /v1/events?after=1000&limit=500',
    ]);
  });

  it('when 10,000 mixed events are pulled, then each is applied once and the cursor reaches the end', async () => {
    for (let seq = 1; seq <= 10_000; seq++) {
      cloud.events.push(
        seq % 5 === 0
          ? event('message.receipts.updated', seq, {
              messageId: `m${seq % 40}`,
              recipients: [{ userid: `bulk${seq % 200}`, status: seq % 2 ? 'read' : 'unread' }],
            })
          : userUpserted(seq, user(`bulk${seq % 2500}`, { unionId: `bulk-union${seq % 2500}`, name: `v${seq}` })),
      );
    }
    await store.services.catchUp.runOnce();
    expect(await cursor()).toBe(10_000);
    const counts = await store.rowCounts();
    expect(counts).toMatchObject({ processed_events: 10_000, users: 2000, message_recipients: 40, dead_events: 0 });
    const [latest] = await store.database.db.sql.query<{ name: string }>("SELECT name FROM users WHERE userid = 'bulk1'");
    expect(latest?.name).toBe('v7501');
  }, 60_000);

  it('when pulled events were already pushed, then they are skipped as duplicates', async () => {
    const events = [1, 2, 3].map((seq) => userUpserted(seq, user(`dup${seq}`, { name: `v${seq}` })));
    for (const pushed of events) expect((await store.push(pushed)).body.status).toBe('applied');
    cloud.events.push(...events, userUpserted(4, user('dup4')));
    await store.services.catchUp.runOnce();
    const processed = await store.database.db.sql.query('SELECT event_id FROM processed_events ORDER BY seq');
    expect(processed).toHaveLength(4);
    expect(await cursor()).toBe(4);
  });

  it('when pushes arrive out of order, then the cursor waits at the gap and a pull fills it', async () => {
    const events = [1, 2, 3, 4, 5].map((seq) => event('department.upserted', seq, { departments: [{ deptId: seq, name: `D${seq}`, parentId: null }] }));
    cloud.events.push(...events);
    for (const seq of [1, 2, 4, 5]) expect((await store.push(events[seq - 1])).body.status).toBe('applied');
    expect(await cursor()).toBe(2);
    // The grace (100 ms here) expires with seq 3 still missing: the tracker triggers a pull.
    await waitFor(async () => (await cursor()) === 5, 'the cursor past the filled gap');
    const depts = await store.database.db.sql.query('SELECT dept_id FROM departments ORDER BY dept_id');
    expect(depts).toHaveLength(5);
    expect(cloud.requests).toContain('GET /v1/events?after=2&limit=500');
  });

  it('when the cloud is down, then catch-up fails without crashing and resumes once it is back', async () => {
    cloud.events.push(userUpserted(1, user('late1')), userUpserted(2, user('late2')));
    cloud.down = true;
    await expect(store.services.catchUp.runOnce()).rejects.toThrow(/cloud answered 503/);
    expect(await userCount()).toBe(0);
    expect(store.logLines().some((line) => line.message === 'catch-up failed; will retry' && line.level === 'warn')).toBe(true);
    expect(JSON.stringify(store.logLines())).not.toContain(store.config.cloudApiKey);

    cloud.down = false;
    await store.services.catchUp.runOnce();
    expect(await userCount()).toBe(2);
    expect(await cursor()).toBe(2);
  });

  it('when the cloud is unreachable, then the background timer retries with growing delays and recovers', async () => {
    const port = Number(new URL(cloud.url).port);
    await cloud.close();
    const unreachable = await startTestStore({ cloudUrl: cloud.url, env: { PULL_INTERVAL: '100ms' } });
    const failures = () => unreachable.logLines().filter((line) => line.message === 'catch-up failed; will retry');
    try {
      unreachable.services.start();
      await waitFor(async () => failures().length >= 3, 'three failed attempts');
      const [first = 0, second = 0, third = 0] = failures().map((line) => Date.parse(String(line.timestamp)));
      expect(third - second).toBeGreaterThan(second - first);
      expect(failures()[0]?.reason).toMatch(/cloud unreachable/);

      cloud = await startFakeCloud(port);
      cloud.events.push(userUpserted(1, user('after-outage')));
      await waitFor(async () => (await unreachable.rowCounts()).users === 1, 'the user applied', 10_000);
      // The line follows the cursor update that ends the run, a moment after the row is visible.
      const recovered = () => unreachable.logLines().some((line) => line.message === 'catch-up recovered');
      await waitFor(recovered, 'the recovered line', 5_000);
    } finally {
      await unreachable.close();
    }
  });

  it('when a pulled event is invalid, then it is parked and the cursor moves past it', async () => {
    cloud.events.push(
      userUpserted(1, user('ok1')),
      { id: 'evt_broken', type: 'user.upserted', tenantId: TENANT_ID, seq: 2, occurredAt: new Date().toISOString(), data: {} },
      userUpserted(3, user('ok3')),
    );
    await store.services.catchUp.runOnce();
    expect(await userCount()).toBe(2);
    expect(await cursor()).toBe(3);
    const [dead] = await store.database.db.sql.query<{ event_id: string; source: string }>('SELECT event_id, source FROM dead_events');
    expect(dead).toEqual({ event_id: 'evt_broken', source: 'pull' });
  });

  it('when the database once served another tenant, then its settled seqs do not move this cursor', async () => {
    await store.database.db.sql.query(
      "INSERT INTO processed_events (event_id, tenant_id, seq, type, outcome) SELECT 'old_' || s, 'ten_previous', s, 'user.upserted', 'applied' FROM generate_series(1, 10) s",
    );
    expect((await store.push(userUpserted(1, user('first')))).body.status).toBe('applied');
    expect(await cursor()).toBe(1);
  });

  it('when DELIVERY_MODE=pull, then no webhook secret is needed and the store works by pulling alone', async () => {
    const pullOnly = await startTestStore({ cloudUrl: cloud.url, env: { DELIVERY_MODE: 'pull', WEBHOOK_SECRETS: '' } });
    try {
      cloud.events.push(userUpserted(1, user('pulled')));
      await pullOnly.services.catchUp.runOnce();
      expect((await pullOnly.rowCounts()).users).toBe(1);
      expect((await pullOnly.push(userUpserted(2, user('pushed')), store.secrets)).status).toBe(401);
    } finally {
      await pullOnly.close();
    }
  });

  it('when the cursor cannot pass a missing seq, then /metrics shows how far the store is behind the cloud', async () => {
    // Seq 4 is not served (as if it were not visible yet): the cursor stops at 3 while the cloud says it has 6.
    cloud.events.push(...[1, 2, 3, 5, 6].map((seq) => userUpserted(seq, user(`lag${seq}`))));
    await store.services.catchUp.runOnce();
    expect(await cursor()).toBe(3);
    const metrics = (await request(store.app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`)).text;
    expect(metrics).toMatch(/local_store_cloud_seq\{service="local-store"\} 6/);
    expect(metrics).toMatch(/local_store_seq_lag\{service="local-store"\} 3/);

    cloud.events.push(userUpserted(4, user('lag4')));
    await store.services.catchUp.runOnce();
    expect(await cursor()).toBe(6);
    const after = (await request(store.app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`)).text;
    expect(after).toMatch(/local_store_seq_lag\{service="local-store"\} 0/);
  });
});
