import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, forbidden, type ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from '../auth/authenticate.middleware';
import type { UsersService } from '../users/users.service';
import { DirectorySyncViewSchema, StartedSyncSchema, StartSyncBodySchema } from './directory.schemas';
import type { DirectoryService } from './directory.service';

/**
 * Who may start a sync: the tenant's API key, or a user token of someone DingTalk reports as an
 * org admin (checked live — admin rights can be withdrawn in DingTalk at any time).
 */
function requireSyncRight(users: UsersService): RequestHandler {
  return async (_req, res, next) => {
    try {
      const p = principal(res);
      if (!p.scopes || p.scopes.includes('directory:sync')) return next();
      const admin = p.kind === 'user' && p.userid ? (await users.byUserid(p.tenantId, p.userid)).admin === true : false;
      next(admin ? undefined : forbidden('a directory sync needs the tenant API key or an org admin'));
    } catch (err) {
      next(err instanceof AppError && err.code === 'not_found' ? forbidden('a directory sync needs the tenant API key or an org admin') : err);
    }
  };
}

const errors = { 401: { description: 'Missing or invalid credentials' }, 403: { description: 'Suspended tenant, or not allowed' } };

export function directoryRoutes(deps: { directory: DirectoryService; users: UsersService }, api: ApiRegistry): Router {
  const { directory, users } = deps;
  const router = Router();
  api.add(
    router,
    {
      method: 'post',
      path: '/v1/directory/sync',
      summary:
        'Sync the org directory (departments recursively, users page by page) as a background job, emitting what changed since the last sync ' +
        '(everything with `full: true`); a running sync is returned instead of starting another. Allowed: the tenant API key, or a user token of an org admin.',
      tags: ['directory'],
      security: ['bearer'],
      before: [requireSyncRight(users)],
      input: { body: StartSyncBodySchema },
      responses: { 202: { description: 'Accepted (or already running: the same id)', schema: StartedSyncSchema }, 400: { description: 'Invalid body' }, ...errors },
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
      before: [requireScope('users:read')],
      input: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 200: { description: 'The sync', schema: DirectorySyncViewSchema }, 404: { description: 'No such sync for this tenant' }, ...errors },
    },
    async ({ params }, _req, res) => {
      res.json(await directory.get(principal(res).tenantId, params.id));
    },
  );
  return router;
}
