import type { Router, RequestHandler } from 'express';
import { z } from 'zod';
import { LoginTicketSchema } from '@dtg/contracts';
import { notFound, type ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from '../auth/authenticate.middleware';
import type { LoginService } from './login.service';

/** Pull fallback for the local store when the pushed user.authenticated has not arrived yet. */
export function loginTicketsRoutes(login: LoginService, api: ApiRegistry, authenticate: RequestHandler): Router {
  const router = api.router('/v1/login-tickets');
  api.add(
    router,
    {
      method: 'get',
      path: '/v1/login-tickets/:ticket',
      summary: 'The user.authenticated data of an unexpired login ticket (single use is enforced by the redeemer)',
      tags: ['login'],
      security: ['bearer'],
      // The ticket's data is its user.authenticated event: read with events:read, a scope of API keys only.
      before: [authenticate, requireScope('events:read')],
      input: { params: z.object({ ticket: z.string().min(16).max(128) }) },
      responses: {
        200: { description: 'The ticket’s data', schema: LoginTicketSchema },
        401: { description: 'Missing or invalid credentials' },
        403: { description: 'No events:read scope (user tokens never have it), or a suspended tenant' },
        404: { description: 'Unknown, expired, or another tenant’s ticket' },
      },
    },
    async ({ params }, _req, res) => {
      const found = await login.findTicket(principal(res).tenantId, params.ticket);
      if (!found) throw notFound('no such login ticket (or it expired)');
      res.set('Cache-Control', 'no-store').json(found);
    },
  );
  return router;
}
