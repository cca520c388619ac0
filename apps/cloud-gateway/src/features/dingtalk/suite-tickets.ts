// suite_ticket persistence: DingTalk pushes a new ticket every few hours and only the newest is
// valid, so the newest received wins and is never expired by us.
import type { SuiteTicketSource } from '@dtg/dingtalk-client';
import type { SqlDatabase } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';

export interface SuiteTickets extends SuiteTicketSource {
  save(suiteKey: string, ticket: string, receivedAt?: Date): Promise<void>;
  /** When the newest ticket arrived (for the stale-ticket alarm). */
  lastReceivedAt(suiteKey: string): Promise<Date | undefined>;
}

export function suiteTickets(sqldb: SqlDatabase, secrets: SecretBox): SuiteTickets {
  const find = (suiteKey: string) =>
    sqldb.read(
      async (sql) =>
        await sql.get<{ ticketEnc: string; receivedAt: number }>('SELECT "ticketEnc", "receivedAt" FROM "SuiteTicket" WHERE "suiteKey" = ?', suiteKey),
    );
  return {
    async current(suiteKey) {
      const row = await find(suiteKey);
      return row ? secrets.open(row.ticketEnc, 'SuiteTicket.ticketEnc', suiteKey) : undefined;
    },
    async save(suiteKey, ticket, receivedAt = new Date()) {
      const ticketEnc = secrets.seal(ticket, 'SuiteTicket.ticketEnc', suiteKey);
      await sqldb.write(
        async (tx) =>
          await tx.run(
            `INSERT INTO "SuiteTicket" ("suiteKey", "ticketEnc", "receivedAt") VALUES (?, ?, ?)
             ON CONFLICT ("suiteKey") DO UPDATE SET "ticketEnc" = excluded."ticketEnc", "receivedAt" = excluded."receivedAt"`,
            suiteKey,
            ticketEnc,
            receivedAt,
          ),
      );
    },
    async lastReceivedAt(suiteKey) {
      const row = await find(suiteKey);
      return row ? new Date(row.receivedAt) : undefined;
    },
  };
}
