// Tenant lifecycle for operators (admin CLI and admin API): create, update, suspend, rotate the
// webhook secret, and open the secrets other features need. Secrets are sealed at rest.
import { generateWebhookSecret } from '@dtg/webhook-signing';
import { AppError, notFound, parseValue } from '@dtg/service-kit';
import type { Sql, SqlDatabase } from '../../db/prisma';
import { newId } from '../../shared/ids';
import type { SecretBox } from '../../shared/secret-box';
import { apiKeysService, type IssuedApiKey } from '../api-keys/api-keys.service';
import type { AddressPolicy } from '../delivery/address-policy';
import { assertSafeWebhookUrl, UnsafeWebhookUrlError } from '../delivery/webhook-url-guard';
import {
  CreateTenantSchema,
  ISV_STREAM_ONLY,
  noTemplateSettings,
  TEMPLATES_ISV_ONLY,
  ProvidedCredentialsSchema,
  UpdateTenantSchema,
  type CreateTenant,
  type ProvidedCredentials,
  type Tenant,
  type UpdateTenant,
} from './tenant';
import { memberSendColumns, messageTemplateColumns, tenantsRepository, toTenant, type TenantRow } from './tenants.repository';

export interface TenantsDeps {
  sqldb: SqlDatabase;
  secrets: SecretBox;
  /** How long the previous webhook secret keeps signing after a rotation. */
  rotationGraceMs: number;
  /** Where webhook URLs may point (see address-policy.ts). */
  webhookAddresses: AddressPolicy;
  now?: () => number;
}

export interface CreatedTenant {
  tenant: Tenant;
  apiKey: IssuedApiKey;
  /** Shown once: the local store needs it to verify pushes. */
  webhookSecret: string;
}

async function checkWebhookUrl(url: string | null | undefined, policy: AddressPolicy): Promise<void> {
  if (!url) return;
  try {
    await assertSafeWebhookUrl(url, policy);
  } catch (err) {
    if (err instanceof UnsafeWebhookUrlError) {
      throw new AppError('validation_failed', 'webhookUrl is not allowed', {
        fields: [{ path: 'body.webhookUrl', message: err.message }],
      });
    }
    throw err;
  }
}

