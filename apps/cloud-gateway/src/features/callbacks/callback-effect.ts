import type { Tx } from '../../db/prisma';

/**
 * What handling one callback event amounts to. Reads from DingTalk happen first; `commit` then writes
 * the resulting outbox events in the same transaction that marks the event processed, so a crash
 * before it leaves the event to be handled again and a crash after it leaves nothing to redo.
 */
export interface EventEffect {
  /** `sql`: the transaction's direct SQL (the outbox, token revocations, ISV tenants). */
  commit?: (sql: Tx) => Promise<void>;
  /** Set when the event cannot apply (no such tenant, another suite): stored as failed, not retried. */
  failed?: string;
}

export const MAX_BATCH = 500;

/** Outbox ids derived from the callback event, so appending again after a crash is a no-op. */
export function derivedEventId(callbackEventId: string, part: string): string {
  return `evt_${callbackEventId.replace(/^cbe_/, '')}_${part}`;
}
