// `npm run admin -- db copy-to-postgres <url>` (issue #22): a cloud that has done real work — a
// tenant made through the admin API, a directory sync, messages sent to the DingTalk simulator and
// followed to completion, events pushed to a webhook endpoint, a user token revoked, an operator —
// copied from its SQLite file into a fresh Postgres database by the CLI, as an operator runs it, then
// every table read back through both generated Prisma clients and compared row for row.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { DEMO } from '@dtg/dingtalk-sim';
import { waitFor } from '@dtg/testkit';
import { PrismaClient as SqliteClient, Prisma } from '../src/generated/prisma/client';
import { PrismaClient as PostgresClient } from '../src/generated/prisma-postgres/client';
import { ConfigError, loadConfig } from '@dtg/service-kit';
import { CloudConfigSchema } from '../src/config';
import { copyToPostgres } from '../src/db/postgres/copy-to-postgres';
import { mintUserToken, verifyUserToken } from '../src/features/auth/user-tokens';
import { startMessagingStack, text, type MessagingStack } from './support/messaging-stack';
import { createPostgresDatabase, type PostgresDatabase } from './support/postgres-database';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(180_000);

const CLI = path.resolve(__dirname, '../src/cli/cli.ts');
const ROOT = path.resolve(__dirname, '../../..');

interface CliAnswer {
  code: number;
  json: Record<string, unknown>;
}

