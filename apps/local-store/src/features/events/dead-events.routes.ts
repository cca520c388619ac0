import { DeadEventsPageSchema, DeadEventsQuerySchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import type { Database } from '../../db/database';
import type { Access } from '../../http/access';
import { listDeadEvents } from './dead-events.service';

export function deadEventsRoutes(api: ApiRegistry, access: Access, db: Database): Router {
  const router = Router();
  api.add(
    router,
    {
      ...access.admin,
      method: 'get',
      path: '/api/admin/dead-events',
      summary: 'Events parked as permanently invalid, newest first (admin session or LOCAL_ADMIN_TOKEN).',
      tags: ['admin'],
      input: { query: DeadEventsQuerySchema },
      responses: {
        200: { description: 'One page.', schema: DeadEventsPageSchema },
        401: { description: 'Neither an admin token nor a session.' },
        403: { description: 'The session user is not an admin.' },
      },
    },
    async ({ query }, _req, res) => {
      res.json(await listDeadEvents(db, query));
    },
  );
  return router;
}
