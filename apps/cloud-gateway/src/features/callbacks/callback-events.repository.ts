// CallbackEvent rows (one per distinct event, so a redelivery finds its row) and the nonce replay cache.
import type { DbTx } from '../../db/prisma';
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

export const callbackEventsRepository = {
  /** false when this nonce was already seen (the caller's transaction then rolls back). */
  async recordNonce(tx: DbTx, id: string, expiresAt: Date): Promise<boolean> {
    if (await tx.callbackNonce.findUnique({ where: { id }, select: { id: true } })) return false;
    await tx.callbackNonce.create({ data: { id, expiresAt } });
    return true;
  },

  /** false when the event is already stored (a redelivery). */
  async insertIfAbsent(tx: DbTx, event: Omit<StoredCallbackEvent, 'status' | 'receivedAt'>, receivedAt: Date): Promise<boolean> {
    if (await tx.callbackEvent.findUnique({ where: { id: event.id }, select: { id: true } })) return false;
    await tx.callbackEvent.create({
      data: { id: event.id, source: event.source, eventType: event.eventType, corpId: event.corpId, payload: JSON.stringify(event.payload), receivedAt },
    });
    return true;
  },

  async find(tx: DbTx, id: string): Promise<StoredCallbackEvent | null> {
    const row = await tx.callbackEvent.findUnique({ where: { id } });
    if (!row) return null;
    const status = row.status === 'processed' || row.status === 'failed' ? row.status : 'received';
    return {
      id: row.id,
      source: row.source,
      eventType: row.eventType,
      corpId: row.corpId,
      status,
      receivedAt: row.receivedAt,
      payload: JSON.parse(row.payload) as CallbackPayload,
    };
  },

  async finish(tx: DbTx, id: string, status: 'processed' | 'failed', at: Date, note: string | null = null): Promise<void> {
    await tx.callbackEvent.update({ where: { id }, data: { status, processedAt: at, lastError: note } });
  },

  async noteError(tx: DbTx, id: string, error: string): Promise<void> {
    await tx.callbackEvent.update({ where: { id }, data: { lastError: error.slice(0, 1000) } });
  },

  /** Expired nonces (their timestamps would be refused as stale anyway) and old finished events. */
  async prune(tx: DbTx, now: Date, finishedBefore: Date): Promise<{ nonces: number; events: number }> {
    const nonces = await tx.callbackNonce.deleteMany({ where: { expiresAt: { lt: now } } });
    const events = await tx.callbackEvent.deleteMany({ where: { status: { in: ['processed', 'failed'] }, processedAt: { lt: finishedBefore } } });
    return { nonces: nonces.count, events: events.count };
  },
};
