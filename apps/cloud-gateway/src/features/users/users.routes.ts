import type { Router } from 'express';
import { z } from 'zod';
import { UserProfileSchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from '../auth/authenticate.middleware';
import type { UsersService } from './users.service';

const errors = {
  401: { description: 'Missing or invalid credentials' },
  403: { description: 'Suspended tenant or missing directory:read scope' },
  404: { description: 'No such person in the caller’s organisation' },
  502: { description: 'DingTalk refused the lookup' },
  503: { description: 'DingTalk busy or unreachable; retry later' },
};

/** Profiles from the caller's own org (the principal's tenant decides which org is asked). */
export function usersRoutes(users: UsersService, api: ApiRegistry): Router {
  const router = api.router('/v1/users');
  const common = { tags: ['users'], security: ['bearer'], before: [requireScope('directory:read')] };
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/v1/users/by-union-id/:unionId',
      summary: 'A member of the org by unionId (emits user.upserted when the profile changed)',
      input: { params: z.object({ unionId: z.string().min(1).max(128) }) },
      responses: { 200: { description: 'The profile', schema: UserProfileSchema }, ...errors },
    },
    async ({ params }, _req, res) => {
      res.json(await users.byUnionId(principal(res).tenantId, params.unionId));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/v1/users/:userid',
      summary: 'A member of the org by userid (emits user.upserted when the profile changed)',
      input: { params: z.object({ userid: z.string().min(1).max(64) }) },
      responses: { 200: { description: 'The profile', schema: UserProfileSchema }, ...errors },
    },
    async ({ params }, _req, res) => {
      res.json(await users.byUserid(principal(res).tenantId, params.userid));
    },
  );
  return router;
}
