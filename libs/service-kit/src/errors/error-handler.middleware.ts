import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { loggablePath } from '../app/route-pattern';
import { REQUEST_ID_HEADER } from '../context/request-context.middleware';
import type { Logger } from '../logging/create-logger';
import { AppError } from './app-error';
import { errorTitle } from './error-codes';
import { PROBLEM_TYPE_BASE, type Problem } from './problem.schema';
import { toAppError } from './to-app-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Unknown routes become a problem instead of Express's HTML page. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError('route_not_found', `No route for ${req.method} ${req.path}.`));
}

/** The edge: every error is logged here exactly once and answered as application/problem+json. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    logOnce(logger, req, appError, error);
    if (res.headersSent) {
      // Part of the body is already out; the only honest signal left is a broken connection.
      res.destroy();
      return;
    }
    sendProblem(res, appError);
  };
}

/** The problem+json body of an error: one shape for Express's answers and the raw-socket ones. */
export function problemOf(error: AppError, requestId: string): Problem {
  const problem: Problem = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: errorTitle(error.code),
    status: error.status,
    detail: error.detail,
    code: error.code,
    requestId,
  };
  if (error.fields) problem.errors = error.fields;
  if (error.permission) problem.missingPermission = error.permission;
  if (error.dingtalk) problem.dingtalk = error.dingtalk;
  if (error.prunedThrough !== undefined) problem.prunedThrough = error.prunedThrough;
  return problem;
}

function sendProblem(res: Response, error: AppError): void {
  if (error.headers) res.set(error.headers);
  res
    .status(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .json(problemOf(error, String(res.getHeader(REQUEST_ID_HEADER) ?? '')));
}

// Keys avoid the redaction list on purpose: `code`/`statusCode` would be masked as secrets.
function logOnce(logger: Logger, req: Request, error: AppError, thrown: unknown): void {
  const fields = { problem: error.code, status: error.status, method: req.method, path: loggablePath(req) };
  if (error.status >= 500) {
    logger.error(error.status === 500 ? 'unhandled error' : error.detail, { ...fields, err: thrown });
  } else {
    logger.info(error.detail, {
      ...fields,
      ...(error.fields ? { errors: error.fields } : {}),
      ...(error.permission ? { missingPermission: error.permission } : {}),
    });
  }
}
