import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { requestLocale } from '@dtg/service-kit';
import type winston from 'winston';
import { isvAuthRoutes } from './auth/isv-auth.routes';
import { tokenRoutes } from './auth/token.routes';
import { callbackFailureRoutes } from './callbacks/callback-failures.routes';
import { clientRoutes } from './client/client.routes';
import { controlRoutes } from './control/control.routes';
import { worldControlRoutes } from './control/world-control.routes';
import { bodyReader } from './core/body-reader';
import { hostOf } from './core/host';
import { sendApiError, sendApiUnknownPath, sendHtml, sendOapiError } from './core/replies';
import { requestRecorder } from './core/request-recorder';
import { SimError } from './core/sim-error';
import { trafficGuard } from './limits/traffic-guard';
import { messageRoutes } from './messages/messages.routes';
import { robotRoutes } from './robot/robot.routes';
import { renderErrorPage } from './oauth/login-page.view';
import { loginRoutes } from './oauth/login.routes';
import { userTokenRoutes } from './oauth/user-token.routes';
import { directoryRoutes } from './org/directory.routes';
import { jsapiRoutes } from './org/jsapi.routes';
import { streamRoutes } from './stream/stream.routes';
import type { Simulator } from './simulator';
import { accessRoutes } from './access/access.routes';
import { mediaRoutes } from './media/upload.routes';

/** Whatever no route claimed, answered the way the host it belongs to would (PROBE P12/P14). */
const unknownPath: RequestHandler = (req, res) => {
  const host = hostOf(req.path);
  if (host === 'api') return sendApiUnknownPath(res);
  if (host === 'control') return void res.status(404).json({ error: `no control endpoint ${req.method} ${req.path}` });
  if (host === 'login') return sendHtml(res, 404, renderErrorPage(requestLocale(req), { key: 'error.notFound' }));
  const apiName = `dingtalk.oapi${req.path.replace(/^\/topapi/, '').replace(/\//g, '.')}`;
  sendOapiError(res, new SimError('unknown_error', `Invalid method, ApiName = ${apiName}`, { errcode: 22 }));
};

/**
 * Anything Express itself rejects (e.g. a path with broken percent-encoding) still gets the host's
 * own error model instead of Express's HTML error page.
 */
const lastResort: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const host = hostOf(req.path);
  const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
  const reason = status < 500 ? 'invalid_param' : 'unknown_error';
  if (status >= 500) console.error(`dingtalk-sim: unexpected error on ${req.method} ${req.path}`, err);
  const simError = new SimError(reason, status < 500 ? 'bad request' : 'system error');
  if (host === 'api') return sendApiError(res, simError);
  if (host === 'oapi') return sendOapiError(res, simError);
  if (host === 'login') return sendHtml(res, status, renderErrorPage(requestLocale(req), { key: 'error.badRequest' }));
  res.status(status).json({ error: status < 500 ? 'bad request' : 'internal simulator error' });
};

/** The simulator's HTTP face: all three DingTalk hosts and `/_sim` on one Express app. */
export function createApp(sim: Simulator, logger?: winston.Logger): Express {
  const world = sim.world;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(bodyReader);
  app.use(requestRecorder(world, logger));
  app.use(trafficGuard(world));
  app.use(controlRoutes(sim), worldControlRoutes(sim), accessRoutes(sim), clientRoutes(sim));
  app.use(loginRoutes(world), userTokenRoutes(world), tokenRoutes(world), isvAuthRoutes(world));
  app.use(
    directoryRoutes(world),
    jsapiRoutes(world),
    messageRoutes(world),
    robotRoutes(world),
    mediaRoutes(world),
    callbackFailureRoutes(world),
    streamRoutes(world),
  );
  app.use(unknownPath);
  app.use(lastResort);
  return app;
}
