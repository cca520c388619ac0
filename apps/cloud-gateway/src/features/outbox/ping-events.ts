// Operator-triggered test.ping events (like Svix's "send test event"): the whole push/pull path
// runs for real; receivers treat them as no-ops. Also what the delivery benchmark produces.
import { notFound } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { NewEvent, Outbox } from './outbox';

/** Events per transaction: a 100,000-event request must not hold SQLite's writer lock for long. */
const BATCH = 2000;

export function pingEvents(sqldb: SqlDatabase, outbox: Outbox) {
  return {
    async emit(tenantId: string, count: number, note?: string): Promise<{ emitted: number; lastSeq: number }> {
      if (!(await sqldb.read(async (sql) => await sql.get('SELECT 1 FROM "Tenant" WHERE id = ?', tenantId)))) throw notFound(`tenant ${tenantId} not found`);
      let lastSeq = 0;
      for (let done = 0; done < count; done += BATCH) {
        const events: NewEvent[] = Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => ({ type: 'test.ping', data: { n: done + i, note } }));
        const appended = await sqldb.write(async (tx) => outbox.appendMany(tx, tenantId, events));
        lastSeq = appended.at(-1)?.seq ?? lastSeq;
      }
      return { emitted: count, lastSeq };
    },
  };
}
