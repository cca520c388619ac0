// Keyset cursors are opaque to clients (base64url JSON) so the sort key can change without
// breaking anyone who just passes `nextCursor` back.
import { validationError } from '@dtg/service-kit';
import type { z } from 'zod';

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** A cursor that does not decode to `schema` is the caller's mistake: 400 naming query.cursor. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(parseJson(Buffer.from(cursor, 'base64url').toString('utf8')));
  if (!parsed.success) throw validationError([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the schema check above turns this into the caller-facing error.
    return undefined;
  }
}