export function tenantsService(deps: TenantsDeps) {
  const { sqldb, secrets } = deps;
  const now = deps.now ?? Date.now;

  async function row(sql: Sql, id: string): Promise<TenantRow> {
    const found = await tenantsRepository.findRowSql(sql, id);
    if (!found) throw notFound(`tenant ${id} not found`);
    return found;
  }

  return {
    /**
     * `provided` lets infrastructure-as-code (docker compose, the demo stack) fix the id, API key
     * and webhook secret instead of reading them back once.
     */
    async create(input: CreateTenant, provided: ProvidedCredentials = {}): Promise<CreatedTenant> {
      const parsed = parseValue(CreateTenantSchema, input);
      const creds = parseValue(ProvidedCredentialsSchema, provided, 'credentials');
      await checkWebhookUrl(parsed.webhookUrl, deps.webhookAddresses);
      const webhookSecret = creds.webhookSecret ?? generateWebhookSecret();
      const id = creds.id ?? newId('ten');
      return sqldb.write(async (tx) => {
        const existing = await tenantsRepository.findByCorp(tx, parsed.corpId, parsed.mode);
        if (existing) throw new AppError('conflict', `a ${parsed.mode} tenant for corp ${parsed.corpId} exists (${existing.id})`);
        const created = await tenantsRepository.insert(tx, {
          id,
          name: parsed.name,
          corpId: parsed.corpId,
          mode: parsed.mode,
          appKey: parsed.appKey ?? null,
          appSecretEnc: parsed.appSecret ? secrets.seal(parsed.appSecret, 'Tenant.appSecretEnc', id) : null,
          agentId: parsed.agentId ?? null,
          webhookUrl: parsed.webhookUrl ?? null,
          webhookSecretEnc: secrets.seal(webhookSecret, 'Tenant.webhookSecretEnc', id),
          returnUrls: JSON.stringify(parsed.returnUrls),
          callbackTokenEnc: parsed.callbackToken ? secrets.seal(parsed.callbackToken, 'Tenant.callbackTokenEnc', id) : null,
          callbackAesKeyEnc: parsed.callbackAesKey ? secrets.seal(parsed.callbackAesKey, 'Tenant.callbackAesKeyEnc', id) : null,
          callbackMode: parsed.callbackMode,
          reconcileIntervalMs: parsed.reconcileInterval ?? null,
          robotCode: parsed.robotCode ?? null,
          ...memberSendColumns(parsed.memberSendPolicy),
          receiptLevel: parsed.receipts,
          monthlyCallBudget: parsed.monthlyCallBudget ?? null,
          ...messageTemplateColumns(parsed.messageTemplates),
        });
        // The tenant's first key is what its local store runs on: every scope (pull, tickets, sending).
        const apiKey = await apiKeysService.insert(tx, created.id, { name: 'default', key: creds.apiKey });
        return { tenant: toTenant(created), apiKey, webhookSecret };
      });
    },

    /** create, unless a tenant with that id exists already (then nothing changes). */
    async ensure(input: CreateTenant, provided: ProvidedCredentials & { id: string }): Promise<{ created: boolean; tenant: Tenant }> {
      const existing = await sqldb.read(async (sql) => await tenantsRepository.findRowSql(sql, provided.id));
      if (existing) return { created: false, tenant: toTenant(existing) };
      return { created: true, tenant: (await this.create(input, provided)).tenant };
    },

    async get(id: string): Promise<Tenant> {
      const found = await sqldb.read(async (sql) => await tenantsRepository.findRowSql(sql, id));
      if (!found) throw notFound(`tenant ${id} not found`);
      return toTenant(found);
    },

    list: () => sqldb.read(async (sql) => await tenantsRepository.list(sql)),

    async update(id: string, input: UpdateTenant): Promise<Tenant> {
      const parsed = parseValue(UpdateTenantSchema, input);
      await checkWebhookUrl(parsed.webhookUrl, deps.webhookAddresses);
      return sqldb.write(async (tx) => {
        const current = await row(tx, id);
        if (parsed.callbackMode === 'stream' && current.mode !== 'internal') {
          throw new AppError('validation_failed', 'callbackMode is not allowed', { fields: [{ path: 'body.callbackMode', message: ISV_STREAM_ONLY }] });
        }
        if (current.mode !== 'isv' && !noTemplateSettings(parsed.messageTemplates)) {
          throw new AppError('validation_failed', 'messageTemplates is not allowed', {
            fields: [{ path: 'body.messageTemplates', message: TEMPLATES_ISV_ONLY }],
          });
        }
        const updated = await tenantsRepository.update(tx, id, {
          name: parsed.name,
          agentId: parsed.agentId,
          webhookUrl: parsed.webhookUrl,
          returnUrls: parsed.returnUrls ? JSON.stringify(parsed.returnUrls) : undefined,
          appSecretEnc: parsed.appSecret ? secrets.seal(parsed.appSecret, 'Tenant.appSecretEnc', id) : undefined,
          // null clears the setting; undefined leaves it.
          callbackTokenEnc: parsed.callbackToken ? secrets.seal(parsed.callbackToken, 'Tenant.callbackTokenEnc', id) : parsed.callbackToken,
          callbackAesKeyEnc: parsed.callbackAesKey ? secrets.seal(parsed.callbackAesKey, 'Tenant.callbackAesKeyEnc', id) : parsed.callbackAesKey,
          callbackMode: parsed.callbackMode,
          // A new interval is scheduled afresh by the reconcile scheduler.
          ...(parsed.reconcileInterval !== undefined ? { reconcileIntervalMs: parsed.reconcileInterval, nextReconcileAt: null } : {}),
          robotCode: parsed.robotCode,
          ...memberSendColumns(parsed.memberSendPolicy),
          receiptLevel: parsed.receipts,
          monthlyCallBudget: parsed.monthlyCallBudget,
          ...messageTemplateColumns(parsed.messageTemplates),
        });
        if (!updated) throw notFound(`tenant ${id} not found`);
        return toTenant(updated);
      });
    },

    async setStatus(id: string, status: Tenant['status']): Promise<Tenant> {
      const updated = await sqldb.write(async (tx) => await tenantsRepository.update(tx, id, { status }));
      if (!updated) throw notFound(`tenant ${id} not found`);
      return toTenant(updated);
    },

    /** New current secret; the old one keeps signing alongside it until the grace period ends. */
    async rotateSecret(id: string): Promise<{ tenant: Tenant; webhookSecret: string; previousSecretExpiresAt: Date }> {
      const webhookSecret = generateWebhookSecret();
      const previousSecretExpiresAt = new Date(now() + deps.rotationGraceMs);
      // One transaction: the secret moved to previous is the one this update replaces.
      const updated = await sqldb.write(async (tx) => {
        const current = await row(tx, id);
        const changed = await tenantsRepository.update(tx, id, {
          webhookSecretEnc: secrets.seal(webhookSecret, 'Tenant.webhookSecretEnc', id),
          // Sealed values are bound to their column: the old secret is opened and sealed again as the previous one.
          previousSecretEnc: secrets.seal(secrets.open(current.webhookSecretEnc, 'Tenant.webhookSecretEnc', id), 'Tenant.previousSecretEnc', id),
          previousSecretExpiresAt,
        });
        if (!changed) throw notFound(`tenant ${id} not found`);
        return changed;
      });
      return { tenant: toTenant(updated), webhookSecret, previousSecretExpiresAt };
    },

    /** Secrets to sign a push with right now: the current one, plus the previous during its grace. */
    signingSecrets(tenantRow: TenantRow): string[] {
      const list = [secrets.open(tenantRow.webhookSecretEnc, 'Tenant.webhookSecretEnc', tenantRow.id)];
      const prevValid = tenantRow.previousSecretEnc && tenantRow.previousSecretExpiresAt && tenantRow.previousSecretExpiresAt.getTime() > now();
      if (prevValid && tenantRow.previousSecretEnc) list.push(secrets.open(tenantRow.previousSecretEnc, 'Tenant.previousSecretEnc', tenantRow.id));
      return list;
    },

    /** The tenant with its internal app's callback token and EncodingAESKey, if the operator set them (one read per callback). */
    async withCallbackSettings(id: string): Promise<{ tenant: Tenant; settings?: { token: string; aesKey: string } }> {
      const found = await sqldb.read(async (sql) => await row(sql, id));
      const tenant = toTenant(found);
      if (!found.callbackTokenEnc || !found.callbackAesKeyEnc) return { tenant };
      return {
        tenant,
        settings: {
          token: secrets.open(found.callbackTokenEnc, 'Tenant.callbackTokenEnc', id),
          aesKey: secrets.open(found.callbackAesKeyEnc, 'Tenant.callbackAesKeyEnc', id),
        },
      };
    },
  };
}

export type TenantsService = ReturnType<typeof tenantsService>;
