// How each stored SQLite value becomes a Postgres parameter in `admin db copy-to-postgres`, for the
// shapes a cloud's file can hold (the copy test covers what the cloud writes today).
import { toPostgres } from './column-values';

describe('SQLite values as Postgres parameters', () => {
  it('when a DateTime is unix milliseconds (integer or REAL) or SQLite CURRENT_TIMESTAMP text, then it is the same instant in UTC', () => {
    expect(toPostgres(1765000000123n, 'timestamp with time zone', 'T.at')).toBe('2025-12-06T05:46:40.123Z');
    expect(toPostgres(1765000000123, 'timestamp with time zone', 'T.at')).toBe('2025-12-06T05:46:40.123Z');
    expect(toPostgres('2026-12-06 20:01:02', 'timestamp with time zone', 'T.at')).toBe('2026-12-06T20:01:02.000Z');
    expect(() => toPostgres('soon', 'timestamp with time zone', 'T.at')).toThrow('T.at: "soon" is not a date');
  });

  it('when integers arrive as bigints, then 32-bit columns get numbers, 64-bit ones exact strings, booleans true/false', () => {
    expect(toPostgres(2147483647n, 'integer', 'T.n')).toBe(2147483647);
    expect(() => toPostgres(2147483648n, 'integer', 'T.n')).toThrow('T.n: 2147483648 (bigint) does not fit a Postgres integer column');
    expect(toPostgres(9007199254740993n, 'bigint', 'T.taskId')).toBe('9007199254740993');
    expect([toPostgres(0n, 'boolean', 'T.b'), toPostgres(1n, 'boolean', 'T.b')]).toEqual([false, true]);
    expect(() => toPostgres(2n, 'boolean', 'T.b')).toThrow('does not fit a Postgres boolean column');
  });

  it('when text is sealed or empty, then it passes untouched; NULL stays NULL; a blob in a text column is refused', () => {
    expect(toPostgres('v1.k1.AAEC.+/=', 'text', 'T.secretEnc')).toBe('v1.k1.AAEC.+/=');
    expect(toPostgres('', 'text', 'T.s')).toBe('');
    expect(toPostgres(null, 'integer', 'T.n')).toBeNull();
    expect(() => toPostgres(Buffer.from('x'), 'text', 'T.s')).toThrow('T.s:');
  });
});
