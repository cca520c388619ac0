// A directory sync (a cloud job): started with POST /v1/directory/sync at the cloud, or through a
// local store's POST /api/directory/sync, which relays it.
import { z } from 'zod';

export const StartSyncBodySchema = z
  .object({
    /** Emit every user and department seen, not only the changes (a local store rebuilding from scratch). */
    full: z.boolean().optional(),
  })
  .strict()
  .optional();

export const DirectorySyncStatusSchema = z.enum(['running', 'completed', 'failed']);

export const DirectorySyncViewSchema = z.object({
  id: z.string(),
  status: DirectorySyncStatusSchema,
  departmentsSeen: z.number().int(),
  usersSeen: z.number().int(),
  usersRemoved: z.number().int(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
});
export type DirectorySyncView = z.infer<typeof DirectorySyncViewSchema>;

export const StartedSyncSchema = DirectorySyncViewSchema.pick({ id: true, status: true });
