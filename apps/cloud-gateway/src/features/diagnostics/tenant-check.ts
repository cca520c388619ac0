// `npm run admin -- tenant check <id>` and GET /admin/tenants/:id/check: probe what a tenant needs
// from DingTalk, one harmless read per permission the gateway uses, and say for each failure what to
// fix and where. First deployments fail on exactly these (credentials, AgentId, permissions, IP
// allow-list, contact scope, event delivery), and DingTalk's own errors rarely say where to go.
import { DingTalkApiError, diagnoseSetup, type OrgClient } from '@dtg/dingtalk-client';
import { z } from 'zod';
import type { CloudConfig } from '../../config';
import type { SqlDatabase } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';
import type { DingTalk } from '../dingtalk/org-clients';
import type { Tenant } from '../tenants/tenant';
import type { TenantsService } from '../tenants/tenants.service';

export const CheckResultSchema = z.object({
  check: z.string(),
  title: z.string(),
  status: z.enum(['pass', 'fail', 'skip']),
  detail: z.string(),
  fix: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const TenantCheckReportSchema = z.object({
  tenantId: z.string(),
  mode: z.enum(['internal', 'isv']),
  ok: z.boolean(),
  checks: z.array(CheckResultSchema),
});
export type TenantCheckReport = z.infer<typeof TenantCheckReportSchema>;

export interface TenantCheckDeps {
  sqldb: SqlDatabase;
  secrets: SecretBox;
  dingtalk: DingTalk;
  tenants: TenantsService;
  config: Pick<CloudConfig, 'PUBLIC_URL' | 'SUITE_TICKET_ALARM_AFTER' | 'SUITE_EVENT_MODE'>;
  now: () => number;
}

const pass = (check: string, title: string, detail: string): CheckResult => ({ check, title, status: 'pass', detail });
const fail = (check: string, title: string, detail: string, fix: string): CheckResult => ({ check, title, status: 'fail', detail, fix });
const skip = (check: string, title: string, detail: string): CheckResult => ({ check, title, status: 'skip', detail });

/** A failed probe as a result: DingTalk setup problems get their fix; anything else says to look again later. */
function failed(check: string, title: string, err: unknown): CheckResult {
  const diagnosis = diagnoseSetup(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (diagnosis) return fail(check, title, `${diagnosis.problem}: ${detail}`, diagnosis.fix);
  return fail(check, title, detail, 'DingTalk did not give a usable answer (busy, throttled or unreachable): run the check again in a minute.');
}

async function probe(check: string, title: string, detail: string, call: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await call();
    return pass(check, title, detail);
  } catch (err) {
    return failed(check, title, err);
  }
}

const PROBES = {
  agent: 'Work notifications: AgentId and qyapi_base',
  departments: 'Departments: qyapi_get_department_list',
  members: 'Member ids: qyapi_get_member',
  member_details: 'Member details: qyapi_get_department_member',
} as const;

/** One read per permission the gateway uses (dingtalk-api.md §3, §4), on the root department. */
function permissionProbes(org: OrgClient, agentId: number | null): Array<Promise<CheckResult>> {
  return [
    agentId === null
      ? Promise.resolve(
          fail(
            'agent',
            PROBES.agent,
            'no AgentId is configured',
            'Set the AgentId from the developer console (npm run admin -- tenant update <id> --agent-id <n>).',
          ),
        )
      : probeAgent(org, agentId),
    probe('departments', PROBES.departments, 'read the departments under the root', () => org.contacts.listSubDepartments(1)),
    probe('members', PROBES.members, "listed the root department's members", () => org.contacts.listUserIds(1)),
    probe('member_details', PROBES.member_details, 'read a page of member details', () => org.contacts.listUsers({ deptId: 1, cursor: 0, size: 1 })),
  ];
}

/** The progress of a task that does not exist: refused for a wrong AgentId or permission, "not found" when both are right. */
async function probeAgent(org: OrgClient, agentId: number): Promise<CheckResult> {
  try {
    await org.messages.getSendProgress(1, agentId);
  } catch (err) {
    // "No such task" (a definite refusal that is not a setup problem) means AgentId and permission passed.
    const taskUnknown = err instanceof DingTalkApiError && !diagnoseSetup(err) && (err.kind === 'fail-bad-request' || err.kind === 'not-found');
    if (!taskUnknown) return failed('agent', PROBES.agent, err);
  }
  return pass('agent', PROBES.agent, `AgentId ${agentId} is accepted for work notifications`);
}

export function tenantCheck(deps: TenantCheckDeps) {
  async function credentials(tenant: Tenant): Promise<{ result: CheckResult; org?: OrgClient }> {
    const title = tenant.mode === 'isv' ? 'Suite authorisation and corp token' : 'App credentials and access token';
    try {
      const org = await deps.dingtalk.forTenant(tenant);
      await org.accessToken();
      return {
        result: pass(
          'credentials',
          title,
          tenant.mode === 'isv' ? `corp token for ${tenant.corpId} obtained through the suite` : `app token for ${tenant.appKey ?? ''} obtained`,
        ),
        org,
      };
    } catch (err) {
      return { result: failed('credentials', title, err) };
    }
  }

  async function suiteTicket(): Promise<CheckResult> {
    const title = 'Suite ticket (pushed by DingTalk about every 20 minutes)';
    const suite = deps.dingtalk.suite;
    if (!suite) return fail('suite_ticket', title, 'no suite is configured', 'Set SUITE_KEY and SUITE_SECRET (and restart the cloud).');
    const last = await deps.dingtalk.tickets.lastReceivedAt(suite.suiteKey);
    const where =
      deps.config.SUITE_EVENT_MODE === 'stream'
        ? 'enable Stream mode for the suite'
        : `set the suite's event URL to ${deps.config.PUBLIC_URL}/callbacks/dingtalk/suite`;
    if (!last)
      return fail(
        'suite_ticket',
        title,
        'no suite_ticket has ever been received',
        `In the developer console (the suite → 事件订阅 / Event subscription), ${where}.`,
      );
    const ageMinutes = Math.round((deps.now() - last.getTime()) / 60_000);
    if (deps.now() - last.getTime() > deps.config.SUITE_TICKET_ALARM_AFTER) {
      return fail(
        'suite_ticket',
        title,
        `the newest suite_ticket is ${ageMinutes} min old`,
        `DingTalk stopped pushing tickets: check that the suite's event delivery still reaches this gateway (${where}).`,
      );
    }
    return pass('suite_ticket', title, `the newest suite_ticket is ${ageMinutes} min old`);
  }

  async function events(tenant: Tenant): Promise<CheckResult> {
    const title = `DingTalk events (${tenant.callbackMode === 'stream' ? 'Stream mode' : 'HTTP callbacks'})`;
    const last = await deps.sqldb.read(
      async (sql) =>
        await sql.get<{ receivedAt: number }>(
          'SELECT "receivedAt" FROM "CallbackEvent" WHERE source = ? ORDER BY "receivedAt" DESC LIMIT 1',
          `app:${tenant.id}`,
        ),
    );
    const seen = last ? `; the last event arrived ${new Date(last.receivedAt).toISOString()}` : '; no event has arrived yet';
    if (tenant.callbackMode === 'stream') {
      try {
        const { clientId, clientSecret } = await deps.dingtalk.oauthClient(tenant);
        await deps.dingtalk.client.probeStream(clientId, clientSecret);
        return pass('events', title, `DingTalk opens Stream connections for ${clientId}${seen}`);
      } catch (err) {
        return failed('events', title, err);
      }
    }
    const row = await deps.sqldb.read(
      async (sql) =>
        await sql.get<{ callbackTokenEnc: string | null; callbackAesKeyEnc: string | null }>(
          'SELECT "callbackTokenEnc", "callbackAesKeyEnc" FROM "Tenant" WHERE id = ?',
          tenant.id,
        ),
    );
    const url = `${deps.config.PUBLIC_URL}/callbacks/dingtalk?tenant=${tenant.id}`;
    if (!row?.callbackTokenEnc || !row.callbackAesKeyEnc) {
      return fail(
        'events',
        title,
        'no callback token and AES key are configured: contact changes reach the gateway only through scheduled reconciles',
        `In the developer console (the app → 事件订阅 / Event subscription) choose HTTP push to ${url}, then give the gateway the same token and EncodingAESKey (npm run admin -- tenant update ${tenant.id} --callback-token … --callback-aes-key …), or use --callback-mode stream.`,
      );
    }
    return pass('events', title, `DingTalk must push events to ${url}${seen}`);
  }

  return {
    async run(tenantId: string): Promise<TenantCheckReport> {
      const tenant = await deps.tenants.get(tenantId);
      const checks: CheckResult[] = [];
      if (tenant.mode === 'isv') checks.push(await suiteTicket());
      const { result, org } = await credentials(tenant);
      checks.push(result);
      if (org) checks.push(...(await Promise.all(permissionProbes(org, tenant.agentId))));
      else checks.push(...Object.entries(PROBES).map(([check, title]) => skip(check, title, 'needs a working access token (see credentials)')));
      if (tenant.mode === 'internal') checks.push(await events(tenant));
      return { tenantId: tenant.id, mode: tenant.mode, ok: checks.every((c) => c.status !== 'fail'), checks };
    },
  };
}

export type TenantCheck = ReturnType<typeof tenantCheck>;
