// suite_ticket persistence: DingTalk pushes a new ticket every few hours and only the newest is
// valid, so the newest received wins and is never expired by us.
import type { SuiteTicketSource } from '@dtg/dingtalk-client';
import type { Db } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';

export interface SuiteTickets extends SuiteTicketSource {
  save(suiteKey: string, ticket: string, receivedAt?: Date): Promise<void>;
  /** When the newest ticket arrived (for the stale-ticket alarm). */
  lastReceivedAt(suiteKey: string): Promise<Date | undefined>;
}

export function suiteTickets(db: Db, secrets: SecretBox): SuiteTickets {
  return {
    async current(suiteKey) {
      const row = await db.suiteTicket.findUnique({ where: { suiteKey } });
      return row ? secrets.open(row.ticketEnc, 'SuiteTicket.ticketEnc', suiteKey) : undefined;
    },
    async save(suiteKey, ticket, receivedAt = new Date()) {
      const data = { ticketEnc: secrets.seal(ticket, 'SuiteTicket.ticketEnc', suiteKey), receivedAt };
      await db.suiteTicket.upsert({ where: { suiteKey }, create: { suiteKey, ...data }, update: data });
    },
    async lastReceivedAt(suiteKey) {
      return (await db.suiteTicket.findUnique({ where: { suiteKey }, select: { receivedAt: true } }))?.receivedAt;
    },
  };
}
