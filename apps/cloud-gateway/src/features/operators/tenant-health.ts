// Every tenant's health in a few set-based statements, for the console's tenants list: nothing here
// loops over events per tenant. Undelivered rows are few (they are the backlog) and are read through
// the (status, nextAttemptAt) index; "last successful push" is one probe per tenant of the
// (tenantId, status, nextAttemptAt) index — the delivered row scheduled last — so the list costs the
// same with 1,000 or 1,000,000 delivered events.
import { z } from 'zod';
import type { Sql } from '../../db/prisma';
import { shanghaiDay } from '../../shared/china-time';

/** Undelivered for longer than this (or any push already refused and waiting for its retry) and the tenant is flagged as lagging. */
export const LAG_WARNING_MS = 5 * 60_000;

export const TenantHealthSchema = z.object({
  id: z.string(),
  name: z.string(),
  corpId: z.string(),
  mode: z.enum(['internal', 'isv']),
  status: z.string(),
  /** push (a webhook URL is set) or pull */
  delivery: z.enum(['push', 'pull']),
  /** how DingTalk's events reach the cloud: http callbacks or a Stream connection */
  events: z.string(),
  lastSeq: z.number().int(),
  pending: z.number().int(),
  /** pending deliveries whose last push failed (waiting for a retry) */
  retrying: z.number().int(),
  dead: z.number().int(),
  /** the oldest undelivered event's age (ms), null when nothing is waiting */
  lagMs: z.number().int().nullable(),
  lastPushAt: z.date().nullable(),
  lastTokenAt: z.date().nullable(),
  /** DingTalk has refused the tenant's credentials since then (no good token fetch after); null when it takes them */
  credentialsFailingSince: z.date().nullable(),
  /** the webhook endpoint failed past ENDPOINT_DISABLE_AFTER and nothing is pushed until it is re-enabled */
  endpointDisabledAt: z.date().nullable(),
  /** ISV tenants: authorised (suite installed) or removed; null for internal apps */
  suiteAuthorization: z.enum(['authorised', 'removed']).nullable(),
  messagesToday: z.number().int(),
  /** the most notifications one person got today, against the per-person daily cap */
  busiestPersonToday: z.number().int(),
  dailyCap: z.number().int(),
  health: z.enum(['ok', 'lagging', 'failing', 'suspended']),
});
export type TenantHealth = z.infer<typeof TenantHealthSchema>;

const HEALTH_ORDER = { failing: 0, lagging: 1, suspended: 2, ok: 3 } as const;

interface TenantRow {
  id: string;
  name: string;
  corpId: string;
  mode: 'internal' | 'isv';
  status: string;
  webhookUrl: string | null;
  callbackMode: string;
  lastSeq: number;
  lastPushAt: number | null;
  lastTokenAt: number | null;
  credentialsFailingSince: number | null;
  endpointDisabledAt: number | null;
}

