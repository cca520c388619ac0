import { z } from 'zod';
import { AppError, type FieldError } from './app-error';
import { ERROR_STATUS, type ErrorCode } from './error-codes';

const GENERIC_DETAIL = 'An unexpected error occurred.';

/** Field errors from zod issues; `prefix` is the request location (`body`, `query`, …) when known. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix?: string): FieldError[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== undefined).join('.'),
    message: issue.message,
  }));
}

// body-parser reports through http-errors with a `type`; these are the client's fault, not ours.
const BODY_PARSER_CODES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'malformed_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_media_type',
  'charset.unsupported': 'unsupported_media_type',
  'request.aborted': 'bad_request',
  'request.size.invalid': 'bad_request',
};

const BODY_PARSER_DETAILS: Partial<Record<ErrorCode, string>> = {
  malformed_json: 'The request body is not valid JSON.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'The request body encoding or charset is not supported.',
};

/**
 * Classifies anything thrown; whatever is not recognised is a bug and becomes a generic 500.
 * A ZodError is one of those: only the input parser (validation/validate.middleware.ts) turns a
 * failed parse into a 400, as an AppError naming the fields. A schema that fails anywhere else is
 * parsing the service's own data (an event, a job payload, a row, an upstream answer), and
 * reporting that as the client's mistake would hide the bug behind an info line.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const clientCode = bodyParserCode(error);
  if (clientCode) {
    return new AppError(clientCode, BODY_PARSER_DETAILS[clientCode] ?? 'The request could not be read.', { cause: error });
  }
  return new AppError('internal', GENERIC_DETAIL, { cause: error });
}

function bodyParserCode(error: unknown): ErrorCode | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (typeof type === 'string' && BODY_PARSER_CODES[type]) return BODY_PARSER_CODES[type];
  // Other http-errors thrown by Express plumbing carry a 4xx status; map it onto our table.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const match = Object.entries(ERROR_STATUS).find(([, mapped]) => mapped === status);
    return (match?.[0] as ErrorCode | undefined) ?? 'bad_request';
  }
  return undefined;
}
