import type { Router } from 'express';
import { EventsPageSchema, EventsQuerySchema } from '@dtg/contracts';
import { logAsRoutine, ProblemSchema, type ApiRegistry } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import { principal, requireScope } from '../auth/authenticate.middleware';
import { eventsRepository } from './events.repository';
import { pullMarks } from './pull-marks';

/** Pull: the same envelopes as push, in seq order, for stores that cannot (or did not) receive pushes. */
export function eventsRoutes(sqldb: SqlDatabase, api: ApiRegistry): Router {
  const router = api.router('/v1/events');
  const marks = pullMarks(sqldb);
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
        410: {
          description:
            '`events_pruned`: events right after `after` were pruned by retention (or skipped by a restore from backup), so the store cannot catch up event by event: ' +
            'it requests a full directory sync and pulls on after `prunedThrough`. Asking with `after = n` also tells the cloud the store holds every event up to n.',
          schema: ProblemSchema,
        },
      },
    },
    async ({ query }, _req, res) => {
      const { tenantId } = principal(res);
      const before = await marks.read(tenantId);
      marks.refuseIfMissing(before, query.after);
      // Up to a restore's gap, a page stops before it: past it the store needs the 410 above.
      const upTo = before.seqGapThrough > 0 && query.after < before.seqGapAfter ? before.seqGapAfter : undefined;
      const events = await sqldb.read(async (sql) => eventsRepository.page(sql, tenantId, query.after, query.limit, upTo));
      // Pruning takes prefixes and only moves forward: if nothing after `after` was pruned once the
      // page is read, the page has no hole. Read after the page, its lastSeq is never below the
      // page's last seq either (the store's lag metric).
      const latest = await marks.read(tenantId);
      marks.refuseIfMissing(latest, query.after);
      await marks.recordPulled(tenantId, before, query.after);
      // A store polls every few seconds; an empty page is routine, not worth an info line each time.
      if (events.length === 0) logAsRoutine(res);
      const next = events.at(-1)?.seq ?? query.after;
      // EventsPageSchema's shape, written out: the events are already JSON (envelopeJson).
      res.type('application/json').send(`{"events":[${events.map((e) => e.json).join(',')}],"next":${next},"lastSeq":${Math.max(latest.lastSeq, next)}}`);
    },
  );
  return router;
}
