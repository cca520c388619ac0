// `npm run admin -- <command>`: operator commands straight on the cloud's database, printing JSON.
// Uses the same services as the admin API, so both enforce the same rules.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, ConfigError, createLogger, loadConfig } from '@dtg/service-kit';
import { migrateDeploy } from '@dtg/prisma-migrate';
import { AdminCliConfigSchema } from '../config';
import { backupDatabase } from '../db/backup';
import { copyToPostgres, parseTarget } from '../db/postgres/copy-to-postgres';
import { deployMigrations } from '../db/migrations';
import { sqlitePath } from '../db/prisma';
import { restoreDatabase } from '../db/restore';
import { reseal } from '../features/keys/reseal';
import { apiKeysService } from '../features/api-keys/api-keys.service';
import { ScopeSchema, type Scope } from '../features/auth/permissions';
import type { MemberSendPolicyChange, MessageTemplateSettingsChange, ReceiptLevel } from '../features/tenants/tenant';
import { AuditViaSchema, secretsChanged, type AdminActor, type AuditRecord } from '../features/audit/audit-log';
import { OperatorRoleSchema } from '../features/operators/operators.service';
import { buildServices } from '../services';
import { VERSION } from '../version';
import { checkTable } from './check-table';
import { withStackSecrets } from './stack-secrets';
import { USAGE } from './usage';

type Flags = Record<string, string | string[] | boolean | undefined>;

function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

function need(flags: Flags, name: string): string {
  const v = str(flags, name);
  if (!v) throw new AppError('validation_failed', `--${name} is required`);
  return v;
}

function int(flags: Flags, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new AppError('validation_failed', `--${name} must be a whole number`);
  return Number(v);
}

function onOff(flags: Flags, name: string): boolean | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  if (v !== 'on' && v !== 'off') throw new AppError('validation_failed', `--${name} must be on or off`);
  return v === 'on';
}

/** --member-send, --member-max-people, --member-departments, --member-to-all: only the flags given change. */
function memberSendPolicy(flags: Flags): MemberSendPolicyChange | undefined {
  const change = {
    enabled: onOff(flags, 'member-send'),
    maxUserIds: int(flags, 'member-max-people'),
    departments: onOff(flags, 'member-departments'),
    toAll: onOff(flags, 'member-to-all'),
  };
  const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as MemberSendPolicyChange;
  return Object.keys(given).length > 0 ? given : undefined;
}

/** --template-required on|off, --default-template <id>|none: only the flags given change. */
function messageTemplates(flags: Flags): MessageTemplateSettingsChange | undefined {
  const required = onOff(flags, 'template-required');
  const template = str(flags, 'default-template');
  const change = {
    ...(required !== undefined ? { required } : {}),
    ...(template !== undefined ? { defaultTemplateId: template === 'none' ? null : template } : {}),
  };
  return Object.keys(change).length > 0 ? change : undefined;
}

function scopes(flags: Flags): Scope[] | undefined {
  const given = flags['scope'];
  if (!Array.isArray(given)) return undefined;
  return given.map((scope) => {
    const parsed = ScopeSchema.safeParse(scope);
    if (!parsed.success) throw new AppError('validation_failed', `--scope ${scope} is not one of ${ScopeSchema.options.join(', ')}`);
    return parsed.data;
  });
}

/** The settings `tenant create` and `tenant update` both take; absent flags stay undefined. */
function tenantSettings(flags: Flags) {
  const returnUrls = flags['return-url'];
  return {
    appSecret: str(flags, 'app-secret'),
    agentId: int(flags, 'agent-id'),
    webhookUrl: str(flags, 'webhook-url'),
    returnUrls: Array.isArray(returnUrls) ? returnUrls : undefined,
    callbackToken: str(flags, 'callback-token'),
    callbackAesKey: str(flags, 'callback-aes-key'),
    callbackMode: callbackMode(flags),
    reconcileInterval: reconcileInterval(flags),
    memberSendPolicy: memberSendPolicy(flags),
    receipts: receipts(flags),
    monthlyCallBudget: callBudget(flags),
    messageTemplates: messageTemplates(flags),
    /** null (`--robot-code default`) clears it on update; a new tenant has nothing to clear. */
    robotCode: robotCode(flags),
  };
}

