import { CHANGE_SUMMARIES, CHANGE_TYPES, ChangeEventSchemas } from '@dtg/contracts';
import { ApiRegistry, createServiceApp, openApiRoutes, type Logger, type Registry } from '@dtg/service-kit';
import type { Express } from 'express';
import type { Config } from './config';
import type { Database } from './db/database';
import { pendingMigrationNames } from './db/migrate';
import { changesRoutes } from './features/changes/changes.routes';
import { consoleRoutes } from './features/console/console.routes';
import { directorySyncRoutes } from './features/directory/directory-sync.routes';
import { mediaRelay } from './features/media/media-relay.service';
import { mediaRoutes } from './features/media/media.routes';
import { directoryRoutes } from './features/directory/directory.routes';
import { deadEventsRoutes } from './features/events/dead-events.routes';
import { eventsRoutes, WEBHOOK_BODY_LIMIT, WEBHOOK_PATH } from './features/events/events.routes';
import { messagesRoutes } from './features/messages/messages.routes';
import { oidcClientsRoutes } from './features/oidc/oidc-clients.routes';
import { oidcRoutes } from './features/oidc/oidc.routes';
import { inAppRoutes } from './features/session/in-app.page';
import { sessionRoutes } from './features/session/session.routes';
import { subscriptionsRoutes } from './features/subscriptions/subscriptions.routes';
import { tokensRoutes } from './features/tokens/tokens.routes';
import { createAccess, SECURITY_SCHEMES } from './http/access';
import { callerResolver } from './http/caller';
import type { Services } from './services';

export interface AppDeps {
  config: Config;
  db: Database;
  services: Services;
  logger: Logger;
  registry: Registry;
  version: string;
}

/** The HTTP app; no listening, no background work (main.ts and the tests do that). */
export function createApp(deps: AppDeps): Express {
  const { config, db, services } = deps;
  const api = new ApiRegistry();
  const access = createAccess(callerResolver({ tokens: services.tokens, sessions: services.sessions, adminToken: config.localAdminToken }), services.sessions);
  const events = eventsRoutes(api, access, services.ingest, config.webhookSecrets);
  return createServiceApp({
    logger: deps.logger,
    registry: deps.registry,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    rawBodyPaths: [WEBHOOK_PATH],
    // A message's dispatched and completed events carry every recipient: ~4 MB for 100,000.
    jsonLimitsByPath: { [WEBHOOK_PATH]: WEBHOOK_BODY_LIMIT },
    health: {
      version: deps.version,
      checks: {
        database: async () => {
          await db.sql.query('SELECT 1');
        },
        migrations: async () => {
          const pending = await pendingMigrationNames(db.sql);
          if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
        },
      },
    },
    routes: (app) => {
      app.use(WEBHOOK_PATH, events.bodyErrors);
      app.use(events.router);
      app.use(
        sessionRoutes(api, access, services.sessions, {
          cookieSecure: config.cookieSecure,
          rateLimit: config.sessionRateLimit,
          publicUrl: config.localPublicUrl,
          jsapiUrl: config.dingtalkJsapiUrl,
        }),
      );
      app.use(inAppRoutes(api, access, config.dingtalkJsapiUrl));
      app.use(directoryRoutes(api, access, services.directory));
      app.use(messagesRoutes(api, access, services.messages, services.sending));
      app.use(directorySyncRoutes(api, access, services.cloud));
      app.use(mediaRoutes(api, access, mediaRelay(services.cloud)));
      app.use(deadEventsRoutes(api, access, db));
      app.use(tokensRoutes(api, access, services.tokens));
      app.use(changesRoutes(api, access, services.changes));
      app.use(subscriptionsRoutes(api, access, services.subscriptions));
      app.use(oidcClientsRoutes(api, access, services.oidc.clients));
      app.use(oidcRoutes(api, access, services.oidc, services.sessions, { cookieSecure: config.cookieSecure }));
      app.use(consoleRoutes(api, access, config));
      app.use(
        openApiRoutes(
          {
            title: 'DingTalk gateway — local store',
            version: deps.version,
            securitySchemes: SECURITY_SCHEMES,
            // Change events, pushed to subscription endpoints as Standard Webhooks (also served by GET /api/changes).
            webhooks: Object.fromEntries(CHANGE_TYPES.map((type) => [type, { summary: CHANGE_SUMMARIES[type], schema: ChangeEventSchemas[type] }])),
          },
          api,
        ),
      );
    },
  });
}
