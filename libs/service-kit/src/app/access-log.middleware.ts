import type { RequestHandler, Response } from 'express';
import { getContext } from '../context/request-context';
import type { Logger } from '../logging/create-logger';
import { loggablePath } from './route-pattern';

// Probes hit these every few seconds; at info they would drown the useful lines.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const ROUTINE = Symbol('routine request');

/**
 * Marks this request as routine polling that found nothing (e.g. a store's pull of an empty page
 * every few seconds): its access line is written at debug, so info shows only requests that did something.
 */
export function logAsRoutine(res: Response): void {
  (res.locals as Record<symbol, boolean>)[ROUTINE] = true;
}

/** One line per request once the response is done (or the client went away). The query string is left out (it can carry OAuth codes), and so are credentials in the path. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    // Below info there is no line to write: no listener, no timer (this runs on every request).
    if (!logger.isLevelEnabled('info')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    const path = req.path;
    // Taken now: when the client aborts, 'close' fires in the socket's async context, which has no
    // request id. The store object is the request's own, so a tenant set later is seen too.
    const context = getContext();
    res.on('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = QUIET_PATHS.has(path) || (res.locals as Record<symbol, boolean>)[ROUTINE] ? 'debug' : 'info';
      const fields = {
        method: req.method,
        path: loggablePath(req, path),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        requestId: context?.requestId,
        tenantId: context?.tenantId,
      };
      logger.log(level, 'request', res.writableFinished ? fields : { ...fields, aborted: true });
    });
    next();
  };
}
