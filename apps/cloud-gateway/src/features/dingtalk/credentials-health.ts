// tenant.credentials_failing: DingTalk refuses a tenant's credentials when the cloud fetches a token
// (a rotated AppSecret, an app deleted, a suite de-authorised). Told once per transition: the first
// refusal since the last good fetch marks the tenant (Tenant.credentialsFailingSince) and sends the
// event in that transaction; a good fetch clears the mark. Busy or unreachable DingTalk says
// nothing about the credentials and changes nothing.
import { DingTalkApiError, type ErrorKind, type TokenFetchRecord } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { OpsWebhooks } from '../ops/ops-webhooks';

/** DingTalk's answers that an operator must fix the credentials or the authorisation. */
const REFUSED = new Set<ErrorKind>(['fail-config', 'fail-not-authorized']);

export function credentialsHealth(deps: { sqldb: SqlDatabase; ops: OpsWebhooks; logger: Logger; now: () => number }) {
  /** The tenants a token key belongs to: `app:<appKey>` (internal apps), `corp:<suiteKey>:<corpId>` (suite installs). */
  function owner(key: string): { where: string; value: string } | undefined {
    const [kind, first, second] = key.split(':');
    if (kind === 'app' && first) return { where: `mode = 'internal' AND "appKey" = ?`, value: first };
    if (kind === 'corp' && second) return { where: `mode = 'isv' AND "corpId" = ?`, value: second };
    return undefined;
  }

  async function record(fetch: TokenFetchRecord): Promise<void> {
    const tenants = owner(fetch.key);
    if (!tenants) return;
    const refusal = fetch.error instanceof DingTalkApiError && REFUSED.has(fetch.error.kind) ? fetch.error : undefined;
    if (!fetch.ok && !refusal) return;
    const now = deps.now();
    await deps.sqldb.write(async (tx) => {
      if (!refusal) {
        await tx.run(`UPDATE "Tenant" SET "credentialsFailingSince" = NULL WHERE "credentialsFailingSince" IS NOT NULL AND ${tenants.where}`, tenants.value);
        return;
      }
      const marked = await tx.all<{ id: string; name: string }>(
        `UPDATE "Tenant" SET "credentialsFailingSince" = ? WHERE "credentialsFailingSince" IS NULL AND ${tenants.where} RETURNING id, name`,
        new Date(now),
        tenants.value,
      );
      for (const tenant of marked) {
        await deps.ops.emit(
          tx,
          'tenant.credentials_failing',
          {
            tenantId: tenant.id,
            tenantName: tenant.name,
            token: fetch.key.split(':')[0],
            // DingTalk's code and its meaning; never the credentials.
            code: refusal.subCode ?? (refusal.errcode !== undefined ? String(refusal.errcode) : refusal.code) ?? null,
            kind: refusal.kind,
            since: new Date(now).toISOString(),
          },
          `credentials_failing_${tenant.id}_${now}`,
        );
      }
    });
  }

  return {
    /** The DingTalk client's onTokenFetch (synchronous): the bookkeeping runs behind the fetch. */
    onTokenFetch(fetch: TokenFetchRecord): void {
      // Not awaited: the token fetch does not wait for the bookkeeping; a failure is logged here.
      void record(fetch).catch((err: unknown) => deps.logger.error('could not record the credentials state', { err }));
    },
    record,
  };
}
