import { ChangesPageSchema, ChangesQuerySchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { callerOf, REFUSALS, type Access } from '../../http/access';
import type { ChangesService } from './changes.service';

export function changesRoutes(api: ApiRegistry, access: Access, changes: ChangesService): Router {
  const router = Router();
  api.add(
    router,
    {
      ...access.anyScope(['directory:read', 'messages:read']),
      method: 'get',
      path: '/api/changes',
      summary:
        'Change events after a cursor, in the store’s gap-free seq order (the events subscriptions receive): user.* and department.* with directory:read, ' +
        'message.* with messages:read (org members’ sessions get directory events only). Pass `next` back as `after`.',
      tags: ['changes'],
      input: { query: ChangesQuerySchema },
      responses: { 200: { description: 'One page.', schema: ChangesPageSchema }, 400: { description: 'Bad cursor or limit.' }, ...REFUSALS },
    },
    async ({ query }, _req, res) => {
      res.json(await changes.page(callerOf(res), query));
    },
  );
  return router;
}
