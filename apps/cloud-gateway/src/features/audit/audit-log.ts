// The audit log: every admin action — from the console, the admin API (ADMIN_TOKEN) or the CLI — as
// one row: who, what, when, from where, and the settings before and after. The views recorded are
// the API's own (TenantView and friends), which never carry a secret; a secret that was set is
// named in `after.secretsChanged`, never shown. A self-rescheduling job drops rows past AUDIT_RETENTION.
import { z } from 'zod';
import type { Logger } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';

export const AuditViaSchema = z.enum(['console', 'api', 'cli']);

/** Who is acting: set by the admin access check (console, API) or by the CLI itself. */
export interface AdminActor {
  via: z.infer<typeof AuditViaSchema>;
  /** the operator's username, "admin-token", or the CLI's OS user */
  actor: string;
  /** client address; null for the CLI */
  source: string | null;
}

export interface AuditRecord {
  action: string;
  tenantId?: string | null;
  target?: string | null;
  before?: unknown;
  after?: unknown;
}

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.date(),
  via: AuditViaSchema,
  actor: z.string(),
  action: z.string(),
  tenantId: z.string().nullable(),
  target: z.string().nullable(),
  source: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditFilterSchema = z.object({
  tenantId: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  via: AuditViaSchema.optional(),
  /** entries with a smaller id (paging back in time) */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditFilter = z.input<typeof AuditFilterSchema>;

export const AUDIT_SWEEP_JOB = 'audit.sweep';
const AUDIT_SWEEP_JOB_ID = 'job_audit_sweep';
const SWEEP_EVERY_MS = 6 * 3600_000;

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export function auditLog(deps: { db: Db; logger: Logger; retentionMs: number; now?: () => number }) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  return {
    async record(who: AdminActor, what: AuditRecord): Promise<void> {
      await db.auditEntry.create({
        data: {
          at: new Date(now()),
          via: who.via,
          actor: who.actor,
          source: who.source,
          action: what.action,
          tenantId: what.tenantId ?? null,
          target: what.target ?? null,
          before: json(what.before),
          after: json(what.after),
        },
      });
    },

    /** Newest first; `before` pages back. */
    async list(filter: AuditFilter): Promise<AuditEntry[]> {
      const f = AuditFilterSchema.parse(filter);
      const rows = await db.auditEntry.findMany({
        where: { tenantId: f.tenantId, actor: f.actor, via: f.via, action: f.action, id: f.before === undefined ? undefined : { lt: f.before } },
        orderBy: { id: 'desc' },
        take: f.limit,
      });
      return rows.map((r) => ({ ...r, via: AuditViaSchema.parse(r.via), before: parse(r.before), after: parse(r.after) }));
    },

    async sweep(): Promise<JobResult> {
      const { count } = await db.auditEntry.deleteMany({ where: { at: { lt: new Date(now() - deps.retentionMs) } } });
      if (count > 0) deps.logger.info('swept audit entries past AUDIT_RETENTION', { count });
      return { runAgainInMs: SWEEP_EVERY_MS };
    },

    /** At start-up: make sure the sweep job exists and is runnable. */
    async schedule(): Promise<void> {
      const runAt = new Date(now());
      await db.job.upsert({ where: { id: AUDIT_SWEEP_JOB_ID }, create: { id: AUDIT_SWEEP_JOB_ID, kind: AUDIT_SWEEP_JOB, payload: '{}', runAt }, update: {} });
      await db.job.updateMany({ where: { id: AUDIT_SWEEP_JOB_ID, status: { in: ['failed', 'done'] } }, data: { status: 'queued', attempts: 0, runAt } });
    },
  };
}

export type AuditLog = ReturnType<typeof auditLog>;

/** Only the names of the secrets a change set: the audit log shows that a secret changed, never its value. */
export function secretsChanged(change: Record<string, unknown>, names: readonly string[]): string[] | undefined {
  const set = names.filter((name) => change[name] !== undefined);
  return set.length > 0 ? set : undefined;
}
