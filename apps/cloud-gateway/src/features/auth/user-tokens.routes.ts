import type { Router } from 'express';
import { z } from 'zod';
import { UserTokenIdSchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from './authenticate.middleware';
import type { UserTokenRevocations } from './user-token-revocations';

/** Revoking one user token by its id: what a local store does when someone signs out there. */
export function userTokensRoutes(revocations: UserTokenRevocations, api: ApiRegistry): Router {
  const router = api.router('/v1/user-tokens');
  api.add(
    router,
    {
      method: 'delete',
      path: '/v1/user-tokens/:tokenId',
      summary:
        'Revoke a user token of the tenant by its id (`login.cloudTokenId` of its user.authenticated event): from now on it is refused. ' +
        'Idempotent; any id is accepted (tokens are not stored). Needs events:read, the scope of the tenant’s login side (API keys only).',
      tags: ['login'],
      security: ['bearer'],
      before: [requireScope('events:read')],
      input: { params: z.object({ tokenId: UserTokenIdSchema }) },
      responses: {
        204: { description: 'Revoked' },
        401: { description: 'Missing or invalid credentials' },
        403: { description: 'No events:read scope, or a suspended tenant' },
      },
    },
    async ({ params }, _req, res) => {
      await revocations.revokeToken(principal(res).tenantId, params.tokenId);
      res.status(204).end();
    },
  );
  return router;
}
