// The cloud's composition root: plain factories, no DI framework. main.ts, the admin CLI and the
// tests all build the same graph from a config.
import type { Logger } from '@dtg/service-kit';
import { retryPolicy } from '@dtg/webhook-signing';
import type { CloudConfig } from './config';
import { lockWaitCounts } from './db/lock-wait-metrics';
import { openDatabase } from './db/open-database';
import { userTokenRevocations } from './features/auth/user-token-revocations';
import { createCallbacks } from './features/callbacks/callbacks.feature';
import { addressPolicy } from './features/delivery/address-policy';
import { Dispatcher } from './features/delivery/dispatcher';
import { endpointHealth } from './features/delivery/endpoint-health';
import { opsWebhooks } from './features/ops/ops-webhooks';
import { OPS_CHECK_JOB, OPS_CHECK_JOB_ID, opsChecks } from './features/ops/ops-checks';
import { tenantCheck } from './features/diagnostics/tenant-check';
import { credentialsHealth } from './features/dingtalk/credentials-health';
import { dingtalkCallMetrics } from './features/dingtalk/dingtalk-call-metrics';
import { createDingTalk } from './features/dingtalk/org-clients';
import { deliveriesService } from './features/delivery/deliveries.service';
import { createDirectory } from './features/directory/directory.feature';
import { createWebhookSender, type WebhookSender } from './features/delivery/webhook-sender';
import { JobRunner } from './features/jobs/job-runner';
import { createLogin } from './features/login/login.feature';
import { OAUTH_STATE_SWEEP_JOB, OAUTH_STATE_SWEEP_JOB_ID, oauthStateSweeper } from './features/login/oauth-state-sweeper';
import { createMessages } from './features/messages/messages.feature';
import { Outbox } from './features/outbox/outbox';
import { pingEvents } from './features/outbox/ping-events';
import { RETENTION_JOB, RETENTION_JOB_ID, retention as createRetention } from './features/retention/retention.job';
import { tenantsService } from './features/tenants/tenants.service';
import { streamConnections } from './features/stream/stream-connections';
import { usersService } from './features/users/users.service';
import { secretsAtStart } from './features/keys/secrets-at-start';
import { CallBudget } from './features/dingtalk/call-budget';
import { AUDIT_SWEEP_JOB, AUDIT_SWEEP_JOB_ID, auditLog } from './features/audit/audit-log';
import { operatorsService } from './features/operators/operators.service';
import { rateLimiters } from './shared/rate-limiters';

export interface ServiceOverrides {
  send?: WebhookSender;
  now?: () => number;
}

