// The transactional outbox. `append` must be called with the `tx` of the transaction that makes
// the change the event reports: both commit or neither does. seq comes from Tenant.lastSeq,
// incremented in that same transaction — SQLite serialises writers, so seq is gap-free per tenant
// and a reader never sees seq n+1 before n.
import { EventDataSchemas, type EventData, type EventEnvelope, type EventType } from '@dtg/contracts';
import { currentRequestId } from '@dtg/service-kit';
import type { DbTx } from '../../db/prisma';
import { newId } from '../../shared/ids';

export interface AppendOptions {
  /** Deterministic id where a natural key exists (e.g. `evt_msgdone_<messageId>`): appending twice is a no-op. */
  id?: string;
  occurredAt?: Date;
}

type Listener = () => void;

export class Outbox {
  private readonly listeners = new Set<Listener>();

  async append<T extends EventType>(
    tx: DbTx,
    tenantId: string,
    type: T,
    data: EventData<T>,
    options: AppendOptions = {},
  ): Promise<EventEnvelope<T> | null> {
    const id = options.id ?? newId('evt');
    if (options.id && (await tx.event.findUnique({ where: { id }, select: { id: true } }))) return null;
    const payload = EventDataSchemas[type].parse(data) as EventData<T>;
    const tenant = await tx.tenant.update({
      where: { id: tenantId },
      data: { lastSeq: { increment: 1 } },
      select: { lastSeq: true, webhookUrl: true },
    });
    const occurredAt = options.occurredAt ?? new Date();
    await tx.event.create({
      data: {
        id,
        tenantId,
        seq: tenant.lastSeq,
        type,
        occurredAt,
        data: JSON.stringify(payload),
        requestId: currentRequestId() ?? null,
        // A tenant without a webhook URL works by pull only: nothing to push.
        deliveries: tenant.webhookUrl
          ? { create: { id: newId('dlv'), tenantId, nextAttemptAt: occurredAt } }
          : undefined,
      },
    });
    return { id, type, tenantId, seq: tenant.lastSeq, occurredAt: occurredAt.toISOString(), data: payload } as EventEnvelope<T>;
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
