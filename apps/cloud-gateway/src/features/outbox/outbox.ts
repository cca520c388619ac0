// The transactional outbox. `append`/`appendMany` take the Tx of the transaction that makes the
// change the events report: both commit or neither does. seq comes from
// Tenant.lastSeq, incremented in that same transaction — SQLite serialises writers, so seq is
// gap-free per tenant and a reader never sees seq n+1 before n.
// Writes are multi-row SQL run directly on the shared connection (db/sqlite-connection.ts): a
// directory sync or a burst of sends appends thousands of events, and Prisma's query interpreter
// costs far more CPU than SQLite does.
// An append that writes deliveries registers the dispatcher's wake-up on its transaction, so pushes
// leave as soon as it commits: no caller can forget it (before, a missed call only showed as pushes
// waiting for the next poll, which no test noticed).
import { EventDataSchemas, type EventData, type EventEnvelope, type EventType } from '@dtg/contracts';
import { currentRequestId } from '@dtg/service-kit';
import { lockTenant, type Tx } from '../../db/prisma';
import { inBatches, marks } from '../../shared/batches';
import { newId } from '../../shared/ids';

export interface AppendOptions {
  /** Deterministic id where a natural key exists (e.g. `evt_msgdone_<messageId>`): appending twice is a no-op. */
  id?: string;
  occurredAt?: Date;
}

export interface NewEvent<T extends EventType = EventType> extends AppendOptions {
  type: T;
  data: EventData<T>;
}

type Listener = () => void;

/** Rows per INSERT: well under SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 400;

export class Outbox {
  private readonly listeners = new Set<Listener>();
  /** One function for every transaction, so a group commit of many appends wakes the listeners once. */
  private readonly wake = () => {
    for (const listener of this.listeners) listener();
  };

  /** One event; null when its deterministic id exists already. */
  async append<T extends EventType>(tx: Tx, tenantId: string, type: T, data: EventData<T>, options: AppendOptions = {}): Promise<EventEnvelope<T> | null> {
    const [envelope] = await this.appendMany(tx, tenantId, [{ type, data, ...options } as NewEvent]);
    return (envelope as EventEnvelope<T> | undefined) ?? null;
  }

  /** Appends in order; events whose deterministic id exists already are skipped (not returned). */
  async appendMany(tx: Tx, tenantId: string, events: readonly NewEvent[]): Promise<EventEnvelope[]> {
    const fixedIds = events.flatMap((e) => (e.id ? [e.id] : []));
    // Two replicas appending the same fixed id at once queue here, so the second one's check (read
    // committed: each statement sees what committed before it) finds the first one's event instead
    // of failing on its id after taking seqs.
    if (fixedIds.length > 0) await lockTenant(tx, tenantId);
    const existing = new Set<string>();
    for (const ids of inBatches(fixedIds, ROWS_PER_INSERT)) {
      for (const row of await tx.all<{ id: string }>(`SELECT id FROM "Event" WHERE id IN (${marks(ids)})`, ...ids)) existing.add(row.id);
    }
    const fresh = events.filter((e) => !e.id || !existing.has(e.id));
    if (fresh.length === 0) return [];

    const tenant = await tx.get<{ lastSeq: number; webhookUrl: string | null }>(
      'UPDATE "Tenant" SET "lastSeq" = "lastSeq" + ? WHERE id = ? RETURNING "lastSeq", "webhookUrl"',
      fresh.length,
      tenantId,
    );
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    const firstSeq = tenant.lastSeq - fresh.length + 1;
    const requestId = currentRequestId() ?? null;
    const now = new Date();
    const envelopes = fresh.map((e, i) => ({
      id: e.id ?? newId('evt'),
      type: e.type,
      tenantId,
      seq: firstSeq + i,
      occurredAt: (e.occurredAt ?? now).toISOString(),
      data: EventDataSchemas[e.type].parse(e.data),
    })) as EventEnvelope[];

    for (const batch of inBatches(envelopes, ROWS_PER_INSERT)) {
      await tx.run(
        `INSERT INTO "Event" (id, "tenantId", seq, type, "occurredAt", data, "requestId") VALUES ${batch.map(() => '(?,?,?,?,?,?,?)').join(',')}`,
        ...batch.flatMap((e) => [e.id, tenantId, e.seq, e.type, new Date(e.occurredAt), JSON.stringify(e.data), requestId]),
      );
      // A tenant without a webhook URL works by pull only: nothing to push, nobody to wake.
      if (tenant.webhookUrl) {
        await tx.run(
          `INSERT INTO "Delivery" (id, "eventId", "tenantId", status, attempts, "nextAttemptAt", "createdAt", "updatedAt") VALUES ${batch.map(() => "(?,?,?,'pending',0,?,?,?)").join(',')}`,
          ...batch.flatMap((e) => [newId('dlv'), e.id, tenantId, new Date(e.occurredAt), now, now]),
        );
        this.deliveriesWritten(tx);
      }
    }
    return envelopes;
  }

  /** Deliveries were written in `tx` other than by append (a replay): the listeners run once it commits. */
  deliveriesWritten(tx: Tx): void {
    tx.afterCommit(this.wake);
  }

  /**
   * `listener` runs after each commit that wrote deliveries (the composition root wakes the
   * dispatcher). A wake-up that comes while a later transaction is still open is not lost: the
   * dispatcher's query waits at the connection's gate until that one has committed too.
   */
  onCommitted(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
