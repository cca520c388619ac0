import type { Express } from 'express';
import { ApiRegistry, createMetricsRegistry, createServiceApp, openApiRoutes } from '@dtg/service-kit';
import { pendingMigrations } from '@dtg/prisma-migrate';
import { registerLockWaitMetrics } from './db/lock-wait-metrics';
import { migrationsFor } from './db/migrations';
import { adminRoutes } from './features/admin/admin.routes';
import { authenticate } from './features/auth/authenticate.middleware';
import { cors } from './features/auth/cors.middleware';
import { userTokensRoutes } from './features/auth/user-tokens.routes';
import { callbackRoutes } from './features/callbacks/callback.routes';
import { directoryRoutes } from './features/directory/directory.routes';
import { inAppRoutes } from './features/login/in-app.routes';
import { loginTicketsRoutes } from './features/login/login-tickets.routes';
import { loginRateLimit } from './features/login/login-rate-limit';
import { loginRoutes } from './features/login/login.routes';
import { mediaRoutes } from './features/media/media.routes';
import { messagesRoutes } from './features/messages/messages.routes';
import { eventsRoutes } from './features/outbox/events.routes';
import { registerOpsMetrics } from './features/ops/ops-metrics';
import { operatorConsoleRoutes } from './features/operators/console/console.routes';
import { operatorSessionRoutes } from './features/operators/operator-session.routes';
import { operatorViewsRoutes } from './features/operators/operator-views.routes';
import { registerStreamGauge } from './features/stream/stream-metrics';
import { usersRoutes } from './features/users/users.routes';
import type { CloudServices } from './services';
import { VERSION } from './version';

const OPENAPI_INFO = {
  title: 'DingTalk cloud gateway',
  version: VERSION,
  description: 'Multi-tenant DingTalk login, directory and work notifications; events pushed as Standard Webhooks or pulled.',
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'A tenant API key (dtg_…) or a user token (dtgu_…)' },
    admin: {
      type: 'http',
      scheme: 'bearer',
      description: "The ADMIN_TOKEN; or an operator's console session (cookie dtg_operator, with x-csrf-token on changes; viewers may only read)",
    },
  },
};

export function createApp(s: CloudServices): Express {
  const registry = createMetricsRegistry('cloud-gateway');
  registerStreamGauge(registry, s.stream);
  registerLockWaitMetrics(registry, s.lockWaits);
  registerOpsMetrics(registry, s.sqldb);
  s.dingtalkCalls.register(registry);
  s.callBudget.register(registry, s.tenants);
  s.dispatcher.registerMetrics(registry);
  s.jobs.registerMetrics(registry);
  s.ops.register(registry);
  s.retention.register(registry);
  const app = createServiceApp({
    logger: s.logger,
    registry,
    metricsToken: s.config.METRICS_TOKEN,
    trustProxy: s.config.TRUST_PROXY,
    health: {
      version: VERSION,
      logger: s.logger,
      checks: {
        db: async () => {
          const pending = await pendingMigrations(migrationsFor(s.config.CLOUD_DATABASE_URL).dir, (text) => s.sqldb.read(async (sql) => await sql.all(text)));
          if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
        },
      },
    },
    routes: (app) => {
      const api = new ApiRegistry();
      // Each feature's router is mounted under its own prefix (ApiRegistry.mount): Express enters it
      // only for paths under that prefix.
      const secureCookies = new URL(s.config.PUBLIC_URL).protocol === 'https:';
      // The console's page and sign-in before the admin API: their paths are under /admin too.
      api.mount(app, operatorConsoleRoutes(api));
      api.mount(app, operatorSessionRoutes(s, api, { secureCookies }));
      api.mount(app, operatorViewsRoutes(s, api));
      api.mount(app, adminRoutes(s, api));
      api.mount(app, callbackRoutes(s, api, registry));
      const rateLimit = loginRateLimit(s.rateLimiters, { perClient: s.config.RATE_LIMIT_LOGIN_PER_CLIENT, perTenant: s.config.RATE_LIMIT_LOGIN_PER_TENANT });
      api.mount(app, loginRoutes({ login: s.login.service, strategies: s.login.strategies, logger: s.logger, rateLimit, secureCookies }, api));
      app.use('/v1', cors());
      const auth = authenticate({ sqldb: s.sqldb, userTokenSecret: s.config.USER_TOKEN_SECRET });
      // Before the blanket authenticate: this route must have matched when a refusal is logged,
      // so its path is logged as /v1/login-tickets/:ticket and never with the ticket in it.
      api.mount(app, loginTicketsRoutes(s.login.service, api, auth));
      api.mount(app, inAppRoutes({ login: s.login.service, dingtalk: s.dingtalk, tenants: s.tenants }, api, auth));
      app.use('/v1', auth);
      api.mount(app, eventsRoutes(s.sqldb, api));
      api.mount(app, usersRoutes(s.users, api));
      api.mount(app, directoryRoutes(s.directory, api));
      api.mount(app, messagesRoutes(s.messages, api));
      api.mount(app, mediaRoutes({ dingtalk: s.dingtalk, tenants: s.tenants }, api));
      api.mount(app, userTokensRoutes(s.revocations, api));
      // Last: its document lists every route added above.
      app.use(openApiRoutes(OPENAPI_INFO, api));
    },
  });
  // No ETag from res.send: hashing every JSON answer (SHA-1, on the event loop) buys nothing here,
  // where no client revalidates API answers, and most of them answer POSTs, which are never fresh.
  // The console's files carry an ETag of their own and still get their 304s.
  app.set('etag', false);
  return app;
}
