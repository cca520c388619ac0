import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { decodeCursor, nextCursor } from './page-cursor';

const Position = z.object({ userid: z.string().min(1) });
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

function refusal(cursor: string): AppError {
  try {
    decodeCursor(cursor, Position);
  } catch (err) {
    return err as AppError;
  }
  throw new Error(`cursor ${cursor} was accepted`);
}

describe('page cursors', () => {
  it('when a page has more, then its cursor decodes to the position of its last item', () => {
    const cursor = nextCursor([{ userid: 'a' }, { userid: 'b' }], true, (last) => ({ userid: last.userid }));
    expect(cursor).not.toBeNull();
    expect(decodeCursor(cursor as string, Position)).toEqual({ userid: 'b' });
  });

  it('when a page is the last one (or empty), then there is no cursor', () => {
    expect(nextCursor([{ userid: 'a' }], false, (last) => last)).toBeNull();
    expect(nextCursor([], true, (last) => last)).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'bm90IGpzb24'],
    ['JSON of another shape', encode({ seq: 3 })],
    ['a NUL in a value', encode({ userid: 'a\u0000b' })],
  ])('when the cursor is %s, then it is a 400 naming query.cursor', (_case, cursor) => {
    const err = refusal(cursor);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(400);
    expect(err.fields).toEqual([{ path: 'query.cursor', message: 'is not a cursor returned by this API' }]);
  });
});
