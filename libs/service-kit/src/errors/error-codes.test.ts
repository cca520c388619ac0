import { AppError, conflict, forbidden, notFound, unauthorized, validationError } from './app-error';
import { ERROR_CODES, ERROR_STATUS, errorTitle, type ErrorCode } from './error-codes';

const EXPECTED: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  missing_permission: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  upstream_error: 502,
  dingtalk_setup: 502,
  unavailable: 503,
  database_busy: 503,
  upstream_timeout: 504,
};

describe('ERROR_STATUS', () => {
  it('maps every code to its HTTP status', () => {
    expect(ERROR_STATUS).toEqual(EXPECTED);
  });

  it.each(ERROR_CODES)('an AppError with code %s takes its status from the table', (code) => {
    expect(new AppError(code, 'detail').status).toBe(EXPECTED[code]);
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
