import { AsyncResource } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/create-logger';
import { loggablePath, trackRoutePattern } from './route-pattern';

// Probes hit these every few seconds; at info they would drown the useful lines.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** One line per request once the response is done (or the client went away). The query string is left out (it can carry OAuth codes), and so are credentials in the path. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.path;
    trackRoutePattern(req);
    // Bound: when the client aborts, 'close' fires from the socket's context, which has no request id.
    res.on('close', AsyncResource.bind(() => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = QUIET_PATHS.has(path) ? 'debug' : 'info';
      const fields = { method: req.method, path: loggablePath(req, path), status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      logger.log(level, 'request', res.writableFinished ? fields : { ...fields, aborted: true });
    }));
    next();
  };
}