export async function buildServices(config: CloudConfig, logger: Logger, overrides: ServiceOverrides = {}) {
  const lockWaits = lockWaitCounts();
  const { db, sqldb, sqlite, ormStarted } = await openDatabase(
    config.CLOUD_DATABASE_URL,
    { lockWaitMs: config.CLOUD_DATABASE_LOCK_WAIT, observer: lockWaits },
    // The backstop checkpoint still bounds the WAL; a failing worker is worth a warning, not a stop.
    { onCheckpointError: (message) => logger.warn('WAL checkpoint failed', { error: message }) },
  );
  const secrets = await secretsAtStart(sqldb, config, logger).catch(async (err: unknown) => {
    await db.$disconnect();
    throw err;
  });
  const outbox = new Outbox();
  const now = overrides.now ?? Date.now;
  const jobs = new JobRunner({
    sqldb,
    logger,
    pollIntervalMs: config.JOB_POLL_INTERVAL,
    concurrency: config.JOB_CONCURRENCY,
    leaseMs: 120_000,
    maxAttempts: 8,
    now: overrides.now,
  });
  const ops = opsWebhooks({
    url: config.OPS_WEBHOOK_URL,
    secret: config.OPS_WEBHOOK_SECRET,
    sqldb,
    jobs,
    // The operator's own receiver, named in the deployment's config: it may live on a private network.
    send: overrides.send ?? createWebhookSender({ policy: addressPolicy({ allowPrivateNetworks: true }), allowPrivateNetworks: true, maxSockets: 4 }),
    timeoutMs: config.WEBHOOK_TIMEOUT,
    logger,
    now,
  });
  const revocations = userTokenRevocations(sqldb, { ttlMs: config.USER_TOKEN_TTL, now: overrides.now ?? Date.now });
  const dingtalkCalls = dingtalkCallMetrics();
  const callBudget = new CallBudget({
    sqldb,
    logger,
    defaultBudget: config.DINGTALK_MONTHLY_CALL_BUDGET,
    suiteKey: config.SUITE_KEY,
    now: overrides.now ?? Date.now,
  });
  const credentials = credentialsHealth({ sqldb, ops, logger, now });
  const dingtalk = createDingTalk(config, sqldb, secrets, {
    clock: overrides.now,
    onCall: (call) => {
      dingtalkCalls.record(call);
      callBudget.record(call);
    },
    onTokenFetch: (fetch) => {
      dingtalkCalls.tokenFetch(fetch);
      credentials.onTokenFetch(fetch);
    },
    onRateLimitWait: (wait) => dingtalkCalls.rateLimitWait(wait),
    // One token fetch per key across replicas (Postgres); on SQLite the section just runs.
    exclusive: (key, fn) => sqldb.exclusive(key, fn),
  });
  const webhookAddresses = addressPolicy({ allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS });
  const tenants = tenantsService({ sqldb, secrets, rotationGraceMs: config.SECRET_ROTATION_GRACE, webhookAddresses, now: overrides.now });
  const deliveries = deliveriesService({ sqldb, outbox });
  const health = endpointHealth({ sqldb, ops, outbox, disableAfterMs: config.ENDPOINT_DISABLE_AFTER, now });
  const dispatcher = new Dispatcher({
    sqldb,
    tenants,
    logger,
    send:
      overrides.send ??
      createWebhookSender({
        policy: webhookAddresses,
        allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
        maxSockets: config.WEBHOOK_CONCURRENCY_PER_TENANT * 4,
      }),
    addresses: webhookAddresses,
    policy: retryPolicy(config.WEBHOOK_RETRY_SCHEDULE),
    timeoutMs: config.WEBHOOK_TIMEOUT,
    concurrencyPerTenant: config.WEBHOOK_CONCURRENCY_PER_TENANT,
    pollIntervalMs: config.DISPATCH_POLL_INTERVAL,
    health,
    ops,
    now: overrides.now,
  });
  outbox.onCommitted(() => dispatcher.kick());
  const checks = opsChecks({ health, intervalMs: config.OPS_CHECK_INTERVAL });
  jobs.register(OPS_CHECK_JOB, () => checks.run());
  await jobs.schedule(OPS_CHECK_JOB, OPS_CHECK_JOB_ID);
  const callbacks = createCallbacks({ config, logger, sqldb, secrets, outbox, revocations, jobs, dingtalk, tenants, ops, now: overrides.now });
  await callbacks.start();
  const messages = createMessages({ config, sqldb, outbox, jobs, dingtalk, tenants, callBudget, logger, now: overrides.now });
  const users = usersService({ sqldb, outbox, dingtalk, tenants, now: overrides.now });
  const login = createLogin({ config, sqldb, outbox, dingtalk, tenants, users, now: overrides.now });
  const stateSweeper = oauthStateSweeper({ sqldb, logger, now: overrides.now ?? Date.now });
  jobs.register(OAUTH_STATE_SWEEP_JOB, () => stateSweeper.run());
  await jobs.schedule(OAUTH_STATE_SWEEP_JOB, OAUTH_STATE_SWEEP_JOB_ID);
  const audit = auditLog({ sqldb, logger, retentionMs: config.AUDIT_RETENTION, now: overrides.now });
  jobs.register(AUDIT_SWEEP_JOB, () => audit.sweep());
  await jobs.schedule(AUDIT_SWEEP_JOB, AUDIT_SWEEP_JOB_ID);
  const retention = createRetention({
    sqldb,
    windows: { eventsMs: config.RETENTION_EVENTS, jobsMs: config.RETENTION_JOBS, messagesMs: config.RETENTION_MESSAGES, quotaMs: config.RETENTION_QUOTA },
    intervalMs: config.RETENTION_INTERVAL,
    batch: config.RETENTION_BATCH,
    logger,
    now: overrides.now ?? Date.now,
  });
  jobs.register(RETENTION_JOB, () => retention.run());
  await jobs.schedule(RETENTION_JOB, RETENTION_JOB_ID);
  const directory = createDirectory({
    sqldb,
    outbox,
    revocations,
    dingtalk,
    tenants,
    jobs,
    logger,
    reconcile: { defaultIntervalMs: config.DIRECTORY_RECONCILE_INTERVAL, atMsOfDay: config.DIRECTORY_RECONCILE_AT },
    now: overrides.now,
  });
  await directory.scheduleReconciles();
  const stream = streamConnections({
    sqldb,
    secrets,
    dingtalk,
    inbox: callbacks.inbox,
    suiteEventMode: config.SUITE_EVENT_MODE,
    superviseIntervalMs: config.STREAM_SUPERVISE_INTERVAL,
    logger,
  });
  const check = tenantCheck({ sqldb, secrets, dingtalk, tenants, config, now: overrides.now ?? Date.now });
  return {
    config,
    logger,
    db,
    sqldb,
    sqlite,
    ormStarted,
    lockWaits,
    secrets,
    outbox,
    revocations,
    tenants,
    deliveries,
    dispatcher,
    ops,
    health,
    dingtalk,
    jobs,
    pingEvents: pingEvents(sqldb, outbox),
    callbacks,
    messages,
    users,
    login,
    directory,
    stream,
    check,
    dingtalkCalls,
    callBudget,
    audit,
    operators: operatorsService({ sqldb, secrets, now: overrides.now }),
    retention,
    rateLimiters: rateLimiters(sqldb),
  };
}

export type CloudServices = Awaited<ReturnType<typeof buildServices>>;
