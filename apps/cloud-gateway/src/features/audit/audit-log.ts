// The audit log: every admin action — from the console, the admin API (ADMIN_TOKEN) or the CLI — as
// one row: who, what, when, from where, and the settings before and after. The views recorded are
// the API's own (TenantView and friends), which never carry a secret; a secret that was set is
// named in `after.secretsChanged`, never shown. A self-rescheduling job drops rows past AUDIT_RETENTION.
import { z } from 'zod';
import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase, SqlParam } from '../../db/prisma';
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
export const AUDIT_SWEEP_JOB_ID = 'job_audit_sweep';
const SWEEP_EVERY_MS = 6 * 3600_000;

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

interface AuditSqlRow {
  id: number;
  at: number;
  via: string;
  actor: string;
  action: string;
  tenantId: string | null;
  target: string | null;
  source: string | null;
  before: string | null;
  after: string | null;
}

export function auditLog(deps: { sqldb: SqlDatabase; logger: Logger; retentionMs: number; now?: () => number }) {
  const { sqldb } = deps;
  const now = deps.now ?? Date.now;
  return {
    async record(who: AdminActor, what: AuditRecord): Promise<void> {
      const row = [
        new Date(now()),
        who.via,
        who.actor,
        who.source,
        what.action,
        what.tenantId ?? null,
        what.target ?? null,
        json(what.before),
        json(what.after),
      ];
      await sqldb.write(
        async (tx) =>
          await tx.run(
            'INSERT INTO "AuditEntry" ("at", "via", "actor", "source", "action", "tenantId", "target", "before", "after") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            ...row,
          ),
      );
    },

    /** Newest first; `before` pages back. */
    async list(filter: AuditFilter): Promise<AuditEntry[]> {
      const f = AuditFilterSchema.parse(filter);
      const where: string[] = [];
      const params: SqlParam[] = [];
      const match = (condition: string, value: string | number | undefined) => {
        if (value === undefined) return;
        where.push(condition);
        params.push(value);
      };
      match('"tenantId" = ?', f.tenantId);
      match('"actor" = ?', f.actor);
      match('"via" = ?', f.via);
      match('"action" = ?', f.action);
      match('id < ?', f.before);
      const rows = await sqldb.read(
        async (sql) =>
          await sql.all<AuditSqlRow>(
            `SELECT * FROM "AuditEntry"${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
            ...params,
            f.limit,
          ),
      );
      return rows.map((r) => ({ ...r, at: new Date(r.at), via: AuditViaSchema.parse(r.via), before: parse(r.before), after: parse(r.after) }));
    },

    async sweep(): Promise<JobResult> {
      const cutoff = new Date(now() - deps.retentionMs);
      const { changes: count } = await sqldb.write(async (tx) => await tx.run('DELETE FROM "AuditEntry" WHERE "at" < ?', cutoff));
      if (count > 0) deps.logger.info('swept audit entries past AUDIT_RETENTION', { count });
      return { runAgainInMs: SWEEP_EVERY_MS };
    },
  };
}

export type AuditLog = ReturnType<typeof auditLog>;

/** Only the names of the secrets a change set: the audit log shows that a secret changed, never its value. */
export function secretsChanged(change: Record<string, unknown>, names: readonly string[]): string[] | undefined {
  const set = names.filter((name) => change[name] !== undefined);
  return set.length > 0 ? set : undefined;
}
