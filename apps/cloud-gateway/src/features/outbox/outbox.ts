// The transactional outbox. `append`/`appendMany`/`appendAssembled` take the Tx of the transaction that makes the
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
import { lockTenant, type SqlParam, type Tx } from '../../db/prisma';
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

/**
 * A list field of an event, built by the database: `items` is a scalar SELECT (with `params`) that
 * yields the list's JSON items joined by commas, NULL when there are none.
 */
export interface AssembledList<K extends string = string> {
  key: K;
  items: string;
  params: SqlParam[];
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
    const fresh = await this.unseen(tx, tenantId, events);
    if (fresh.length === 0) return [];
    const { firstSeq, webhookUrl } = await this.takeSeqs(tx, tenantId, fresh.length);
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
      await this.addDeliveries(tx, tenantId, webhookUrl, batch, now);
    }
    return envelopes;
  }

  /**
   * One event whose list field the database writes into the row itself: a message's 100,000
   * recipients never become objects in this process, where they cost ~30 MB of heap per event. The
   * rest of the data is validated here, with the list empty; the SQL that builds the items answers
   * for them. False when the id exists already.
   */
  async appendAssembled<T extends EventType, K extends keyof EventData<T> & string>(
    tx: Tx,
    tenantId: string,
    type: T,
    data: Omit<EventData<T>, K>,
    list: AssembledList<K>,
    options: AppendOptions & { id: string },
  ): Promise<boolean> {
    const parsed = EventDataSchemas[type].parse({ ...data, [list.key]: [] }) as Record<string, unknown>;
    delete parsed[list.key]; // zod's output is a new object
    const fields = JSON.stringify(parsed).slice(1, -1);
    const opening = `{${fields}${fields ? ',' : ''}${JSON.stringify(list.key)}:`;
    if ((await this.unseen(tx, tenantId, [options])).length === 0) return false;
    const { firstSeq: seq, webhookUrl } = await this.takeSeqs(tx, tenantId, 1);
    const now = new Date();
    const occurredAt = options.occurredAt ?? now;
    // One formatted string, not `||` steps: SQLite would hold a copy of the (megabytes long) list
    // for each step (measured for 100,000 recipients: 30 MB of transient memory as `||`, 15 MB so).
    const format = tx.dialect === 'postgres' ? 'format' : 'printf';
    await tx.run(
      `INSERT INTO "Event" (id, "tenantId", seq, type, "occurredAt", data, "requestId") VALUES (?, ?, ?, ?, ?, ${format}('%s[%s]}', CAST(? AS TEXT), (${list.items})), ?)`,
      options.id,
      tenantId,
      seq,
      type,
      occurredAt,
      opening,
      ...list.params,
      currentRequestId() ?? null,
    );
    await this.addDeliveries(tx, tenantId, webhookUrl, [{ id: options.id, occurredAt: occurredAt.toISOString() }], now);
    return true;
  }

  /** The events whose deterministic id is not taken yet. */
  private async unseen<E extends { id?: string }>(tx: Tx, tenantId: string, events: readonly E[]): Promise<E[]> {
    const fixedIds = events.flatMap((e) => (e.id ? [e.id] : []));
    if (fixedIds.length === 0) return [...events];
    // Two replicas appending the same fixed id at once queue here, so the second one's check (read
    // committed: each statement sees what committed before it) finds the first one's event instead
    // of failing on its id after taking seqs.
    await lockTenant(tx, tenantId);
    const existing = new Set<string>();
    for (const ids of inBatches(fixedIds, ROWS_PER_INSERT)) {
      for (const row of await tx.all<{ id: string }>(`SELECT id FROM "Event" WHERE id IN (${marks(ids)})`, ...ids)) existing.add(row.id);
    }
    return events.filter((e) => !e.id || !existing.has(e.id));
  }

  /** `count` consecutive seqs of the tenant, taken in this transaction. */
  private async takeSeqs(tx: Tx, tenantId: string, count: number): Promise<{ firstSeq: number; webhookUrl: string | null }> {
    const tenant = await tx.get<{ lastSeq: number; webhookUrl: string | null }>(
      'UPDATE "Tenant" SET "lastSeq" = "lastSeq" + ? WHERE id = ? RETURNING "lastSeq", "webhookUrl"',
      count,
      tenantId,
    );
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    return { firstSeq: tenant.lastSeq - count + 1, webhookUrl: tenant.webhookUrl };
  }

  private async addDeliveries(
    tx: Tx,
    tenantId: string,
    webhookUrl: string | null,
    events: readonly { id: string; occurredAt: string }[],
    now: Date,
  ): Promise<void> {
    // A tenant without a webhook URL works by pull only: nothing to push, nobody to wake.
    if (!webhookUrl) return;
    await tx.run(
      `INSERT INTO "Delivery" (id, "eventId", "tenantId", status, attempts, "nextAttemptAt", "createdAt", "updatedAt") VALUES ${events.map(() => "(?,?,?,'pending',0,?,?,?)").join(',')}`,
      ...events.flatMap((e) => [newId('dlv'), e.id, tenantId, new Date(e.occurredAt), now, now]),
    );
    this.deliveriesWritten(tx);
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
