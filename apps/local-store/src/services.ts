// Plain factories wiring the store's services together (no DI framework): main.ts and the tests
// build the same graph.
import type { Logger, Registry } from '@dtg/service-kit';
import { retryPolicy } from '@dtg/webhook-signing';
import type { CloudClient } from './cloud/cloud-client';
import type { Config } from './config';
import type { Database } from './db/database';
import { createCatchUpWorker, type CatchUpWorker } from './features/catch-up/catch-up.worker';
import { createChangesService, type ChangesService } from './features/changes/changes.service';
import { createCursorTracker, type CursorTracker } from './features/catch-up/cursor-tracker';
import { createDirectoryService, type DirectoryService } from './features/directory/directory.service';
import { createDeliveryMetrics } from './features/events/delivery-metrics';
import { registerStoreHealthMetrics } from './features/events/store-health-metrics';
import { createEventIngest, type EventIngest } from './features/events/event-ingest.service';
import { MessageRelay } from './features/messages/message-relay.worker';
import { createMessageSending, type MessageSending } from './features/messages/message-send.service';
import { createMessagesService, type MessagesService } from './features/messages/messages.service';
import { startSessionSweeper } from './features/session/session-sweeper';
import { createEndpointSender, type EndpointSender } from './features/subscriptions/endpoint-sender';
import { SubscriptionDispatcher } from './features/subscriptions/subscription-dispatcher';
import { createSubscriptions, type Subscriptions } from './features/subscriptions/subscriptions.service';
import { createSessionService, type SessionService } from './features/session/session.service';
import { createTokenRevoker, type TokenRevoker } from './features/session/token-revoker';
import { createServiceTokens, type ServiceTokens } from './features/tokens/service-tokens.service';
import { createOidcService, type OidcService } from './features/oidc/oidc.service';
import { createSecretBox, storeEncryptionKey } from './shared/secret-box';

export interface Services {
  /** The cloud's API with the tenant key (relays of directory syncs use it directly). */
  cloud: CloudClient;
  ingest: EventIngest;
  tracker: CursorTracker;
  catchUp: CatchUpWorker;
  sessions: SessionService;
  revoker: TokenRevoker;
  tokens: ServiceTokens;
  changes: ChangesService;
  subscriptions: Subscriptions;
  dispatcher: SubscriptionDispatcher;
  directory: DirectoryService;
  messages: MessagesService;
  sending: MessageSending;
  relay: MessageRelay;
  /** The OpenID Connect provider (when LOCAL_PUBLIC_URL names the issuer) and its clients. */
  oidc: OidcService;
  /** Starts background work: catch-up now and on its timer, subscription pushes, relaying sends, the cloud-token revoker and the session sweeper. */
  start(): void;
  /** Stops background work; the database stays open. */
  stop(): Promise<void>;
}

export interface ServicesDeps {
  config: Config;
  db: Database;
  cloud: CloudClient;
  logger: Logger;
  /** Where delivery metrics are registered (the same registry the app serves on /metrics). */
  registry: Registry;
  /** How long a gap behind pushed events may last before it is pulled. Default 2000 ms. */
  gapGraceMs?: number;
  /** How subscription pushes leave (tests count them). Default: node:http(s) with keep-alive. */
  send?: EndpointSender;
}

export function createServices(deps: ServicesDeps): Services {
  const { config, db, cloud, logger } = deps;
  const metrics = createDeliveryMetrics(deps.registry);
  registerStoreHealthMetrics(deps.registry, db.sql);
  const tracker = createCursorTracker({
    sql: db.sql,
    tenantId: config.tenantId,
    logger,
    gapGraceMs: deps.gapGraceMs ?? 2000,
    // Only ever called from a timer, after catchUp below exists.
    onGap: () => catchUp.trigger(),
    onCursor: (seq) => metrics.cursor(seq),
  });
  const dispatcher = new SubscriptionDispatcher({
    sql: db.sql,
    tenantId: config.tenantId,
    logger,
    send: deps.send ?? createEndpointSender(config.subscriptions.concurrency * 2),
    policy: retryPolicy(config.subscriptions.retryScheduleMs),
    timeoutMs: config.subscriptions.timeoutMs,
    concurrency: config.subscriptions.concurrency,
    pollIntervalMs: config.subscriptions.pollIntervalMs,
  });
  const ingest = createEventIngest({
    pool: db.pool,
    tenantId: config.tenantId,
    logger,
    metrics,
    onSettled: (seqs) => tracker.noteSettled(seqs),
    onChanged: () => dispatcher.kick(),
  });
  const relay = new MessageRelay({
    pool: db.pool,
    sql: db.sql,
    cloud,
    tenantId: config.tenantId,
    logger,
    pollIntervalMs: 1_000,
    onChanged: () => dispatcher.kick(),
  });
  const catchUp = createCatchUpWorker({
    cloud,
    ingest,
    tracker,
    logger,
    intervalMs: config.pullIntervalMs,
    onCloudSeq: (seq) => metrics.cloudSeq(seq),
  });
  const revoker = createTokenRevoker({ sql: db.sql, cloud, tenantId: config.tenantId, logger });
  const sessions = createSessionService({
    db,
    cloud,
    login: { tenantId: config.tenantId, cloudPublicUrl: config.cloudPublicUrl, cookieSecure: config.cookieSecure },
    sessionTtlMs: config.sessionTtlMs,
    onRevocation: () => revoker.trigger(),
  });
  const secretKey = storeEncryptionKey(config.encryptionKey, config.cloudApiKey);
  const oidc = createOidcService({
    db,
    tenantId: config.tenantId,
    box: createSecretBox(secretKey),
    secretKey,
    settings: { issuer: config.localPublicUrl, trustProxy: config.trustProxy !== undefined && config.trustProxy !== false },
    logger,
    // Signing out of an app (RP-initiated logout) signs out of the store too: one sign-in, one sign-out.
    endStoreSession: (sessionId) => sessions.end(sessionId),
  });
  let stopSweeper: (() => void) | undefined;
  return {
    cloud,
    ingest,
    tracker,
    catchUp,
    sessions,
    revoker,
    tokens: createServiceTokens(db.sql, config.tenantId),
    changes: createChangesService(db.sql, config.tenantId),
    subscriptions: createSubscriptions(db, config.tenantId, () => dispatcher.kick()),
    dispatcher,
    directory: createDirectoryService(db, config.tenantId),
    messages: createMessagesService(db, config.tenantId),
    sending: createMessageSending({
      pool: db.pool,
      tenantId: config.tenantId,
      onQueued: () => {
        relay.kick();
        dispatcher.kick();
      },
    }),
    relay,
    oidc,
    start() {
      catchUp.start();
      dispatcher.start();
      relay.start();
      revoker.start();
      oidc.start();
      stopSweeper ??= startSessionSweeper(db, logger);
    },
    async stop() {
      stopSweeper?.();
      oidc.stop();
      await revoker.stop();
      await catchUp.stop();
      await tracker.stop();
      await relay.stop();
      await dispatcher.stop();
    },
  };
}
