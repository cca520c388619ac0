import { CreateOidcClientRequestSchema, OidcClientListSchema, OidcClientParamsSchema, OidcClientSchema, RegisteredOidcClientSchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { callerOf, REFUSALS, type Access } from '../../http/access';
import type { OidcClients } from './oidc-clients';

const refusals = {
  401: REFUSALS[401],
  403: { description: "Neither an org admin's session nor the LOCAL_ADMIN_TOKEN." },
};

export function oidcClientsRoutes(api: ApiRegistry, access: Access, clients: OidcClients): Router {
  const router = Router();
  const tags = ['sign in your own apps (OpenID Connect)'];
  api.add(
    router,
    {
      ...access.admin,
      method: 'post',
      path: '/api/oidc/clients',
      summary:
        'Register an app that signs people in through this store (an OpenID Connect client). A confidential client’s secret is in this answer only; the store keeps its SHA-256.',
      tags,
      input: { body: CreateOidcClientRequestSchema },
      responses: {
        201: { description: 'Registered.', schema: RegisteredOidcClientSchema },
        400: { description: 'Bad name, redirect URI or scope; nothing stored.' },
        ...refusals,
      },
    },
    async ({ body }, _req, res) => {
      res.status(201).json(await clients.register(body, callerOf(res).id));
    },
  );
  api.add(
    router,
    {
      ...access.admin,
      method: 'get',
      path: '/api/oidc/clients',
      summary: 'Every registered client, oldest first (never the secrets).',
      tags,
      responses: { 200: { description: 'The clients.', schema: OidcClientListSchema }, ...refusals },
    },
    async (_input, _req, res) => {
      res.json({ items: await clients.list() });
    },
  );
  api.add(
    router,
    {
      ...access.admin,
      method: 'delete',
      path: '/api/oidc/clients/:clientId',
      summary: 'Remove a client: its sign-ins, grants and tokens stop working at once.',
      tags,
      input: { params: OidcClientParamsSchema },
      responses: { 200: { description: 'Removed.', schema: OidcClientSchema }, 404: { description: 'No such client.' }, ...refusals },
    },
    async ({ params }, _req, res) => {
      res.json(await clients.remove(params.clientId));
    },
  );
  return router;
}
