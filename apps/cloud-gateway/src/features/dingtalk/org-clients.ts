// One DingTalk client per process (its token cache and rate limiter must be shared), and the
// org view for a tenant: the app token for an internal app, the suite's corp token for an ISV install.
import { DingTalkClient, type AppCredentials, type CallRecord, type OrgClient, type TokenFetchRecord } from '@dtg/dingtalk-client';
import { AppError, currentRequestId } from '@dtg/service-kit';
import type { CloudConfig } from '../../config';
import type { SqlDatabase } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';
import type { Tenant } from '../tenants/tenant';
import { postgresRateSlots } from './postgres-rate-slots';
import { sqliteTokenStore } from './sqlite-token-store';
import { suiteTickets, type SuiteTickets } from './suite-tickets';

export interface DingTalk {
  client: DingTalkClient;
  tickets: SuiteTickets;
  forTenant(tenant: Tenant): Promise<OrgClient>;
  /** The OAuth client id of a tenant's app (AppKey, or the SuiteKey for ISV tenants). */
  oauthClient(tenant: Tenant): Promise<{ clientId: string; clientSecret: string }>;
  suite?: { suiteKey: string; suiteSecret: string };
}

export function createDingTalk(
  config: CloudConfig,
  sqldb: SqlDatabase,
  secrets: SecretBox,
  options: {
    clock?: () => number;
    onCall?: (call: CallRecord) => void;
    onTokenFetch?: (fetch: TokenFetchRecord) => void;
    onRateLimitWait?: (wait: { path: string; waitMs: number }) => void;
    /** The database's cross-replica section (Postgres): one token fetch per token for all replicas. */
    exclusive?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  } = {},
): DingTalk {
  const tickets = suiteTickets(sqldb, secrets);
  const client = new DingTalkClient({
    baseUrls: { loginBaseUrl: config.DINGTALK_LOGIN_URL, apiBaseUrl: config.DINGTALK_API_URL, oapiBaseUrl: config.DINGTALK_OAPI_URL },
    tokenStore: sqliteTokenStore(sqldb, secrets, options.exclusive),
    suiteTicketSource: tickets,
    requestId: currentRequestId,
    clock: options.clock ? { now: options.clock } : undefined,
    // DINGTALK_QPS is DingTalk's limit per app and API, whatever the number of replicas: on Postgres
    // they take their slots from one table; on SQLite the one process spaces its calls in memory.
    rateLimit: { qps: config.DINGTALK_QPS, slots: sqldb.dialect === 'postgres' ? postgresRateSlots(sqldb) : undefined },
    onCall: options.onCall,
    onTokenFetch: options.onTokenFetch,
    onRateLimitWait: options.onRateLimitWait,
  });
  const suite = config.SUITE_KEY && config.SUITE_SECRET ? { suiteKey: config.SUITE_KEY, suiteSecret: config.SUITE_SECRET } : undefined;

  async function appSecret(tenant: Tenant): Promise<string> {
    // Direct SQL: every DingTalk call of an internal app opens its secret (Prisma cost ~50× the read).
    const row = await sqldb.read(async (sql) => await sql.get<{ appSecretEnc: string | null }>('SELECT "appSecretEnc" FROM "Tenant" WHERE id = ?', tenant.id));
    if (!row?.appSecretEnc || !tenant.appKey) throw new AppError('unavailable', `tenant ${tenant.id} has no app credentials`);
    return secrets.open(row.appSecretEnc, 'Tenant.appSecretEnc', tenant.id);
  }

  async function credentials(tenant: Tenant): Promise<AppCredentials> {
    if (tenant.mode === 'isv') {
      if (!suite) throw new AppError('unavailable', 'no suite is configured (SUITE_KEY, SUITE_SECRET)');
      return { mode: 'isv', ...suite, corpId: tenant.corpId, agentId: tenant.agentId ?? undefined };
    }
    return { mode: 'internal', appKey: tenant.appKey ?? '', appSecret: await appSecret(tenant), corpId: tenant.corpId, agentId: tenant.agentId ?? undefined };
  }

  return {
    client,
    tickets,
    suite,
    async forTenant(tenant) {
      return client.forOrg(await credentials(tenant));
    },
    async oauthClient(tenant) {
      if (tenant.mode === 'isv') {
        if (!suite) throw new AppError('unavailable', 'no suite is configured (SUITE_KEY, SUITE_SECRET)');
        return { clientId: suite.suiteKey, clientSecret: suite.suiteSecret };
      }
      return { clientId: tenant.appKey ?? '', clientSecret: await appSecret(tenant) };
    },
  };
}