function tenantInput(flags: Flags) {
  const settings = tenantSettings(flags);
  return {
    ...settings,
    name: need(flags, 'name'),
    corpId: need(flags, 'corp-id'),
    mode: (str(flags, 'mode') ?? 'internal') as 'internal' | 'isv',
    appKey: str(flags, 'app-key'),
    returnUrls: settings.returnUrls ?? [],
    robotCode: settings.robotCode ?? undefined,
  };
}

/** `--robot-code <code>|default` (default: DingTalk's, the AppKey or the SuiteKey). */
function robotCode(flags: Flags): string | null | undefined {
  const v = str(flags, 'robot-code');
  return v === 'default' ? null : v;
}

/** `--reconcile-interval 12h|off|default` (default: back to DIRECTORY_RECONCILE_INTERVAL). */
function reconcileInterval(flags: Flags): string | null | undefined {
  const v = str(flags, 'reconcile-interval');
  return v === 'default' ? null : v;
}

/** `--call-budget <n>|default` (default: back to DINGTALK_MONTHLY_CALL_BUDGET; 0 = no budget). */
function callBudget(flags: Flags): number | null | undefined {
  return str(flags, 'call-budget') === 'default' ? null : int(flags, 'call-budget');
}

/** Validated by the tenant schemas (a bad value is a 4xx naming receipts); only the type is narrowed here. */
function receipts(flags: Flags): ReceiptLevel | undefined {
  return str(flags, 'receipts') as ReceiptLevel | undefined;
}

/** Validated by the tenant schemas (a bad value is a 4xx naming callbackMode); only the type is narrowed here. */
function callbackMode(flags: Flags): 'http' | 'stream' | undefined {
  return str(flags, 'callback-mode') as 'http' | 'stream' | undefined;
}

/** Settings whose values never reach the audit log: only that they were set. */
const SECRET_FIELDS = ['appSecret', 'callbackToken', 'callbackAesKey'] as const;

