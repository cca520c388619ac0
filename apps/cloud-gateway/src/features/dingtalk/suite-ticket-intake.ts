// Stores pushed suite_tickets so that the newest ISSUED wins, not the last to arrive: a retry of
// an older ticket (DingTalk re-pushes unacknowledged ones for a while) must not replace a newer one.
import type { SqlDatabase } from '../../db/prisma';
import { keyedSerializer } from '../../shared/keyed-serializer';
import type { SuiteTickets } from './suite-tickets';

export type TicketOutcome = 'stored' | 'older';

export function suiteTicketIntake(tickets: SuiteTickets, sqldb: SqlDatabase) {
  // Check-then-save must not interleave: between two jobs of this process (the serializer), nor
  // between replicas on Postgres (SqlDatabase.exclusive).
  const serialize = keyedSerializer();

  async function store(suiteKey: string, ticket: string, issuedAt: Date): Promise<TicketOutcome> {
    const newest = await tickets.lastReceivedAt(suiteKey);
    if (newest && newest.getTime() > issuedAt.getTime()) return 'older';
    await tickets.save(suiteKey, ticket, issuedAt);
    return 'stored';
  }

  return {
    /** `issuedAt`: DingTalk's TimeStamp of the push, which also dates the ticket for the staleness alarm. */
    accept(suiteKey: string, ticket: string, issuedAt: Date): Promise<TicketOutcome> {
      return serialize(suiteKey, () => sqldb.exclusive(`suite-ticket|${suiteKey}`, () => store(suiteKey, ticket, issuedAt)));
    },
  };
}

export type SuiteTicketIntake = ReturnType<typeof suiteTicketIntake>;
