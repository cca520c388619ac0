// Whether a tenant's webhook endpoint takes pushes. The first failed push since the last success
// starts the clock (Tenant.endpointFailingSince); a success stops it. An endpoint failing for longer
// than ENDPOINT_DISABLE_AFTER (default 5 days, like Svix) is disabled: the dispatcher stops pushing
// to it, events keep accumulating in the outbox (pull still serves them) and the operator is sent
// endpoint.disabled. Re-enabling (admin API or CLI) resumes the pending deliveries at once.
// Direct SQL in the dispatcher's own transactions: this runs with every flush of attempts.
import { notFound } from '@dtg/service-kit';
import { idList, type SqlDatabase, type Tx } from '../../db/prisma';
import type { OpsWebhooks } from '../ops/ops-webhooks';
import type { Outbox } from '../outbox/outbox';

export interface EndpointHealthDeps {
  sqldb: SqlDatabase;
  ops: OpsWebhooks;
  outbox: Outbox;
  /** 0 = never disable. */
  disableAfterMs: number;
  now: () => number;
}

/** One finished push as the health check sees it. */
export interface PushOutcome {
  tenantId: string;
  ok: boolean;
}

export function endpointHealth(deps: EndpointHealthDeps) {
  const { ops, disableAfterMs } = deps;

  /** Disables every endpoint failing for longer than the threshold (in `tx`) and reports each once. */
  async function disableOverdue(tx: Tx, now: number): Promise<string[]> {
    if (disableAfterMs <= 0) return [];
    const rows = await tx.all<{ id: string; name: string; failingSince: number }>(
      `UPDATE "Tenant" SET "endpointDisabledAt" = ?, "updatedAt" = ?
       WHERE "endpointDisabledAt" IS NULL AND "endpointFailingSince" IS NOT NULL AND "endpointFailingSince" <= ?
       RETURNING id, name, "endpointFailingSince" AS "failingSince"`,
      new Date(now),
      new Date(now),
      new Date(now - disableAfterMs),
    );
    for (const row of rows) {
      const pending = await tx.get<{ n: number }>(`SELECT count(*) AS n FROM "Delivery" WHERE "tenantId" = ? AND status IN ('pending', 'delivering')`, row.id);
      const lastError = await tx.get<{ lastError: string | null }>(
        'SELECT "lastError" FROM "Delivery" WHERE "tenantId" = ? AND "lastError" IS NOT NULL ORDER BY "updatedAt" DESC LIMIT 1',
        row.id,
      );
      await ops.emit(
        tx,
        'endpoint.disabled',
        {
          tenantId: row.id,
          tenantName: row.name,
          failingSince: new Date(row.failingSince).toISOString(),
          disabledAt: new Date(now).toISOString(),
          pendingDeliveries: pending?.n ?? 0,
          lastError: lastError?.lastError ?? null,
        },
        `endpoint_disabled_${row.id}_${now}`,
      );
    }
    return rows.map((r) => r.id);
  }

  return {
    /** In the transaction that records a batch of attempts: start or stop each tenant's clock, then disable the overdue. */
    async recorded(tx: Tx, outcomes: readonly PushOutcome[], now: number): Promise<void> {
      if (outcomes.length === 0) return;
      const succeeded = new Set(outcomes.filter((o) => o.ok).map((o) => o.tenantId));
      const failed = new Set(outcomes.filter((o) => !o.ok && !succeeded.has(o.tenantId)).map((o) => o.tenantId));
      if (succeeded.size > 0) {
        const list = idList(tx, [...succeeded]);
        await tx.run(`UPDATE "Tenant" SET "endpointFailingSince" = NULL WHERE "endpointFailingSince" IS NOT NULL AND id ${list.match}`, list.param);
      }
      if (failed.size > 0) {
        const list = idList(tx, [...failed]);
        await tx.run(`UPDATE "Tenant" SET "endpointFailingSince" = ? WHERE "endpointFailingSince" IS NULL AND id ${list.match}`, new Date(now), list.param);
        await disableOverdue(tx, now);
      }
    },

    /** The periodic check (ops maintenance job): an endpoint whose retries are far apart is still disabled on time. */
    disableOverdue: (): Promise<string[]> => {
      const now = deps.now();
      return deps.sqldb.write(async (tx) => disableOverdue(tx, now));
    },

    /** Re-enables a tenant's endpoint: its clock restarts and its pending deliveries are due now. */
    async enable(tenantId: string): Promise<{ tenantId: string; wasDisabled: boolean; resumed: number }> {
      const now = deps.now();
      return deps.sqldb.write(async (tx) => {
        const row = await tx.get<{ disabledAt: number | null }>('SELECT "endpointDisabledAt" AS "disabledAt" FROM "Tenant" WHERE id = ?', tenantId);
        if (!row) throw notFound(`tenant ${tenantId} not found`);
        await tx.run('UPDATE "Tenant" SET "endpointDisabledAt" = NULL, "endpointFailingSince" = NULL, "updatedAt" = ? WHERE id = ?', new Date(now), tenantId);
        const resumed = await tx.run(
          `UPDATE "Delivery" SET "nextAttemptAt" = ?, "updatedAt" = ? WHERE "tenantId" = ? AND status = 'pending'`,
          new Date(now),
          new Date(now),
          tenantId,
        );
        // The dispatcher looks for them as soon as this commits.
        deps.outbox.deliveriesWritten(tx);
        return { tenantId, wasDisabled: row.disabledAt !== null, resumed: resumed.changes };
      });
    },
  };
}

export type EndpointHealth = ReturnType<typeof endpointHealth>;
