import { z } from 'zod';

/** DingTalk's root department. */
export const ROOT_DEPT_ID = 1;

/**
 * Where a running sync is, persisted after every step: a breadth-first walk of departments
 * (the head of `queue` is in progress: first its sub-departments, then its members page by page),
 * then the removal phases for whatever the walk did not meet.
 */
export const SyncProgressSchema = z.object({
  /** Emit everything seen, not only what changed since the last sync. */
  full: z.boolean(),
  phase: z.enum(['walk', 'remove-users', 'remove-departments']),
  queue: z.array(z.number().int()),
  /** The head's sub-departments were listed already. */
  listed: z.boolean(),
  /** Cursor of the head's member list (DingTalk v2/user/list). */
  cursor: z.number().int().nonnegative(),
});
export type SyncProgress = z.infer<typeof SyncProgressSchema>;

export function initialProgress(full: boolean): SyncProgress {
  return { full, phase: 'walk', queue: [ROOT_DEPT_ID], listed: false, cursor: 0 };
}

/** The walk moves on from the head department (or on to the removals when none is left). */
export function nextDepartment(p: SyncProgress): SyncProgress {
  const queue = p.queue.slice(1);
  return queue.length > 0 ? { ...p, queue, listed: false, cursor: 0 } : { ...p, phase: 'remove-users', queue: [], listed: false, cursor: 0 };
}
