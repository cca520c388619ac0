// The transactional outbox. `append`/`appendMany` must be called with the `tx` of the transaction
// that makes the change the events report: both commit or neither does. seq comes from
// Tenant.lastSeq, incremented in that same transaction — SQLite serialises writers, so seq is
// gap-free per tenant and a reader never sees seq n+1 before n.
// Writes are multi-row SQL run directly on the shared connection (db/sqlite-connection.ts): a
// directory sync or a burst of sends appends thousands of events, and Prisma's query interpreter
// costs far more CPU than SQLite does.
import { EventDataSchemas, type EventData, type EventEnvelope, type EventType } from '@dtg/contracts';
import { currentRequestId } from '@dtg/service-kit';
import type { Sql, SqliteConnection } from '../../db/prisma';
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
  /** Deliveries were written since the last wake-up: a pull-only tenant's events never wake the dispatcher. */
  private pushPending = false;

  constructor(private readonly sqlite: SqliteConnection) {}

  /** One event, inside the caller's open Prisma transaction (`db.$transaction(async (tx) => …)`). */
  append<T extends EventType>(tenantId: string, type: T, data: EventData<T>, options: AppendOptions = {}): EventEnvelope<T> | null {
    const [envelope] = this.appendMany(tenantId, [{ type, data, ...options } as NewEvent]);
    return (envelope as EventEnvelope<T> | undefined) ?? null;
  }

  /**
   * Appends in order, inside the caller's open Prisma transaction: that transaction holds the
   * shared connection (db/sqlite-connection.ts), so these rows commit or roll back with it.
   * Throws when no transaction is open.
   */
  appendMany(tenantId: string, events: readonly NewEvent[]): EventEnvelope[] {
    return this.appendSync(this.sqlite.inTransaction(), tenantId, events);
  }

  /** Appends in order within an open transaction; events whose deterministic id exists already are skipped (not returned). */
  appendSync(sql: Sql, tenantId: string, events: readonly NewEvent[]): EventEnvelope[] {
    const fixedIds = events.flatMap((e) => (e.id ? [e.id] : []));
    const existing = new Set<string>();
    for (const ids of inBatches(fixedIds, ROWS_PER_INSERT)) {
      for (const row of sql.all<{ id: string }>(`SELECT id FROM Event WHERE id IN (${marks(ids)})`, ...ids)) existing.add(row.id);
    }
    const fresh = events.filter((e) => !e.id || !existing.has(e.id));
    if (fresh.length === 0) return [];

    const tenant = sql.get<{ lastSeq: number; webhookUrl: string | null }>(
      'UPDATE Tenant SET lastSeq = lastSeq + ? WHERE id = ? RETURNING lastSeq, webhookUrl',
      fresh.length,
      tenantId,
    );
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    const firstSeq = tenant.lastSeq - fresh.length + 1;
    const requestId = currentRequestId() ?? null;
    const now = Date.now();
    const envelopes = fresh.map((e, i) => ({
      id: e.id ?? newId('evt'),
      type: e.type,
      tenantId,
      seq: firstSeq + i,
      occurredAt: (e.occurredAt ?? new Date(now)).toISOString(),
      data: EventDataSchemas[e.type].parse(e.data),
    })) as EventEnvelope[];

    for (const batch of inBatches(envelopes, ROWS_PER_INSERT)) {
      sql.run(
        `INSERT INTO Event (id, tenantId, seq, type, occurredAt, data, requestId) VALUES ${batch.map(() => '(?,?,?,?,?,?,?)').join(',')}`,
        ...batch.flatMap((e) => [e.id, tenantId, e.seq, e.type, Date.parse(e.occurredAt), JSON.stringify(e.data), requestId]),
      );
      // A tenant without a webhook URL works by pull only: nothing to push.
      if (tenant.webhookUrl) {
        sql.run(
          `INSERT INTO Delivery (id, eventId, tenantId, status, attempts, nextAttemptAt, createdAt, updatedAt) VALUES ${batch.map(() => "(?,?,?,'pending',0,?,?,?)").join(',')}`,
          ...batch.flatMap((e) => [newId('dlv'), e.id, tenantId, Date.parse(e.occurredAt), now, now]),
        );
        this.pushPending = true;
      }
    }
    return envelopes;
  }

  /**
   * Call after the transaction commits: wakes the dispatcher so pushes leave at once. A wake-up
   * from an earlier transaction that comes while a later one is still open is not lost: the
   * dispatcher's query waits at the connection's gate until that transaction has committed.
   */
  committed(): void {
    if (!this.pushPending) return;
    this.pushPending = false;
    for (const listener of this.listeners) listener();
  }

  onCommitted(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
