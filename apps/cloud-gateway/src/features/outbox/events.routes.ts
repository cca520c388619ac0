import type { Router } from 'express';
import { EventsPageSchema, EventsQuerySchema } from '@dtg/contracts';
import { logAsRoutine, type ApiRegistry } from '@dtg/service-kit';
import type { Db } from '../../db/prisma';
import { principal, requireScope } from '../auth/authenticate.middleware';
import { eventsRepository } from './events.repository';

/** Pull: the same envelopes as push, in seq order, for stores that cannot (or did not) receive pushes. */
export function eventsRoutes(db: Db, api: ApiRegistry): Router {
  const router = api.router('/v1/events');
  api.add(
    router,
    {
      method: 'get',
      path: '/v1/events',
      summary: 'Events after a seq, in order (pull delivery)',
      tags: ['events'],
      security: ['bearer'],
      before: [requireScope('events:read')],
      input: { query: EventsQuerySchema },
      responses: {
        200: { description: 'A page of events; pass `next` as `after` for the following page', schema: EventsPageSchema },
        401: { description: 'Missing or invalid credentials' },
        403: { description: 'Suspended tenant or missing scope' },
      },
    },
    async ({ query }, _req, res) => {
      const { tenantId } = principal(res);
      const events = await eventsRepository.page(db, tenantId, query.after, query.limit);
      // Read after the page, so it is never below the page's last seq (the store's lag metric).
      const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { lastSeq: true } });
      // A store polls every few seconds; an empty page is routine, not worth an info line each time.
      if (events.length === 0) logAsRoutine(res);
      const next = events.at(-1)?.seq ?? query.after;
      res.json({ events, next, lastSeq: Math.max(tenant?.lastSeq ?? 0, next) });
    },
  );
  return router;
}
