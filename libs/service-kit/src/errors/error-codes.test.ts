import { AppError, conflict, forbidden, notFound, unauthorized, validationError } from './app-error';
import { ERROR_CODES, ERROR_STATUS, errorTitle } from './error-codes';

// The table itself is the contract (error-codes.ts); these tests hold what must be true of any row
// rather than typing the table a second time.
describe('ERROR_STATUS', () => {
  it('maps every code, in snake_case, to an HTTP error status the code names', () => {
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      const status = ERROR_STATUS[code];
      expect([code, status >= 400 && status <= 599]).toEqual([code, true]);
    }
    // The classes clients branch on: input, auth, missing, and ours versus upstream.
    expect([ERROR_STATUS.validation_failed, ERROR_STATUS.unauthorized, ERROR_STATUS.not_found, ERROR_STATUS.internal, ERROR_STATUS.upstream_error]).toEqual([
      400, 401, 404, 500, 502,
    ]);
  });

  it.each(ERROR_CODES)('an AppError with code %s takes its status from the table', (code) => {
    expect(new AppError(code, 'detail').status).toBe(ERROR_STATUS[code]);
  });

  it('derives readable titles from codes', () => {
    expect(errorTitle('validation_failed')).toBe('Validation failed');
    expect(errorTitle('route_not_found')).toBe('Route not found');
  });
});

describe('error helpers', () => {
  it('build AppErrors with the right code and status', () => {
    expect([notFound('x'), unauthorized('x'), forbidden('x'), conflict('x')].map((e) => [e.code, e.status])).toEqual([
      ['not_found', 404],
      ['unauthorized', 401],
      ['forbidden', 403],
      ['conflict', 409],
    ]);
  });

  it('validationError carries the fields and names them in the detail', () => {
    const error = validationError([{ path: 'body.name', message: 'Required' }]);
    expect(error).toMatchObject({ code: 'validation_failed', status: 400, fields: [{ path: 'body.name', message: 'Required' }] });
    expect(error.detail).toContain('body.name');
  });

  it('keeps the wrapped cause', () => {
    const cause = new Error('socket hang up');
    expect(new AppError('upstream_error', 'DingTalk failed', { cause }).cause).toBe(cause);
  });
});
