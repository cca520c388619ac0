// "Sync directory" through the store: the store relays to the cloud's directory sync with its own
// API key, so the console (or an operator script) needs no cloud credential. Org admins' sessions
// and the LOCAL_ADMIN_TOKEN only, as at the cloud, where only admins may start one. The cloud's
// answer is passed on; the sync's results arrive as directory events like every other change.
import { DirectorySyncViewSchema, StartedSyncSchema, StartSyncBodySchema } from '@dtg/contracts';
import { AppError, notFound, type ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { CloudRequestError, type CloudAnswer, type CloudClient } from '../../cloud/cloud-client';
import { REFUSALS, type Access } from '../../http/access';

const SyncParamsSchema = DirectorySyncViewSchema.pick({ id: true }).extend({
  id: DirectorySyncViewSchema.shape.id
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
});

export function directorySyncRoutes(api: ApiRegistry, access: Access, cloud: CloudClient): Router {
  const router = Router();
  const tags = ['directory'];
  const upstream = { 502: { description: 'The cloud could not be reached, or refused (its answer is in the detail).' } };
  api.add(
    router,
    {
      ...access.admin,
      method: 'post',
      path: '/api/directory/sync',
      summary: 'Start a directory sync at the cloud (or get the one running). Org admins and LOCAL_ADMIN_TOKEN.',
      tags,
      input: { body: StartSyncBodySchema },
      responses: {
        202: { description: 'Started (or already running).', schema: StartedSyncSchema },
        400: { description: 'Bad body.' },
        ...REFUSALS,
        ...upstream,
      },
    },
    async ({ body }, _req, res) => {
      res.status(202).json(StartedSyncSchema.parse(await relay(() => cloud.startDirectorySync(body ?? {}))));
    },
  );
  api.add(
    router,
    {
      ...access.admin,
      method: 'get',
      path: '/api/directory/sync/:id',
      summary: "A directory sync's progress, as the cloud reports it.",
      tags,
      input: { params: SyncParamsSchema },
      responses: { 200: { description: 'The sync.', schema: DirectorySyncViewSchema }, ...REFUSALS, 404: { description: 'No such sync.' }, ...upstream },
    },
    async ({ params }, _req, res) => {
      res.json(DirectorySyncViewSchema.parse(await relay(() => cloud.directorySync(params.id))));
    },
  );
  return router;
}

async function relay(call: () => Promise<CloudAnswer<unknown>>): Promise<unknown> {
  let answer: CloudAnswer<unknown>;
  try {
    answer = await call();
  } catch (error) {
    if (error instanceof CloudRequestError)
      throw new AppError('upstream_error', 'The cloud gateway could not be reached for the directory sync.', { cause: error });
    throw error;
  }
  if (answer.ok) return answer.value;
  if (answer.status === 404) throw notFound('The cloud knows no such directory sync.');
  const detail = (answer.body as { detail?: unknown } | undefined)?.detail;
  throw new AppError('upstream_error', `The cloud refused the directory sync (HTTP ${answer.status}${typeof detail === 'string' ? `: ${detail}` : ''}).`);
}
