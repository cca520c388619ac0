// `npm run store-admin -- <command>`: an operator's commands on the local store's database,
// printing JSON. Inputs go through the same contract schemas and services as the HTTP API, so the
// rules are the same; what is done here is authored `local-admin`.
import { parseArgs } from 'node:util';
import {
  CreateOidcClientRequestSchema,
  CreateServiceTokenRequestSchema,
  OidcClientParamsSchema,
  CreateSubscriptionRequestSchema,
  DeliveriesQuerySchema,
  ReplayRequestSchema,
  ServiceTokenParamsSchema,
  SubscriptionParamsSchema,
} from '@dtg/contracts';
import { AppError, parseDurationMs, validationError } from '@dtg/service-kit';
import type { z } from 'zod';
import { storeAdminConfigFromProcessEnv } from '../config';
import { openDatabase, type Database } from '../db/database';
import { applyMigrations, pendingMigrationNames } from '../db/migrate';
import { selectDatabaseForTool } from '../db/select-database';
import { createOidcClients } from '../features/oidc/oidc-clients';
import { createSubscriptions } from '../features/subscriptions/subscriptions.service';
import { createServiceTokens } from '../features/tokens/service-tokens.service';
import { LOCAL_ADMIN } from '../http/caller';
import { USAGE } from './usage';

type Flags = Record<string, string | undefined>;

/** Parses like the API does: a bad value is a validation error naming the flag. */
function parse<S extends z.ZodType>(schema: S, value: unknown, flagOf: (field: string) => string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(result.error.issues.map((issue) => ({ path: flagOf(String(issue.path[0] ?? '')), message: issue.message })));
}

const list = (text: string | undefined) =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

function expiresAt(flags: Flags): string | undefined {
  if (flags['expires-at'] !== undefined) return flags['expires-at'];
  if (flags['expires-in'] === undefined) return undefined;
  const ms = parseDurationMs(flags['expires-in']);
  if (ms === undefined) throw validationError([{ path: '--expires-in', message: 'must be a duration like 30d or 12h' }]);
  return new Date(Date.now() + ms).toISOString();
}

/** The tenant this store serves: TENANT_ID, or the one its database has received events for. */
async function tenantOf(db: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const rows = await db.sql.query<{ tenant_id: string }>('SELECT tenant_id FROM delivery_cursor UNION SELECT tenant_id FROM processed_events LIMIT 2');
  const [only] = rows;
  if (rows.length !== 1 || !only) throw new AppError('validation_failed', 'this database does not name one tenant yet: set TENANT_ID');
  return only.tenant_id;
}

async function run(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      'expires-at': { type: 'string' },
      'expires-in': { type: 'string' },
      url: { type: 'string' },
      types: { type: 'string' },
      description: { type: 'string' },
      'from-seq': { type: 'string' },
      status: { type: 'string' },
      'redirect-uris': { type: 'string' },
      'post-logout-uris': { type: 'string' },
      public: { type: 'boolean' },
      'first-party': { type: 'boolean' },
    },
  });
  const flags = values as Flags;
  const switches = values as Record<string, boolean | undefined>;
  const [group, command, id] = positionals;
  if (!group || group === 'help') return { usage: USAGE };

  const config = storeAdminConfigFromProcessEnv();
  const database = await selectDatabaseForTool(config.databaseUrl);
  const db = openDatabase(database.url, { maxConnections: 2 });
  try {
    // A store that never started has no tables yet; one that is running has applied them already.
    const pending = await pendingMigrationNames(db.sql).catch(() => ['all']);
    if (pending.length > 0) await applyMigrations(database.url);
    const tenantId = await tenantOf(db, config.tenantId);
    const tokens = createServiceTokens(db.sql, tenantId);
    // A running store's dispatcher notices changes on its next poll.
    const subscriptions = createSubscriptions(db, tenantId, () => undefined);
    const subscriptionId = () => parse(SubscriptionParamsSchema, { id }, () => '<subscriptionId>').id;
    switch (`${group} ${command ?? ''}`.trim()) {
      case 'token create': {
        const request = parse(
          CreateServiceTokenRequestSchema,
          { name: flags.name, scopes: list(flags.scopes), expiresAt: expiresAt(flags) },
          (field) => `--${field === 'expiresAt' ? 'expires-at' : field}`,
        );
        return await tokens.issue(request, LOCAL_ADMIN);
      }
      case 'token list':
        return { items: await tokens.list() };
      case 'token revoke':
        return await tokens.revoke(parse(ServiceTokenParamsSchema, { id }, () => '<tokenId>').id);
      case 'subscription create': {
        const request = parse(CreateSubscriptionRequestSchema, { url: flags.url, eventTypes: list(flags.types), description: flags.description }, (field) =>
          field === 'eventTypes' ? '--types' : `--${field}`,
        );
        return await subscriptions.create(request, LOCAL_ADMIN);
      }
      case 'subscription list':
        return { items: await subscriptions.list() };
      case 'subscription pause':
        return await subscriptions.pause(subscriptionId());
      case 'subscription resume':
        return await subscriptions.resume(subscriptionId());
      case 'subscription replay': {
        const fromSeq = flags['from-seq'] === undefined || !/^\d+$/.test(flags['from-seq']) ? Number.NaN : Number(flags['from-seq']);
        return await subscriptions.replay(subscriptionId(), parse(ReplayRequestSchema, { fromSeq }, () => '--from-seq').fromSeq);
      }
      case 'subscription deliveries':
        return await subscriptions.deliveries(
          subscriptionId(),
          parse(DeliveriesQuerySchema, { status: flags.status }, (field) => `--${field}`),
        );
      case 'client create': {
        const flagOf: Record<string, string> = { redirectUris: '--redirect-uris', postLogoutRedirectUris: '--post-logout-uris', firstParty: '--first-party' };
        const request = parse(
          CreateOidcClientRequestSchema,
          {
            name: flags.name,
            redirectUris: list(flags['redirect-uris']),
            postLogoutRedirectUris: list(flags['post-logout-uris']),
            scopes: list(flags.scopes),
            public: switches.public === true,
            firstParty: switches['first-party'] === true,
          },
          (field) => flagOf[field] ?? `--${field}`,
        );
        return await createOidcClients(db.sql, tenantId).register(request, LOCAL_ADMIN);
      }
      case 'client list':
        return { items: await createOidcClients(db.sql, tenantId).list() };
      case 'client remove':
        return await createOidcClients(db.sql, tenantId).remove(parse(OidcClientParamsSchema, { clientId: id }, () => '<clientId>').clientId);
      default:
        throw new AppError('validation_failed', `unknown command "${group} ${command ?? ''}"; run with "help"`);
    }
  } finally {
    await db.close();
    await database.stop?.();
  }
}

run(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const fields = err instanceof AppError ? err.fields : undefined;
    process.stderr.write(
      `${JSON.stringify({ error: message, code: err instanceof AppError ? err.code : 'internal', ...(fields ? { errors: fields } : {}) })}\n`,
    );
    process.exit(err instanceof AppError ? 2 : 1);
  },
);
