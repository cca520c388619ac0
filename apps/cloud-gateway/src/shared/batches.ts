/** `items` in consecutive slices of at most `size` (SQLite's parameter bound, an event's batch size). */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One `?` per item, for `IN (…)` lists built from a batch. */
export function marks(items: readonly unknown[]): string {
  return items.map(() => '?').join(', ');
}
