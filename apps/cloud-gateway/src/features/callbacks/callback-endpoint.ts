// Who a callback URL belongs to, and so which token, EncodingAESKey and owner key check it.
import { notFound } from '@dtg/service-kit';
import type { CloudConfig } from '../../config';
import type { TenantsService } from '../tenants/tenants.service';
import type { CallbackSourceKind } from './callback-payload';

/** DingTalk encrypts with this owner key while a suite is being created (its SuiteKey does not exist yet). */
export const SUITE_PLACEHOLDER_KEY = 'suite4xxxxxxxxxxxxxxx';

export interface CallbackOwner {
  key: string;
  /** When set, a payload bound to this owner key may only be one of these event types. */
  onlyEvents?: readonly string[];
}

export interface CallbackEndpoint {
  kind: CallbackSourceKind;
  /** `app:<tenantId>` or `suite:<suiteKey>`: scopes nonces and event keys. */
  source: string;
  /** The tenant an internal app's callbacks belong to. */
  tenantId?: string;
  token: string;
  aesKey: string;
  /** Owner keys a payload may be bound to, tried in order. */
  owners: CallbackOwner[];
}

/**
 * An internal app's callbacks, identified by the URL's tenant because the signature must be checked
 * with that tenant's token before anything is decrypted. Owner key: the CorpId (org-level subscription,
 * the simulator's choice) or the AppKey (console app-level subscription) — the reference's [CONFLICT]
 * is settled by accepting either, since both belong to the same tenant; the reply uses the one that matched.
 */
export async function appEndpoint(tenants: TenantsService, tenantId: string): Promise<CallbackEndpoint> {
  const { tenant, settings } = await tenants.withCallbackSettings(tenantId);
  if (tenant.mode !== 'internal') throw notFound(`tenant ${tenantId} is a suite install: its callbacks arrive at /callbacks/dingtalk/suite`);
  if (!settings) throw notFound(`tenant ${tenantId} has no callback settings (callbackToken, callbackAesKey)`);
  return {
    kind: 'app',
    source: `app:${tenant.id}`,
    tenantId: tenant.id,
    token: settings.token,
    aesKey: settings.aesKey,
    owners: [{ key: tenant.corpId }, ...(tenant.appKey ? [{ key: tenant.appKey }] : [])],
  };
}

export function suiteEndpoint(config: CloudConfig): CallbackEndpoint {
  const { SUITE_KEY: suiteKey, SUITE_CALLBACK_TOKEN: token, SUITE_CALLBACK_AES_KEY: aesKey } = config;
  if (!suiteKey || !token || !aesKey) {
    throw notFound('no suite callbacks are configured (SUITE_KEY, SUITE_CALLBACK_TOKEN, SUITE_CALLBACK_AES_KEY)');
  }
  return {
    kind: 'suite',
    source: `suite:${suiteKey}`,
    token,
    aesKey,
    owners: [{ key: suiteKey }, { key: SUITE_PLACEHOLDER_KEY, onlyEvents: ['check_create_suite_url', 'check_update_suite_url'] }],
  };
}
