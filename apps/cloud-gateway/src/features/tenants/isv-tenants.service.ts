// The tenant record of an org that installed the suite: created on the first authorisation,
// updated (agentId, name) on later ones, suspended when the org removes the suite. Each change of
// status or agentId is told to the tenant as `tenant.authorization.changed`, in the same transaction.
import { generateWebhookSecret } from '@dtg/webhook-signing';
import type { Tx } from '../../db/prisma';
import { newId } from '../../shared/ids';
import type { SecretBox } from '../../shared/secret-box';
import type { Outbox } from '../outbox/outbox';
import { tenantsRepository } from './tenants.repository';

export interface Authorization {
  corpId: string;
  corpName: string;
  /** The suite's app in that org; work notifications need it. */
  agentId: number | null;
}

export function isvTenants(deps: { secrets: SecretBox; outbox: Outbox }) {
  const { outbox } = deps;
  const announce = (sql: Tx, tenantId: string, corpId: string, status: 'active' | 'suspended', agentId: number | null) =>
    outbox.append(sql, tenantId, 'tenant.authorization.changed', { corpId, status, ...(agentId !== null ? { agentId } : {}) });

  return {
    /**
     * Created without a webhook URL (events wait for pull until an operator sets one) and without an
     * API key: the operator issues one with `POST /admin/tenants/:id/api-keys`.
     */
    async authorize(sql: Tx, auth: Authorization): Promise<'created' | 'changed' | 'unchanged'> {
      const current = await tenantsRepository.findByCorp(sql, auth.corpId, 'isv');
      if (!current) {
        const id = newId('ten');
        const created = await tenantsRepository.insert(sql, {
          id,
          name: auth.corpName,
          corpId: auth.corpId,
          mode: 'isv',
          agentId: auth.agentId,
          webhookSecretEnc: deps.secrets.seal(generateWebhookSecret(), 'Tenant.webhookSecretEnc', id),
        });
        await announce(sql, created.id, auth.corpId, 'active', auth.agentId);
        return 'created';
      }
      const changed = current.status !== 'active' || current.agentId !== auth.agentId;
      await tenantsRepository.update(sql, current.id, { name: auth.corpName, agentId: auth.agentId, status: 'active' });
      if (!changed) return 'unchanged';
      await announce(sql, current.id, auth.corpId, 'active', auth.agentId);
      return 'changed';
    },

    async suspend(sql: Tx, corpId: string): Promise<'suspended' | 'unchanged'> {
      const current = await tenantsRepository.findByCorp(sql, corpId, 'isv');
      if (!current || current.status === 'suspended') return 'unchanged';
      await tenantsRepository.update(sql, current.id, { status: 'suspended' });
      await announce(sql, current.id, corpId, 'suspended', current.agentId);
      return 'suspended';
    },
  };
}

export type IsvTenants = ReturnType<typeof isvTenants>;
