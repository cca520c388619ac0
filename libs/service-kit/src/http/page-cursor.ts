// Keyset cursors are opaque to clients (base64url JSON) so the sort key can change without
// breaking anyone who just passes `nextCursor` back.
import type { z } from 'zod';
import { validationError } from '../errors/app-error';
import { parseJson } from '../validation/parse-json';

function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** A cursor that does not decode to `schema` is the caller's mistake: 400 naming query.cursor. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  const position = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  // A NUL (Postgres text cannot hold one) is never in a cursor this API made.
  const parsed = hasNul(position) ? undefined : schema.safeParse(position);
  if (!parsed?.success) throw validationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
  return parsed.data;
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/** The cursor after the last item of a page that has more, or null on the last page. */
export function nextCursor<T>(items: readonly T[], hasMore: boolean, positionOf: (last: T) => unknown): string | null {
  const last = items.at(-1);
  return hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null;
}
