// Operator-triggered test.ping events (like Svix's "send test event"): the whole push/pull path
// runs for real; receivers treat them as no-ops. Also what the delivery benchmark produces.
import { notFound } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import type { Outbox } from './outbox';

const BATCH = 500;

export function testEvents(db: Db, outbox: Outbox) {
  return {
    async emit(tenantId: string, count: number, note?: string): Promise<{ emitted: number; lastSeq: number }> {
      if (!(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }))) throw notFound(`tenant ${tenantId} not found`);
      let lastSeq = 0;
      // Several transactions of BATCH events: a 100,000-event request must not hold the writer lock for long.
      for (let done = 0; done < count; done += BATCH) {
        const n = Math.min(BATCH, count - done);
        lastSeq = await db.$transaction(async (tx) => {
          let seq = 0;
          for (let i = 0; i < n; i++) seq = (await outbox.append(tx, tenantId, 'test.ping', { n: done + i, note }))?.seq ?? seq;
          return seq;
        });
        outbox.committed();
      }
      return { emitted: count, lastSeq };
    },
  };
}