export async function tenantHealth(
  sql: Sql,
  opts: { now: number; caps: { internal: number; isv: number }; suiteKey?: string; query?: string; tenantId?: string },
): Promise<TenantHealth[]> {
  const like = opts.query ? `%${opts.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const tenants = await sql.all<TenantRow>(
    `SELECT t.id, t.name, t."corpId", t.mode, t.status, t."webhookUrl", t."callbackMode", t."lastSeq", t."credentialsFailingSince", t."endpointDisabledAt",
       (SELECT d."updatedAt" FROM "Delivery" d WHERE d."tenantId" = t.id AND d.status = 'delivered' ORDER BY d."nextAttemptAt" DESC LIMIT 1) AS "lastPushAt",
       (SELECT k."obtainedAt" FROM "DingTalkToken" k WHERE k.key = CASE t.mode WHEN 'isv' THEN 'corp:' || CAST(? AS TEXT) || ':' || t."corpId" ELSE 'app:' || t."appKey" END) AS "lastTokenAt"
     FROM "Tenant" t
     WHERE (CAST(? AS TEXT) IS NULL OR t.id = ?) AND (CAST(? AS TEXT) IS NULL OR t.name LIKE ? ESCAPE '\\' OR t.id LIKE ? ESCAPE '\\' OR t."corpId" LIKE ? ESCAPE '\\')`,
    // The token broker's keys (libs/dingtalk-client credentials.ts): one primary-key probe per tenant.
    opts.suiteKey ?? '',
    opts.tenantId ?? null,
    opts.tenantId ?? null,
    like,
    like,
    like,
    like,
  );
  const backlog = new Map<string, { pending: number; retrying: number; dead: number; oldest: number | null }>();
  for (const row of await sql.all<{ tenantId: string; status: string; n: number; retrying: number; oldest: number }>(
    `SELECT "tenantId", status, count(*) AS n, sum(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS retrying, min("createdAt") AS oldest FROM "Delivery" WHERE status IN ('pending', 'delivering', 'dead') GROUP BY "tenantId", status`,
  )) {
    const entry = backlog.get(row.tenantId) ?? { pending: 0, retrying: 0, dead: 0, oldest: null };
    if (row.status === 'dead') entry.dead += row.n;
    else [entry.pending, entry.retrying] = [entry.pending + row.n, entry.retrying + row.retrying];
    // A dead delivery is undelivered too: the store is behind until it is resent.
    entry.oldest = entry.oldest === null ? row.oldest : Math.min(entry.oldest, row.oldest);
    backlog.set(row.tenantId, entry);
  }
  const quota = new Map(
    (
      await sql.all<{ tenantId: string; total: number; busiest: number }>(
        'SELECT "tenantId", sum(count) AS total, max(count) AS busiest FROM "QuotaUsage" WHERE day = ? GROUP BY "tenantId"',
        shanghaiDay(opts.now),
      )
    ).map((r) => [r.tenantId, r]),
  );
  return tenants
    .map((t): TenantHealth => {
      const b = backlog.get(t.id) ?? { pending: 0, retrying: 0, dead: 0, oldest: null };
      const lagMs = b.oldest === null ? null : Math.max(0, opts.now - b.oldest);
      // Failing: something an operator must fix — dead pushes, a disabled endpoint, refused credentials.
      const failing = b.dead > 0 || t.endpointDisabledAt !== null || t.credentialsFailingSince !== null;
      const health = t.status !== 'active' ? 'suspended' : failing ? 'failing' : b.retrying > 0 || (lagMs ?? 0) > LAG_WARNING_MS ? 'lagging' : 'ok';
      return {
        id: t.id,
        name: t.name,
        corpId: t.corpId,
        mode: t.mode,
        status: t.status,
        delivery: t.webhookUrl ? 'push' : 'pull',
        events: t.mode === 'isv' ? 'suite' : t.callbackMode,
        lastSeq: t.lastSeq,
        pending: b.pending,
        retrying: b.retrying,
        dead: b.dead,
        lagMs,
        lastPushAt: t.lastPushAt === null ? null : new Date(t.lastPushAt),
        lastTokenAt: t.lastTokenAt === null ? null : new Date(t.lastTokenAt),
        credentialsFailingSince: t.credentialsFailingSince === null ? null : new Date(t.credentialsFailingSince),
        endpointDisabledAt: t.endpointDisabledAt === null ? null : new Date(t.endpointDisabledAt),
        suiteAuthorization: t.mode === 'isv' ? (t.status === 'active' ? 'authorised' : 'removed') : null,
        messagesToday: quota.get(t.id)?.total ?? 0,
        busiestPersonToday: quota.get(t.id)?.busiest ?? 0,
        dailyCap: t.mode === 'isv' ? opts.caps.isv : opts.caps.internal,
        health,
      };
    })
    .sort((a, b) => HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || (b.lagMs ?? 0) - (a.lagMs ?? 0) || a.name.localeCompare(b.name));
}
