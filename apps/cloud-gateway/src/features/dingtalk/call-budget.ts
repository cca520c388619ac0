// Each org's DingTalk API calls this month, against its budget (DingTalk's standard edition allows
// 5,000 counted calls a month: not tokens, login or contacts; dingtalk-api.md §5.1). Every attempt
// the client makes is counted here (its `onCall`), in memory and flushed to DingTalkCallUsage every
// few seconds — a crash loses at most those seconds, and DingTalk's own 90020 answer, which marks
// the month spent whatever the count says, backs it up. When the budget is spent, receipt polling
// stops (receipts.job.ts) while sends go on: a send is what the org pays for, a receipt is extra.
// Warnings are logged at 80 % and 100 %, once per org and month per process.
import type { CallRecord } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { SqlDatabase } from '../../db/prisma';
import { shanghaiMonth } from '../../shared/china-time';
import type { Tenant } from '../tenants/tenant';

const QUOTA_SPENT = new Set(['90020', 'Forbidden.AccessDenied.ApiCountLimitForOrg']);
const FLUSH_INTERVAL_MS = 2_000;

export const CallUsageSchema = z.object({
  month: z.string().describe('China-time month, 2026-12'),
  calls: z.number().int().describe('Counted DingTalk calls of the org this month (tokens, login and contacts excluded)'),
  budget: z.number().int().describe('Monthly budget (0 = none): the tenant’s monthlyCallBudget or DINGTALK_MONTHLY_CALL_BUDGET'),
  quotaSpentAt: z.date().nullable().describe('When DingTalk answered 90020 (ApiCountLimitForOrg) this month'),
  pollingAllowed: z.boolean().describe('Receipt polling goes on: under budget and DingTalk has not refused'),
});
export type CallUsage = z.infer<typeof CallUsageSchema>;

export interface CallBudgetOptions {
  sqldb: SqlDatabase;
  logger: Logger;
  /** DINGTALK_MONTHLY_CALL_BUDGET: a tenant's `monthlyCallBudget` overrides it. */
  defaultBudget: number;
  suiteKey: string | undefined;
  now: () => number;
}

interface Pending {
  calls: number;
  spentAt: number | null;
}

export class CallBudget {
  private pending = new Map<string, Pending>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: CallBudgetOptions) {}

  /** The client's `onCall`: counted attempts of org tokens (`app:` internal app, `corp:` suite install). */
  record(call: CallRecord): void {
    const spent = QUOTA_SPENT.has(call.result);
    if (!(call.counted || spent) || !/^(app|corp):/.test(call.rateKey)) return;
    const key = `${call.rateKey}|${shanghaiMonth(this.opts.now())}`;
    const entry = this.pending.get(key) ?? { calls: 0, spentAt: null };
    if (call.counted) entry.calls += 1;
    if (spent) entry.spentAt ??= this.opts.now();
    this.pending.set(key, entry);
  }

  start(): void {
    this.timer = setInterval(
      () => void this.flush().catch((err: unknown) => this.opts.logger.warn('call usage flush failed; retried', { err })),
      FLUSH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes the counts gathered since the last flush (kept for the next one if the write fails). */
  async flush(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    try {
      await this.opts.sqldb.write(async (sql) => {
        for (const [key, { calls, spentAt }] of batch) {
          const [orgKey, month] = key.split('|') as [string, string];
          await sql.run(
            `INSERT INTO "DingTalkCallUsage" ("orgKey", month, calls, "quotaSpentAt") VALUES (?, ?, ?, ?)
             ON CONFLICT ("orgKey", month) DO UPDATE SET calls = "DingTalkCallUsage".calls + excluded.calls,
               "quotaSpentAt" = coalesce("DingTalkCallUsage"."quotaSpentAt", excluded."quotaSpentAt")`,
            orgKey,
            month,
            calls,
            spentAt === null ? null : new Date(spentAt),
          );
        }
      });
    } catch (err) {
      for (const [key, entry] of batch) {
        const now = this.pending.get(key) ?? { calls: 0, spentAt: null };
        this.pending.set(key, { calls: now.calls + entry.calls, spentAt: now.spentAt ?? entry.spentAt });
      }
      throw err;
    }
  }

  /** How DingTalk identifies the tenant's calls: its app, or the suite's install in its org. */
  orgKey(tenant: Tenant): string | undefined {
    if (tenant.mode === 'internal') return tenant.appKey ? `app:${tenant.appKey}` : undefined;
    return this.opts.suiteKey ? `corp:${this.opts.suiteKey}:${tenant.corpId}` : undefined;
  }

  async usage(tenant: Tenant): Promise<CallUsage> {
    const month = shanghaiMonth(this.opts.now());
    const budget = tenant.monthlyCallBudget ?? this.opts.defaultBudget;
    const orgKey = this.orgKey(tenant);
    const stored = orgKey
      ? await this.opts.sqldb.read(
          async (sql) =>
            await sql.get<{ calls: number; quotaSpentAt: number | null }>(
              'SELECT calls, "quotaSpentAt" FROM "DingTalkCallUsage" WHERE "orgKey" = ? AND month = ?',
              orgKey,
              month,
            ),
        )
      : undefined;
    const unflushed = orgKey ? this.pending.get(`${orgKey}|${month}`) : undefined;
    const calls = (stored?.calls ?? 0) + (unflushed?.calls ?? 0);
    const spentAt = stored?.quotaSpentAt ?? unflushed?.spentAt ?? null;
    const usage = {
      month,
      calls,
      budget,
      quotaSpentAt: spentAt === null ? null : new Date(spentAt),
      pollingAllowed: spentAt === null && (budget === 0 || calls < budget),
    };
    this.warn(tenant, usage);
    return usage;
  }

  private warn(tenant: Tenant, usage: CallUsage): void {
    const level = !usage.pollingAllowed ? 'spent' : usage.budget > 0 && usage.calls >= usage.budget * 0.8 ? '80' : undefined;
    const key = level && `${tenant.id}|${usage.month}|${level}`;
    if (!key || this.warned.has(key)) return;
    this.warned.add(key);
    const message = level === 'spent' ? 'DingTalk monthly call budget spent: receipt polling stops, sends go on' : 'DingTalk monthly call budget 80 % used';
    this.opts.logger.warn(message, {
      tenantId: tenant.id,
      month: usage.month,
      calls: usage.calls,
      budget: usage.budget,
      quotaSpent: usage.quotaSpentAt !== null,
    });
  }

  register(registry: Registry, tenants: { list(): Promise<Tenant[]> }): void {
    const usageOf = async () => Promise.all((await tenants.list()).map(async (t) => ({ tenant: t.id, usage: await this.usage(t) })));
    new Gauge({
      name: 'dingtalk_org_calls_month',
      help: "DingTalk API calls counted against the tenant's org this China-time month (tokens, login and contacts excluded)",
      labelNames: ['tenant'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { tenant, usage } of await usageOf()) this.set({ tenant }, usage.calls);
      },
    });
    new Gauge({
      name: 'dingtalk_org_call_budget',
      help: 'Monthly DingTalk call budget of the tenant (0 = none); receipt polling stops when calls reach it',
      labelNames: ['tenant'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { tenant, usage } of await usageOf()) this.set({ tenant }, usage.budget);
      },
    });
  }
}
