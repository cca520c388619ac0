// The transactional outbox. `append`/`appendMany` must be called with the `tx` of the transaction
// that makes the change the events report: both commit or neither does. seq comes from
// Tenant.lastSeq, incremented in that same transaction — SQLite serialises writers, so seq is
// gap-free per tenant and a reader never sees seq n+1 before n.
// Writes are multi-row SQL: a directory sync or a benchmark appends thousands of events, and one
// Prisma call per row costs far more CPU than SQLite does.
import { EventDataSchemas, type EventData, type EventEnvelope, type EventType } from '@dtg/contracts';
import { currentRequestId } from '@dtg/service-kit';
import type { DbTx } from '../../db/prisma';
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

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class Outbox {
  private readonly listeners = new Set<Listener>();

  async append<T extends EventType>(tx: DbTx, tenantId: string, type: T, data: EventData<T>, options: AppendOptions = {}): Promise<EventEnvelope<T> | null> {
    const [envelope] = await this.appendMany(tx, tenantId, [{ type, data, ...options } as NewEvent]);
    return (envelope as EventEnvelope<T> | undefined) ?? null;
  }

  /** Appends in order; events whose deterministic id exists already are skipped (not returned). */
  async appendMany(tx: DbTx, tenantId: string, events: readonly NewEvent[]): Promise<EventEnvelope[]> {
    const fixedIds = events.flatMap((e) => (e.id ? [e.id] : []));
    const existing = new Set<string>();
    for (const ids of chunks(fixedIds, ROWS_PER_INSERT)) {
      const rows = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM Event WHERE id IN (${ids.map(() => '?').join(',')})`, ...ids);
      for (const row of rows) existing.add(row.id);
    }
    const fresh = events.filter((e) => !e.id || !existing.has(e.id));
    if (fresh.length === 0) return [];

    const [tenant] = await tx.$queryRawUnsafe<{ lastSeq: number | bigint; webhookUrl: string | null }[]>(
      'UPDATE Tenant SET lastSeq = lastSeq + ? WHERE id = ? RETURNING lastSeq, webhookUrl',
      fresh.length,
      tenantId,
    );
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    const firstSeq = Number(tenant.lastSeq) - fresh.length + 1;
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

    for (const batch of chunks(envelopes, ROWS_PER_INSERT)) {
      await tx.$executeRawUnsafe(
        `INSERT INTO Event (id, tenantId, seq, type, occurredAt, data, requestId) VALUES ${batch.map(() => '(?,?,?,?,?,?,?)').join(',')}`,
        ...batch.flatMap((e) => [e.id, tenantId, e.seq, e.type, Date.parse(e.occurredAt), JSON.stringify(e.data), requestId]),
      );
      // A tenant without a webhook URL works by pull only: nothing to push.
      if (tenant.webhookUrl) {
        await tx.$executeRawUnsafe(
          `INSERT INTO Delivery (id, eventId, tenantId, status, attempts, nextAttemptAt, createdAt, updatedAt) VALUES ${batch.map(() => "(?,?,?,'pending',0,?,?,?)").join(',')}`,
          ...batch.flatMap((e) => [newId('dlv'), e.id, tenantId, Date.parse(e.occurredAt), now, now]),
        );
      }
    }
    return envelopes;
  }

  /** Call after the transaction commits: wakes the dispatcher so pushes leave at once. */
  committed(): void {
    for (const listener of this.listeners) listener();
  }

  onCommitted(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
