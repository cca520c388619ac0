// The store's retention: old bookkeeping removed in batches (each DELETE its own short statement),
// every hour. Login tickets, sessions and expired OIDC payloads have sweepers of their own.
//
// processed_events is the exactly-once record, so only rows that can no longer matter go: at or
// below the delivery cursor (the cursor only reads rows above it) and older than the window. A
// redelivery of such an event would be applied again; that needs the cloud to still have it, and
// the cloud keeps delivered events RETENTION_EVENTS (30 days by default) — so the default window
// here (45 days) is longer, and a re-apply would change nothing anyway (per-resource versions).
import type { Logger } from '@dtg/service-kit';
import type { Sql } from '../../db/sql';

export interface StoreRetentionWindows {
  /** Milliseconds, 0 = off. */
  processedEventsMs: number;
  deadEventsMs: number;
  recipientHistoryMs: number;
}

export type StorePruned = { processedEvents: number; deadEvents: number; recipientHistory: number };

const EVERY_MS = 60 * 60 * 1000;

const PRUNE = {
  processedEvents: `
    DELETE FROM processed_events WHERE ctid IN (
      SELECT p.ctid FROM processed_events p JOIN delivery_cursor c ON c.tenant_id = p.tenant_id
      WHERE p.seq < c.seq AND p.processed_at < $1 LIMIT $2)`,
  deadEvents: 'DELETE FROM dead_events WHERE ctid IN (SELECT ctid FROM dead_events WHERE received_at < $1 LIMIT $2)',
  recipientHistory: 'DELETE FROM message_recipient_history WHERE ctid IN (SELECT ctid FROM message_recipient_history WHERE recorded_at < $1 LIMIT $2)',
} as const;

export async function pruneStore(sql: Sql, windows: StoreRetentionWindows, batch = 500, now = Date.now()): Promise<StorePruned> {
  const pruned: StorePruned = { processedEvents: 0, deadEvents: 0, recipientHistory: 0 };
  const windowOf: Record<keyof StorePruned, number> = {
    processedEvents: windows.processedEventsMs,
    deadEvents: windows.deadEventsMs,
    recipientHistory: windows.recipientHistoryMs,
  };
  for (const family of Object.keys(PRUNE) as (keyof StorePruned)[]) {
    if (windowOf[family] <= 0) continue;
    const cutoff = new Date(now - windowOf[family]);
    for (;;) {
      const rows = await sql.query(`${PRUNE[family]} RETURNING 1`, [cutoff, batch]);
      pruned[family] += rows.length;
      if (rows.length < batch) break;
    }
  }
  return pruned;
}

export function startStoreRetention(sql: Sql, windows: StoreRetentionWindows, logger: Logger): () => void {
  const timer = setInterval(() => {
    pruneStore(sql, windows).then(
      (pruned) => {
        if (Object.values(pruned).some((n) => n > 0)) logger.info('retention pruned rows', pruned);
      },
      (error: unknown) => logger.warn('retention run failed; it runs again in an hour', { err: error }),
    );
  }, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
