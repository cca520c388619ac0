import type { RequestHandler } from 'express';
import type winston from 'winston';
import type { World } from '../world';
import { hostOf } from './host';
import { locals } from './http-locals';
import { queryOf } from './endpoint';

/**
 * Records every DingTalk-facing request (control-plane calls are not part of the world) and, when
 * logging is on, prints one line per request: method, path, outcome, client — never bodies,
 * query strings or headers, which carry secrets and tokens.
 */
export function requestRecorder(world: World, logger?: winston.Logger): RequestHandler {
  return (req, res, next) => {
    if (hostOf(req.path) === 'control') return next();
    const started = performance.now();
    const body = locals(res).body;
    const entry = world.requests.open({
      atMs: world.clock.now(),
      method: req.method,
      path: req.path,
      query: queryOf(req),
      body: body.kind === 'json' || body.kind === 'form' ? body.value : body.kind === 'invalid' ? body.text : null,
    });
    locals(res).logEntry = entry;
    if (logger) {
      res.on('close', () => {
        const outcome = entry.errcode !== undefined ? ` errcode=${entry.errcode}` : entry.code !== undefined ? ` code=${entry.code}` : '';
        const fault = entry.fault !== undefined ? ` fault=${entry.fault}` : '';
        logger.info(
          `${req.method} ${req.path} ${entry.httpStatus}${outcome}${fault} client=${entry.clientKey ?? '-'} ${Math.round(performance.now() - started)}ms`,
        );
      });
    }
    next();
  };
}
