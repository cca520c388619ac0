// Where dispatch jobs come from. Accepting a message writes no job: its `message.accepted` event, in
// the tenant's gap-free event log, is the durable record that it must be sent. The job runner asks
// this source for jobs when it has room, and the source turns the next accepted events into
// dispatch jobs behind a per-tenant cursor (Tenant.dispatchSeq) moved in the same transaction. So
// every accepted message gets exactly one job, a crash loses none, and a burst of sends (which
// DingTalk's rate limits make wait anyway) costs its callers no Job rows while they wait for 202.
import type { JobSource } from '../jobs/job-runner';
import { DISPATCH_JOB, dispatchJobId } from './message-jobs';
import type { MessagesDeps } from './messages.deps';

interface Pending {
  id: string;
  lastSeq: number;
  dispatchSeq: number;
}

export function acceptedMessagesSource(deps: Pick<MessagesDeps, 'jobs'>): JobSource {
  // Tenants take turns, starting one further each time: a backlog of thousands in one tenant does
  // not hold back another tenant's first message.
  let turn = 0;
  return (sql, room) => {
    const tenants = sql.all<Pending>('SELECT id, lastSeq, dispatchSeq FROM Tenant WHERE lastSeq > dispatchSeq ORDER BY id');
    if (tenants.length === 0) return 0;
    const share = Math.ceil(room / tenants.length);
    let made = 0;
    for (let i = 0; i < tenants.length && made < room; i++) {
      const tenant = tenants[(turn + i) % tenants.length] as Pending;
      const want = Math.min(share, room - made);
      const accepted = sql.all<{ seq: number; occurredAt: number; messageId: string }>(
        "SELECT seq, occurredAt, json_extract(data, '$.messageId') AS messageId FROM Event WHERE tenantId = ? AND seq > ? AND type = 'message.accepted' ORDER BY seq LIMIT ?",
        tenant.id, tenant.dispatchSeq, want,
      );
      for (const { occurredAt, messageId } of accepted) {
        // Due since it was accepted: sends keep their place ahead of receipt polls that came due later.
        // ifAbsent: a job already there is the state this wants, not a reason to stop every tenant's sends.
        deps.jobs.enqueue(sql, DISPATCH_JOB, { messageId }, { tenantId: tenant.id, runAt: new Date(occurredAt), id: dispatchJobId(messageId), ifAbsent: true });
      }
      // Fewer than asked: every accepted event up to lastSeq (read in this transaction) has its job.
      const upTo = accepted.length < want ? tenant.lastSeq : (accepted[accepted.length - 1] as { seq: number }).seq;
      sql.run('UPDATE Tenant SET dispatchSeq = ? WHERE id = ?', upTo, tenant.id);
      made += accepted.length;
    }
    turn += 1;
    return made;
  };
}
