// Where dispatch jobs come from. Accepting a message writes no job: it records a dispatch request
// (MessageDispatchRequest) in its own transaction, and the job runner, when it has room, asks this
// queue to turn the oldest requests into dispatch jobs, deleting them in the same transaction. So
// every accepted message gets exactly one job, a crash loses none, and a burst of sends (which
// DingTalk's rate limits make wait anyway) costs its callers no Job rows while they wait for 202.
import { skipLocked, type Tx } from '../../db/prisma';
import { marks } from '../../shared/batches';
import type { JobSource } from '../jobs/job-runner';
import { DISPATCH_JOB, dispatchJobId } from './message-jobs';
import type { MessagesDeps } from './messages.deps';

interface Request {
  id: number;
  messageId: string;
  acceptedAt: number;
}

export function dispatchQueue(deps: Pick<MessagesDeps, 'jobs'>) {
  // Tenants take turns, starting one further each time: a backlog of thousands in one tenant does
  // not hold back another tenant's first message.
  let turn = 0;

  const source: JobSource = async (tx, room) => {
    // One index probe per tenant, rather than reading every waiting request.
    const tenants = await tx.all<{ id: string }>(
      'SELECT id FROM "Tenant" t WHERE EXISTS (SELECT 1 FROM "MessageDispatchRequest" r WHERE r."tenantId" = t.id) ORDER BY id',
    );
    if (tenants.length === 0) return 0;
    const share = Math.ceil(room / tenants.length);
    let made = 0;
    for (let i = 0; i < tenants.length && made < room; i++) {
      const tenantId = (tenants[(turn + i) % tenants.length] as { id: string }).id;
      // Postgres: replicas' runners skip each other's requests (SKIP LOCKED).
      const requests = await tx.all<Request>(
        `SELECT id, "messageId", "acceptedAt" FROM "MessageDispatchRequest" WHERE "tenantId" = ? ORDER BY id LIMIT ?${skipLocked(tx)}`,
        tenantId,
        Math.min(share, room - made),
      );
      for (const { messageId, acceptedAt } of requests) {
        // Due since it was accepted: sends keep their place ahead of receipt polls that came due later.
        // ifAbsent: a job already there is the state this wants, not a reason to stop every tenant's sends.
        await deps.jobs.enqueue(tx, DISPATCH_JOB, { messageId }, { tenantId, runAt: new Date(acceptedAt), id: dispatchJobId(messageId), ifAbsent: true });
      }
      // The ids read, not a range: on Postgres a lower id can commit after this read (ids are taken
      // before commit), and a range would delete it unread.
      if (requests.length > 0) await tx.run(`DELETE FROM "MessageDispatchRequest" WHERE id IN (${marks(requests)})`, ...requests.map((r) => r.id));
      made += requests.length;
    }
    turn += 1;
    return made;
  };

  return {
    source,
    /** In the transaction that accepts the message; the runner looks for it once that commits. */
    async request(tx: Tx, message: { id: string; tenantId: string; createdAt: Date }): Promise<void> {
      await tx.run(
        'INSERT INTO "MessageDispatchRequest" ("tenantId", "messageId", "acceptedAt") VALUES (?, ?, ?)',
        message.tenantId,
        message.id,
        message.createdAt,
      );
      deps.jobs.workRecorded(tx);
    },
  };
}

export type DispatchQueue = ReturnType<typeof dispatchQueue>;
