// Retention on a real SQLite file with real pushes: old rows go in small batches, and nothing a
// store has not received — a push still pending or dead, an event a pull-only store has not pulled
// past — is pruned, while deliveries keep running. seq numbering is untouched by pruning, and a pull
// from before what was pruned is told so (410 events_pruned) instead of silently skipping events.
import { waitFor } from '@dtg/testkit';
import { RETENTION_JOB_ID } from '../src/features/retention/retention.job';
import { call, createTenant as createTenantIn, METRICS_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';

const DAY = 24 * 3600_000;

describe('retention', () => {
  let h: CloudHarness;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startReceiver();
    // Small batches, so pruning takes many transactions that interleave with the pushes.
    h = await startCloud({ env: { WEBHOOK_RETRY_SCHEDULE: '20ms,20ms', RETENTION_EVENTS: '1d', RETENTION_BATCH: '25' } });
    // The start-up run is over (it queued its next run, an hour on) before the tests prune by hand.
    const { db } = h.services;
    await waitFor(async () => (await db.job.findUniqueOrThrow({ where: { id: RETENTION_JOB_ID } })).runAt.getTime() > Date.now(), 'the start-up run');
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const createTenant = (webhookUrl?: string) => createTenantIn(h, webhookUrl ? { webhookUrl } : {});

  /** Events up to `throughSeq` happened two days ago: past the one-day window. */
  const age = (tenantId: string, throughSeq: number) =>
    h.services.sqldb.write(
      async (tx) => await tx.run('UPDATE "Event" SET "occurredAt" = ? WHERE "tenantId" = ? AND seq <= ?', new Date(Date.now() - 2 * DAY), tenantId, throughSeq),
    );
  const seqs = async (tenantId: string) => (await h.services.db.event.findMany({ where: { tenantId }, orderBy: { seq: 'asc' } })).map((e) => e.seq);
  const tenantRow = (id: string) => h.services.db.tenant.findUniqueOrThrow({ where: { id } });

  it('when old events are pruned while deliveries run, then only delivered ones go, as a prefix, and a dead push holds everything after it', async () => {
    const t = await createTenant(receiver.url);
    const tenantId = t.tenant.id;
    // The store refuses seq 120 for good: its push ends dead, never received.
    receiver.respond = (r) => ({ status: r.body.seq === 120 ? 500 : 200 });
    await h.services.pingEvents.emit(tenantId, 200);
    await waitFor(async () => (await h.services.db.delivery.count({ where: { status: { in: ['pending', 'delivering'] } } })) === 0, 'first burst pushed');
    await age(tenantId, 200);

    // A second burst is being pushed (slowly) while the pruner works through the first.
    receiver.respond = (r) => ({ status: r.body.seq === 120 ? 500 : 200, delayMs: 2 });
    const burst = await h.services.pingEvents.emit(tenantId, 300);
    let pruned = 0;
    for (let pass = 0; pass < 20; pass++) pruned += (await h.services.retention.prune()).counts.events;
    await burst;
    await waitFor(async () => (await h.services.db.delivery.count({ where: { status: { in: ['pending', 'delivering'] } } })) === 0, 'second burst pushed');

    // Everything before the dead push went; the dead one and all after it stay.
    expect(pruned).toBe(119);
    expect((await tenantRow(tenantId)).prunedSeq).toBe(119);
    expect(await seqs(tenantId)).toEqual(Array.from({ length: 381 }, (_, i) => 120 + i));
    expect(await h.services.db.delivery.findFirst({ where: { event: { seq: 120, tenantId } } })).toMatchObject({ status: 'dead' });
    // Each pruned event had been answered 2xx by the store; each of the 500 events reached it.
    const delivered = new Set(receiver.received.filter((r) => r.body.seq !== 120).map((r) => r.body.seq));
    for (let seq = 1; seq <= 119; seq++) expect(delivered.has(seq)).toBe(true);
    expect(delivered.size).toBe(499);
    // Their deliveries and attempts went with them; the dead push keeps its record.
    expect(await h.services.db.delivery.count({ where: { tenantId } })).toBe(381);
    expect(await h.services.db.deliveryAttempt.count({ where: { delivery: { status: 'dead' } } })).toBeGreaterThan(0);

    // The store takes seq 120 at last (a replay): the next run prunes on up to the young events.
    receiver.respond = () => ({ status: 200 });
    await call(h, 'POST', `/admin/tenants/${tenantId}/replay`, { fromSeq: 120 });
    await waitFor(async () => (await h.services.db.delivery.count({ where: { tenantId, status: { not: 'delivered' } } })) === 0, 'the replay pushed');
    await h.services.retention.prune();
    expect((await tenantRow(tenantId)).prunedSeq).toBe(200);
    expect((await seqs(tenantId))[0]).toBe(201);

    // Numbering is untouched: the next event follows the last one.
    await h.services.pingEvents.emit(tenantId, 1);
    expect((await seqs(tenantId)).at(-1)).toBe(501);
  });

  it('when a tenant only pulls, then events go only up to what its store pulled past, and a pull from before that gets 410 events_pruned', async () => {
    const t = await createTenant();
    const tenantId = t.tenant.id;
    const pull = (after: number) => call(h, 'GET', `/v1/events?after=${after}&limit=100`, undefined, t.apiKey.key);
    await h.services.pingEvents.emit(tenantId, 10);
    await age(tenantId, 10);
    const { db, jobs } = h.services;
    const runRetention = async () => {
      const before = (await db.job.findUniqueOrThrow({ where: { id: RETENTION_JOB_ID } })).updatedAt.getTime();
      await jobs.runSoon(RETENTION_JOB_ID);
      await waitFor(async () => {
        const job = await db.job.findUniqueOrThrow({ where: { id: RETENTION_JOB_ID } });
        return job.status === 'queued' && job.updatedAt.getTime() > before;
      }, 'a retention run');
    };

    // Nothing pulled yet: nothing may go, however old.
    await runRetention();
    expect(await seqs(tenantId)).toHaveLength(10);

    // The store has read up to 6 (it asks after 6): 1..6 may go, 7..10 stay.
    expect((await pull(0)).body.events).toHaveLength(10);
    expect((await pull(6)).body.events).toHaveLength(4);
    expect((await tenantRow(tenantId)).pulledSeq).toBe(6);
    await runRetention();
    expect(await seqs(tenantId)).toEqual([7, 8, 9, 10]);
    expect((await tenantRow(tenantId)).prunedSeq).toBe(6);

    // A store further behind is told, not given a page with a hole.
    const behind = await pull(3);
    expect(behind.status).toBe(410);
    expect(behind.type).toContain('application/problem+json');
    expect(behind.body).toMatchObject({ code: 'events_pruned', prunedThrough: 6 });
    expect((await pull(6)).body.events.map((e: { seq: number }) => e.seq)).toEqual([7, 8, 9, 10]);
    // A store cannot claim events that do not exist yet.
    await pull(50);
    expect((await tenantRow(tenantId)).pulledSeq).toBe(6);

    const metrics = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) => r.text());
    expect(metrics).toMatch(/dtg_retention_pruned_rows_total\{table="events"[^}]*\} 6\n/);
  });

  it('when jobs, messages and quota rows are old, then only the finished ones go', async () => {
    const t = await createTenant(receiver.url);
    const old = Date.now() - 200 * DAY;
    const young = Date.now();
    await h.services.sqldb.write(async (tx) => {
      const job = async (id: string, status: string, at: number) =>
        await tx.run(
          `INSERT INTO "Job" (id, kind, payload, status, "runAt", attempts, "createdAt", "updatedAt") VALUES (?, 'x', '{}', ?, ?, 0, ?, ?)`,
          id,
          status,
          new Date(at),
          new Date(at),
          new Date(at),
        );
      await job('job_old_done', 'done', old);
      await job('job_old_failed', 'failed', old);
      await job('job_old_queued', 'queued', old + 365 * DAY);
      await job('job_young_done', 'done', young);
      const message = async (id: string, status: string, chunkStatus: string) => {
        await tx.run(
          `INSERT INTO "Message" (id, "tenantId", msgtype, msg, recipients, status, "createdAt", "updatedAt") VALUES (?, ?, 'text', '{}', '{}', ?, ?, ?)`,
          id,
          t.tenant.id,
          status,
          new Date(old),
          new Date(old),
        );
        await tx.run(`INSERT INTO "MessageRecipient" ("messageId", userid, status, "updatedAt") VALUES (?, 'u1', 'read', ?)`, id, new Date(old));
        await tx.run(
          'INSERT INTO "MessageChunk" (id, "messageId", "tenantId", "index", userids, status, polls, "updatedAt") VALUES (?, ?, ?, 0, \'["u1"]\', ?, 0, ?)',
          `chk_${id}`,
          id,
          t.tenant.id,
          chunkStatus,
          new Date(old),
        );
      };
      await message('msg_done', 'completed', 'done');
      await message('msg_recalled', 'recalled', 'recalled');
      await message('msg_unknown_chunk', 'completed', 'unknown');
      await message('msg_sending', 'sending', 'sending');
      await tx.run(
        `INSERT INTO "QuotaUsage" ("tenantId", day, userid, count) VALUES (?, '2026-01-01', 'u1', 3), (?, '2999-01-01', 'u1', 1)`,
        t.tenant.id,
        t.tenant.id,
      );
      await tx.run(
        `INSERT INTO "QuotaContent" ("tenantId", day, userid, "contentHash") VALUES (?, '2026-01-01', 'u1', 'h'), (?, '2999-01-01', 'u1', 'h')`,
        t.tenant.id,
        t.tenant.id,
      );
    });

    const { counts } = await h.services.retention.prune();
    expect(counts).toMatchObject({ jobs: 2, messages: 2, recipients: 2, chunks: 2, quota: 2 });
    const { db } = h.services;
    expect((await db.job.findMany({ where: { kind: 'x' }, orderBy: { id: 'asc' } })).map((j) => j.id)).toEqual(['job_old_queued', 'job_young_done']);
    expect((await db.message.findMany({ orderBy: { id: 'asc' } })).map((m) => m.id)).toEqual(['msg_sending', 'msg_unknown_chunk']);
    expect(await db.messageRecipient.count()).toBe(2);
    expect(await db.quotaUsage.findMany({ select: { day: true } })).toEqual([{ day: '2999-01-01' }]);
    expect(await db.quotaContent.findMany({ select: { day: true } })).toEqual([{ day: '2999-01-01' }]);
  });
});
