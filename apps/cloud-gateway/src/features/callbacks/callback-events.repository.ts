// CallbackEvent rows (one per distinct event, so a redelivery finds its row) and the nonce replay cache.
// Direct SQL (db/sql.ts); timestamps bound as Date and read back as epoch ms.
import type { Sql, Tx } from '../../db/prisma';
import type { CallbackPayload } from './callback-payload';

export interface StoredCallbackEvent {
  id: string;
  /** `app:<tenantId>` or `suite:<suiteKey>` */
  source: string;
  eventType: string;
  corpId: string | null;
  payload: CallbackPayload;
  status: 'received' | 'processed' | 'failed';
  receivedAt: Date;
}

interface CallbackEventRow {
  id: string;
  source: string;
  eventType: string;
  corpId: string | null;
  payload: string;
  status: string;
  receivedAt: number;
}

export const callbackEventsRepository = {
  /** false when this nonce was already seen (the caller's transaction then rolls back). */
  async recordNonce(tx: Tx, id: string, expiresAt: Date): Promise<boolean> {
    const { changes } = await tx.run('INSERT INTO "CallbackNonce" (id, "expiresAt") VALUES (?, ?) ON CONFLICT (id) DO NOTHING', id, expiresAt);
    return changes > 0;
  },

  /** false when the event is already stored (a redelivery). */
  async insertIfAbsent(tx: Tx, event: Omit<StoredCallbackEvent, 'status' | 'receivedAt'>, receivedAt: Date): Promise<boolean> {
    const { changes } = await tx.run(
      'INSERT INTO "CallbackEvent" (id, source, "eventType", "corpId", payload, "receivedAt") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      event.id,
      event.source,
      event.eventType,
      event.corpId,
      JSON.stringify(event.payload),
      receivedAt,
    );
    return changes > 0;
  },

  async find(sql: Sql, id: string): Promise<StoredCallbackEvent | null> {
    const row = await sql.get<CallbackEventRow>(
      'SELECT id, source, "eventType", "corpId", payload, status, "receivedAt" FROM "CallbackEvent" WHERE id = ?',
      id,
    );
    if (!row) return null;
    const status = row.status === 'processed' || row.status === 'failed' ? row.status : 'received';
    return {
      id: row.id,
      source: row.source,
      eventType: row.eventType,
      corpId: row.corpId,
      status,
      receivedAt: new Date(row.receivedAt),
      payload: JSON.parse(row.payload) as CallbackPayload,
    };
  },

  /** Throws when the row is gone, so the effect committed with it rolls back (as Prisma's update did). */
  async finish(tx: Tx, id: string, status: 'processed' | 'failed', at: Date, note: string | null = null): Promise<void> {
    const { changes } = await tx.run('UPDATE "CallbackEvent" SET status = ?, "processedAt" = ?, "lastError" = ? WHERE id = ?', status, at, note, id);
    if (changes === 0) throw new Error(`callback event ${id} not found`);
  },

  async noteError(tx: Tx, id: string, error: string): Promise<void> {
    await tx.run('UPDATE "CallbackEvent" SET "lastError" = ? WHERE id = ?', error.slice(0, 1000), id);
  },

  /** Expired nonces (their timestamps would be refused as stale anyway) and old finished events. */
  async prune(tx: Tx, now: Date, finishedBefore: Date): Promise<{ nonces: number; events: number }> {
    const nonces = await tx.run('DELETE FROM "CallbackNonce" WHERE "expiresAt" < ?', now);
    const events = await tx.run(`DELETE FROM "CallbackEvent" WHERE status IN ('processed', 'failed') AND "processedAt" < ?`, finishedBefore);
    return { nonces: nonces.changes, events: events.changes };
  },
};
