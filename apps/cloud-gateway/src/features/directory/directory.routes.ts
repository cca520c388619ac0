import type { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from '../auth/authenticate.middleware';
import { DirectorySyncViewSchema, StartedSyncSchema, StartSyncBodySchema } from '@dtg/contracts';
import type { DirectoryService } from './directory.service';

const errors = {
  401: { description: 'Missing or invalid credentials' },
  403: { description: 'Suspended tenant, or a missing permission (named in `missingPermission`)' },
};

export function directoryRoutes(directory: DirectoryService, api: ApiRegistry): Router {
  const router = api.router('/v1/directory/sync');
  api.add(
    router,
    {
      method: 'post',
      path: '/v1/directory/sync',
      summary:
        'Sync the org directory (departments recursively, users page by page) as a background job, emitting what changed since the last sync ' +
        '(everything with `full: true`); a running sync is returned instead of starting another. Needs directory:sync: an API key issued with it, or a user token of an org admin.',
      tags: ['directory'],
      security: ['bearer'],
      before: [requireScope('directory:sync')],
      input: { body: StartSyncBodySchema },
      responses: {
        202: { description: 'Accepted (or already running: the same id)', schema: StartedSyncSchema },
        400: { description: 'Invalid body' },
        ...errors,
      },
    },
    async ({ body }, _req, res) => {
      const sync = await directory.start(principal(res).tenantId, { full: body?.full ?? false });
      res.status(202).location(`/v1/directory/sync/${sync.id}`).json({ id: sync.id, status: sync.status });
    },
  );
  api.add(
    router,
    {
      method: 'get',
      path: '/v1/directory/sync/:id',
      summary: 'Progress of a directory sync',
      tags: ['directory'],
      security: ['bearer'],
      before: [requireScope('directory:read')],
      input: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 200: { description: 'The sync', schema: DirectorySyncViewSchema }, 404: { description: 'No such sync for this tenant' }, ...errors },
    },
    async ({ params }, _req, res) => {
      res.json(await directory.get(principal(res).tenantId, params.id));
    },
  );
  return router;
}
