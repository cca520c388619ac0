import { RecipientStatusSchema, type RecipientCounts, type RecipientStatus } from '@dtg/contracts';

/** Every status present, zero when no recipient is in it, so clients need no defaulting. */
export function toRecipientCounts(perStatus: ReadonlyMap<RecipientStatus, number> | undefined): RecipientCounts {
  const counts = Object.fromEntries(RecipientStatusSchema.options.map((status) => [status, 0])) as RecipientCounts;
  for (const [status, count] of perStatus ?? []) counts[status] = count;
  return counts;
}