function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the uid still tells people apart.
    return `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Output already formatted; `ok: false` exits 3 (the command ran, and found problems). */
class Printed {
  constructor(
    readonly text: string,
    readonly ok: boolean,
  ) {}
}

/** `--format table|json`; without it, a table at a terminal and JSON in a pipe or script. */
function output(flags: Flags): 'table' | 'json' {
  const format = str(flags, 'format');
  if (format !== undefined && format !== 'table' && format !== 'json') throw new AppError('validation_failed', '--format must be table or json');
  return format ?? (process.stdout.isTTY ? 'table' : 'json');
}

function provided(flags: Flags) {
  return { id: str(flags, 'id'), apiKey: str(flags, 'api-key'), webhookSecret: str(flags, 'webhook-secret') };
}

const PRISMA_CONFIG = path.resolve(__dirname, '../../prisma.config.ts');
const POSTGRES_PRISMA_CONFIG = path.resolve(__dirname, '../../prisma.postgres.config.ts');
/** Default `--seq-gap`: far more events than a cloud writes between a backup and a restore. */
const DEFAULT_SEQ_GAP = 1_000_000;

/** `restore <file> [--replace] [--seq-gap <n>]` (or `--from <file>`). */
function restore(flags: Flags, file: string | undefined, databaseUrl: string) {
  return restoreDatabase({
    from: str(flags, 'from') ?? file ?? need(flags, 'from'),
    target: sqlitePath(databaseUrl),
    migrationsDir: path.resolve(__dirname, '../../prisma/migrations'),
    replace: flags['replace'] === true,
    seqGap: int(flags, 'seq-gap') ?? DEFAULT_SEQ_GAP,
    migrate: async (work) => {
      await migrateDeploy(PRISMA_CONFIG, { CLOUD_DATABASE_URL: `file:${work}` });
    },
  });
}

/**
 * `db copy-to-postgres <url>` (or `--to <url>`): this cloud's SQLite data into a new Postgres database,
 * migrated here with prisma/postgres/migrations (issue #22, preview). Needs only CLOUD_DATABASE_URL.
 */
async function dbCommand(flags: Flags, command: string | undefined, target: string | undefined, databaseUrl: string) {
  if (command !== 'copy-to-postgres') throw new AppError('validation_failed', `unknown command "db ${command ?? ''}"; run with "help"`);
  const postgresUrl = str(flags, 'to') ?? target ?? need(flags, 'to');
  parseTarget(postgresUrl);
  // Migrating would make an empty database of a mistyped path, and the copy would "succeed" with nothing.
  if (!existsSync(sqlitePath(databaseUrl))) throw new AppError('validation_failed', `CLOUD_DATABASE_URL names no database file (${sqlitePath(databaseUrl)})`);
  // The source at this version's schema first, as every other command does; a no-op when it is current.
  await migrateDeploy(PRISMA_CONFIG, { CLOUD_DATABASE_URL: databaseUrl });
  return copyToPostgres({
    sqliteFile: sqlitePath(databaseUrl),
    postgresUrl,
    migrate: async (url) => {
      await migrateDeploy(POSTGRES_PRISMA_CONFIG, { CLOUD_DATABASE_URL: url });
    },
    // Progress on stderr, so a long copy shows it is moving and stdout stays the one JSON result.
    onTable: (table, rows) => process.stderr.write(`${JSON.stringify({ copied: table, rows })}\n`),
  });
}

async function run(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'corp-id': { type: 'string' },
      mode: { type: 'string' },
      'app-key': { type: 'string' },
      'app-secret': { type: 'string' },
      'agent-id': { type: 'string' },
      'webhook-url': { type: 'string' },
      'return-url': { type: 'string', multiple: true },
      id: { type: 'string' },
      'api-key': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'callback-token': { type: 'string' },
      'callback-aes-key': { type: 'string' },
      'callback-mode': { type: 'string' },
      'reconcile-interval': { type: 'string' },
      'member-send': { type: 'string' },
      'member-max-people': { type: 'string' },
      'member-departments': { type: 'string' },
      'member-to-all': { type: 'string' },
      receipts: { type: 'string' },
      'call-budget': { type: 'string' },
      'template-required': { type: 'string' },
      'default-template': { type: 'string' },
      scope: { type: 'string', multiple: true },
      tenant: { type: 'string' },
      'from-seq': { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      replace: { type: 'boolean' },
      'seq-gap': { type: 'string' },
      format: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      actor: { type: 'string' },
      action: { type: 'string' },
      via: { type: 'string' },
    },
  });
  const flags = values as Flags;
  const [group, command, id] = positionals;
  if (!group || group === 'help') return { usage: USAGE };

  const { CLOUD_DATABASE_URL } = loadConfig(AdminCliConfigSchema.pick({ CLOUD_DATABASE_URL: true }));
  // Restore works on the files alone: it must not open (let alone migrate) the database it replaces.
  if (group === 'restore') return restore(flags, command, CLOUD_DATABASE_URL);
  if (group === 'db') return dbCommand(flags, command, id, CLOUD_DATABASE_URL);
  const config = loadConfig(AdminCliConfigSchema, withStackSecrets(process.env, CLOUD_DATABASE_URL));
  await deployMigrations(config.CLOUD_DATABASE_URL);
  const logger = createLogger({ service: 'cloud-admin', version: VERSION, level: 'warn' });
  const s = await buildServices(config, logger);
  // The CLI works on the database directly, so the person is whoever runs it on this host.
  const who: AdminActor = { via: 'cli', actor: cliUser(), source: null };
  const audited = async <T>(what: (result: T) => AuditRecord, result: T): Promise<T> => {
    await s.audit.record(who, what(result));
    return result;
  };
  const execute = async (): Promise<unknown> => {
    switch (`${group} ${command ?? ''}`.trim()) {
      case 'tenant create': {
        const input = tenantInput(flags);
        const created = await s.tenants.create(input, provided(flags));
        return audited(
          (r) => ({ action: 'tenant.create', tenantId: r.tenant.id, after: { ...r.tenant, secretsChanged: secretsChanged(input, SECRET_FIELDS) } }),
          created,
        );
      }
      case 'tenant ensure': {
        const input = tenantInput(flags);
        const ensured = await s.tenants.ensure(input, { ...provided(flags), id: need(flags, 'id') });
        return audited(() => ({ action: 'tenant.ensure', tenantId: need(flags, 'id') }), ensured);
      }
      case 'tenant list':
        return { items: await s.tenants.list() };
      case 'tenant show': {
        const tenant = await s.tenants.get(id ?? need(flags, 'tenant'));
        return { ...tenant, apiKeys: await apiKeysService.list(s.sqldb, tenant.id) };
      }
      case 'tenant update': {
        const tenantId = id ?? need(flags, 'tenant');
        const previous = await s.tenants.get(tenantId);
        const change = { ...tenantSettings(flags), name: str(flags, 'name') };
        const updated = await s.tenants.update(tenantId, change);
        return audited(
          (r) => ({ action: 'tenant.update', tenantId, before: previous, after: { ...r, secretsChanged: secretsChanged(change, SECRET_FIELDS) } }),
          updated,
        );
      }
      case 'tenant calls':
        return await s.callBudget.usage(await s.tenants.get(id ?? need(flags, 'tenant')));
      case 'tenant check': {
        const report = await s.check.run(id ?? need(flags, 'tenant'));
        return new Printed(output(flags) === 'table' ? checkTable(report) : `${JSON.stringify(report, null, 2)}\n`, report.ok);
      }
      case 'tenant suspend':
      case 'tenant activate': {
        const tenantId = id ?? need(flags, 'tenant');
        const previous = await s.tenants.get(tenantId);
        const updated = await s.tenants.setStatus(tenantId, command === 'suspend' ? 'suspended' : 'active');
        return audited((r) => ({ action: `tenant.${command}`, tenantId, before: { status: previous.status }, after: { status: r.status } }), updated);
      }
      case 'tenant enable-endpoint': {
        const tenantId = id ?? need(flags, 'tenant');
        const enabled = await s.health.enable(tenantId);
        return audited(() => ({ action: 'tenant.enable-endpoint', tenantId, after: { wasDisabled: enabled.wasDisabled } }), enabled);
      }
      case 'tenant rotate-secret': {
        const tenantId = id ?? need(flags, 'tenant');
        const rotated = await s.tenants.rotateSecret(tenantId);
        return audited(
          (r) => ({
            action: 'tenant.rotate-secret',
            tenantId,
            after: { secretsChanged: ['webhookSecret'], previousSecretExpiresAt: r.previousSecretExpiresAt },
          }),
          rotated,
        );
      }
      case 'apikey create': {
        const tenant = await s.tenants.get(id ?? need(flags, 'tenant'));
        const issued = await apiKeysService.issue(s.sqldb, tenant.id, { name: str(flags, 'name') ?? 'default', scopes: scopes(flags) });
        return audited(
          (r) => ({ action: 'apikey.issue', tenantId: tenant.id, target: r.id, after: { name: r.name, prefix: r.prefix, scopes: r.scopes } }),
          issued,
        );
      }
      case 'apikey revoke': {
        const revoked = await apiKeysService.revoke(s.sqldb, id ?? need(flags, 'name'));
        return audited((r) => ({ action: 'apikey.revoke', tenantId: r.tenantId, target: r.id, after: { name: r.name, prefix: r.prefix } }), revoked);
      }
      case 'events replay': {
        const [tenantId, fromSeq] = [need(flags, 'tenant'), int(flags, 'from-seq') ?? 1];
        return audited((r) => ({ action: 'events.replay', tenantId, after: { fromSeq, ...r } }), await s.deliveries.replay(tenantId, fromSeq));
      }
      case 'backup':
        return audited((r) => ({ action: 'backup', after: r }), backupDatabase(s.sqlite, need(flags, 'to')));
      case `backup ${command}`:
        return audited((r) => ({ action: 'backup', after: r }), backupDatabase(s.sqlite, str(flags, 'to') ?? command ?? need(flags, 'to')));
      case 'keys rotate':
        return audited((r) => ({ action: 'keys.rotate', after: r }), await reseal(s.sqldb, s.secrets, 'not-current'));
      case 'deliveries list':
        return { items: await s.deliveries.list({ status: str(flags, 'status'), tenantId: str(flags, 'tenant'), limit: int(flags, 'limit') }) };
      case 'deliveries resend': {
        const resent = await s.deliveries.resend(id ?? need(flags, 'id'));
        return audited(
          (r) => ({ action: 'delivery.resend', tenantId: r.tenantId, target: r.id, before: { status: 'dead' }, after: { status: r.status, seq: r.seq } }),
          resent,
        );
      }
      case 'operator create': {
        const role = OperatorRoleSchema.safeParse(str(flags, 'role'));
        if (!role.success) throw new AppError('validation_failed', `--role must be one of ${OperatorRoleSchema.options.join(', ')}`);
        const generated = flags['password-stdin'] === true ? undefined : randomBytes(18).toString('base64url');
        const password = generated ?? (await readStdin()).replace(/\r?\n$/, '');
        const created = await s.operators.create({ username: need(flags, 'name'), password, role: role.data });
        await s.audit.record(who, { action: 'operator.create', target: created.username, after: { username: created.username, role: created.role } });
        // A generated password is shown this once; only its scrypt hash is stored.
        return generated ? { ...created, password: generated } : created;
      }
      case 'operator totp-enable': {
        const enabled = await s.operators.enableTotp(need(flags, 'name'));
        await s.audit.record(who, { action: 'operator.totp-enable', target: enabled.username });
        // The secret is shown this once (stored sealed): add it to the authenticator app now.
        return enabled;
      }
      case 'operator totp-disable': {
        const disabled = await s.operators.disableTotp(need(flags, 'name'));
        return audited((r) => ({ action: 'operator.totp-disable', target: r.username }), disabled);
      }
      case 'operator list':
        return { items: await s.operators.list() };
      case 'operator disable': {
        const disabled = await s.operators.disable(need(flags, 'name'));
        return audited((r) => ({ action: 'operator.disable', target: r.username }), disabled);
      }
      case 'audit list': {
        const via = str(flags, 'via');
        if (via !== undefined && !AuditViaSchema.safeParse(via).success) throw new AppError('validation_failed', '--via must be console, api or cli');
        return {
          items: await s.audit.list({
            tenantId: str(flags, 'tenant'),
            actor: str(flags, 'actor'),
            action: str(flags, 'action'),
            via: via as AdminActor['via'] | undefined,
            limit: int(flags, 'limit') ?? 100,
          }),
        };
      }
      default:
        throw new AppError('validation_failed', `unknown command "${group} ${command ?? ''}"; run with "help"`);
    }
  };
  // Awaited here, not returned: a command's last write (its audit entry) must be done before the
  // database closes. On Postgres a write still under way found the pool ended.
  try {
    return await execute();
  } finally {
    await s.db.$disconnect();
  }
}

run(process.argv.slice(2)).then(
  (result) => {
    if (result instanceof Printed) {
      process.stdout.write(result.text);
      if (!result.ok) process.exitCode = 3;
      return;
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  },
  (err: unknown) => {
    // A configuration problem is the operator's to fix, not a fault: its own code, every variable
    // named, and sysexits' EX_CONFIG (78) so scripts can tell it from bad arguments (2) and faults (1).
    if (err instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ error: 'invalid configuration', code: 'config_invalid', problems: err.problems })}\n`);
      process.exit(78);
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${JSON.stringify({ error: message, code: err instanceof AppError ? err.code : 'internal' })}\n`);
    process.exit(err instanceof AppError ? 2 : 1);
  },
);
