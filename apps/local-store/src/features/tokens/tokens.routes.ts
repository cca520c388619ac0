import {
  CreateServiceTokenRequestSchema,
  IssuedServiceTokenSchema,
  ServiceTokenListSchema,
  ServiceTokenParamsSchema,
  ServiceTokenSchema,
} from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { callerOf, REFUSALS, type Access } from '../../http/access';
import type { ServiceTokens } from './service-tokens.service';

const refusals = {
  401: REFUSALS[401],
  403: { description: "Neither an org admin's session nor the LOCAL_ADMIN_TOKEN (service tokens cannot manage tokens)." },
};

export function tokensRoutes(api: ApiRegistry, access: Access, tokens: ServiceTokens): Router {
  const router = Router();
  const tags = ['service tokens'];
  api.add(
    router,
    {
      ...access.admin,
      method: 'post',
      path: '/api/tokens',
      summary: 'Issue a service token. The secret is in this answer only; the store keeps its SHA-256.',
      tags,
      input: { body: CreateServiceTokenRequestSchema },
      responses: {
        201: { description: 'Issued.', schema: IssuedServiceTokenSchema },
        400: { description: 'Bad name, scope or expiry; nothing stored.' },
        ...refusals,
      },
    },
    async ({ body }, _req, res) => {
      res.status(201).json(await tokens.issue(body, callerOf(res).id));
    },
  );
  api.add(
    router,
    {
      ...access.admin,
      method: 'get',
      path: '/api/tokens',
      summary: 'Every service token, oldest first (never the secrets).',
      tags,
      responses: { 200: { description: 'The tokens.', schema: ServiceTokenListSchema }, ...refusals },
    },
    async (_input, _req, res) => {
      res.json({ items: await tokens.list() });
    },
  );
  api.add(
    router,
    {
      ...access.admin,
      method: 'delete',
      path: '/api/tokens/:id',
      summary: 'Revoke a service token: it stops working at once. Revoking again changes nothing.',
      tags,
      input: { params: ServiceTokenParamsSchema },
      responses: { 200: { description: 'Revoked.', schema: ServiceTokenSchema }, 404: { description: 'No such token.' }, ...refusals },
    },
    async ({ params }, _req, res) => {
      res.json(await tokens.revoke(params.id));
    },
  );
  return router;
}