/** The admin CLI as its own process, with only the cloud's database URL (and PATH) in its environment. */
function admin(dbFile: string, args: string[], databaseUrl = `file:${dbFile}`, env: Record<string, string> = {}): Promise<CliAnswer> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', CLOUD_DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const out = code === 0 ? stdout : (stderr.trim().split('\n').at(-1) ?? '');
        try {
          resolve({ code, json: JSON.parse(out) as Record<string, unknown> });
        } catch {
          reject(new Error(`admin ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

type Delegate = { findMany(): Promise<Record<string, unknown>[]> };
const delegate = (client: object, model: string) => (client as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)] as Delegate;

/** A stable order whatever each database returns first: the rows' own values. */
function sorted(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const key = (row: Record<string, unknown>) => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
}

/** Tenant.agentId is a BIGINT on Postgres (prisma/postgres-schema.ts WIDE_INTS); the app reads it as a number. */
function wideAsNumber(row: Record<string, unknown>): Record<string, unknown> {
  return typeof row['agentId'] === 'bigint' ? { ...row, agentId: Number(row['agentId']) } : row;
}

describe('admin db copy-to-postgres', () => {
  let s: MessagingStack;
  let receiver: WebhookReceiver;
  let pg: PostgresDatabase;
  let sqlite: SqliteClient;
  let postgres: PostgresClient;
  const copied: Record<string, number> = {};

  beforeAll(async () => {
    [s, receiver, pg] = await Promise.all([startMessagingStack(), startReceiver(), createPostgresDatabase()]);
    const { cloud, tenant } = s;
    // Events pushed to a webhook endpoint: Delivery and DeliveryAttempt rows.
    expect((await s.call('PATCH', `/admin/tenants/${tenant.id}`, { webhookUrl: receiver.url })).status).toBe(200);
    cloud.services.dispatcher.start();
    // A directory sync: DirectorySync, DirectoryMember, DirectoryDepartment and user.* events.
    const sync = await s.call<{ id: string }>('POST', '/v1/directory/sync', undefined, { token: tenant.apiKey });
    expect(sync.status).toBe(202);
    await waitFor(
      async () =>
        (await s.call<{ status: string }>('GET', `/v1/directory/sync/${sync.body.id}`, undefined, { token: tenant.apiKey })).body.status === 'completed'
          ? true
          : undefined,
      'the directory sync',
      30_000,
    );
    // Messages, one of them idempotent, followed until DingTalk has finished them.
    const first = await s.send({ recipients: { userIds: ['user001', 'user002', DEMO.adminUserid] }, msg: text('Copy me') });
    const second = await s.send({ recipients: { userIds: ['user003'] }, msg: text('And me') }, { 'idempotency-key': 'copy-test-1' });
    expect([first.status, second.status]).toEqual([202, 202]);
    const ids = [first.body, second.body].map((b) => (b as { id: string }).id);
    for (const id of ids) await s.waitForEvent('message.dispatched', id);
    s.sim.sim.clock.advance(5_000);
    for (const id of ids) await s.waitForEvent('message.completed', id);
    // A user token revoked (the AuthVersion trigger fires on Postgres too while the rows go in).
    const { token } = mintUserToken(cloud.services.config.USER_TOKEN_SECRET, { tenantId: tenant.id, userid: 'user002', role: 'member' }, 60_000);
    const jti = verifyUserToken(cloud.services.config.USER_TOKEN_SECRET, token)?.tokenId;
    expect((await s.call('DELETE', `/v1/user-tokens/${jti}`, undefined, { token: tenant.apiKey })).status).toBe(204);
    await cloud.services.operators.create({ username: 'olivia', password: 'correct horse battery', role: 'admin' });
    await waitFor(
      async () => ((await cloud.services.db.delivery.count({ where: { status: { not: 'delivered' } } })) === 0 ? true : undefined),
      'every push delivered',
      30_000,
    );
    // Quiet, so the rows compared below are the rows copied; the file stays until afterAll.
    await cloud.services.jobs.stop();
    await cloud.services.dispatcher.stop();

    const answer = await admin(cloud.dbFile!, ['db', 'copy-to-postgres', pg.url]);
    expect(answer).toMatchObject({ code: 0, json: { target: pg.url } });
    Object.assign(copied, answer.json.tables);

    sqlite = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: cloud.dbFile! }, { timestampFormat: 'unixepoch-ms' }) });
    postgres = new PostgresClient({ adapter: new PrismaPg({ connectionString: pg.url }) });
  });

  afterAll(async () => {
    await Promise.all([sqlite?.$disconnect(), postgres?.$disconnect()]);
    await Promise.all([s?.close(), receiver?.close()]);
    await pg?.drop();
  });

  it('when a working cloud is copied, then every table has the same rows in Postgres, read through each generated client', async () => {
    for (const model of Object.values(Prisma.ModelName)) {
      const [fromSqlite, fromPostgres] = await Promise.all([delegate(sqlite, model).findMany(), delegate(postgres, model).findMany()]);
      expect({ model, rows: sorted(fromPostgres.map(wideAsNumber)) }).toEqual({ model, rows: sorted(fromSqlite) });
      expect({ model, copied: copied[model] }).toEqual({ model, copied: fromSqlite.length });
    }
    // The cloud really did all of that: the comparison above is not of empty tables.
    for (const model of [
      'Tenant',
      'ApiKey',
      'Event',
      'Delivery',
      'DeliveryAttempt',
      'Message',
      'MessageChunk',
      'MessageRecipient',
      'Job',
      'DirectoryMember',
      'DirectoryDepartment',
      'DingTalkToken',
      'RevokedUserToken',
      'Operator',
      'AuditEntry',
    ]) {
      expect({ model, copied: (copied[model] ?? 0) > 0 }).toEqual({ model, copied: true });
    }
  });

  it('when the copy is done, then sealed secrets are byte for byte the same, and AuthVersion is the source’s, not moved by the copy', async () => {
    const sealed = (rows: { id: string; webhookSecretEnc: string; appSecretEnc: string | null }[]) =>
      rows.map((r) => [r.id, r.webhookSecretEnc, r.appSecretEnc]);
    const [a, b] = await Promise.all([sqlite.tenant.findMany(), postgres.tenant.findMany()]);
    expect(sealed(b)).toEqual(sealed(a));
    expect(a[0]?.appSecretEnc).toMatch(/^v\d+\./);
    const [va, vb] = await Promise.all([sqlite.authVersion.findUnique({ where: { id: 1 } }), postgres.authVersion.findUnique({ where: { id: 1 } })]);
    expect(vb).toEqual(va);
  });

  it('when Postgres assigns the next ids, then they continue after the copied ones', async () => {
    const last = await sqlite.auditEntry.findFirstOrThrow({ orderBy: { id: 'desc' } });
    const next = await postgres.auditEntry.create({ data: { via: 'cli', actor: 'test', action: 'test.sequence' } });
    expect(next.id).toBeGreaterThan(last.id);
    // A rowid key: the INSERT the cloud's SQL makes, without an id.
    const [request] = await pg.query<{ id: number }>(
      `INSERT INTO "MessageDispatchRequest" ("tenantId", "messageId", "acceptedAt") VALUES ($1, 'msg_x', now()) RETURNING id`,
      [s.tenant.id],
    );
    expect(request?.id).toBeGreaterThan(0);
    await postgres.auditEntry.delete({ where: { id: next.id } });
    await pg.query(`DELETE FROM "MessageDispatchRequest" WHERE "messageId" = 'msg_x'`);
  });

  it('when the copy goes in batches smaller than the tables, then the pages join up with nothing lost or doubled', async () => {
    const small = await createPostgresDatabase();
    const paged = new PostgresClient({ adapter: new PrismaPg({ connectionString: small.url }) });
    try {
      const result = await copyToPostgres({ sqliteFile: s.cloud.dbFile!, postgresUrl: small.url, migrate: () => small.migrate(), batchSize: 7 });
      expect(result.tables).toEqual(copied);
      for (const model of ['DirectoryMember', 'Event', 'Delivery'] as const) {
        const [fromSqlite, fromPostgres] = await Promise.all([delegate(sqlite, model).findMany(), delegate(paged, model).findMany()]);
        expect(sorted(fromPostgres)).toEqual(sorted(fromSqlite));
      }
    } finally {
      await paged.$disconnect();
      await small.drop();
    }
  });

  it('when the target already holds a cloud, then the copy is refused and nothing in it changes', async () => {
    const before = await postgres.event.count();
    const again = await admin(s.cloud.dbFile!, ['db', 'copy-to-postgres', pg.url]);
    expect(again.code).toBe(2);
    expect(again.json).toMatchObject({ code: 'conflict', error: expect.stringContaining('the target database is not empty') });
    expect(await postgres.event.count()).toBe(before);
  });

  it('when the target is not a Postgres URL, then it is refused naming --to', async () => {
    const answer = await admin(s.cloud.dbFile!, ['db', 'copy-to-postgres', 'mysql://db/cloud']);
    expect(answer).toMatchObject({ code: 2, json: { code: 'validation_failed', error: expect.stringContaining('--to') } });
  });

  it('when CLOUD_DATABASE_URL names no file, then nothing is created and nothing copied', async () => {
    const missing = path.join(path.dirname(s.cloud.dbFile!), 'typo.db');
    const answer = await admin(missing, ['db', 'copy-to-postgres', pg.url]);
    expect(answer).toMatchObject({ code: 2, json: { code: 'validation_failed', error: expect.stringContaining('CLOUD_DATABASE_URL names no database file') } });
    expect(existsSync(missing)).toBe(false);
  });

  it('when CLOUD_DATABASE_URL is neither a file: nor a postgresql:// URL, then the cloud and the CLI refuse it as configuration instead of taking it for a file name', async () => {
    const url = 'mysql://cloud@db.example/cloud';
    let problem: unknown;
    try {
      loadConfig(CloudConfigSchema.pick({ CLOUD_DATABASE_URL: true }), { CLOUD_DATABASE_URL: url });
    } catch (err) {
      problem = err;
    }
    expect(problem).toBeInstanceOf(ConfigError);
    expect((problem as ConfigError).problems).toEqual([
      expect.objectContaining({ variable: 'CLOUD_DATABASE_URL', reason: expect.stringContaining('file: URL') }),
    ]);
    const answer = await admin(s.cloud.dbFile!, ['tenant', 'list'], url);
    expect(answer).toMatchObject({ code: 78, json: { code: 'config_invalid' } });
  });

  // Last: it changes the copy the tests above compare.
  it('when the admin CLI is pointed at the Postgres copy, then it reads and changes that database, and audits the change there', async () => {
    const env = { ENCRYPTION_KEY: s.cloud.services.config.ENCRYPTION_KEY };
    const listed = await admin(s.cloud.dbFile!, ['tenant', 'list'], pg.url, env);
    expect(listed.code).toBe(0);
    expect(JSON.stringify(listed.json)).toContain(s.tenant.id);
    const suspended = await admin(s.cloud.dbFile!, ['tenant', 'suspend', s.tenant.id], pg.url, env);
    expect(suspended.code).toBe(0);
    expect((await postgres.tenant.findUniqueOrThrow({ where: { id: s.tenant.id } })).status).toBe('suspended');
    expect((await sqlite.tenant.findUniqueOrThrow({ where: { id: s.tenant.id } })).status).toBe('active');
    expect(await postgres.auditEntry.count({ where: { via: 'cli', tenantId: s.tenant.id } })).toBe(1);
  });
});
