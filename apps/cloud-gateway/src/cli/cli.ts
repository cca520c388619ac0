// `npm run admin -- <command>`: operator commands straight on the cloud's database, printing JSON.
// Uses the same services as the admin API, so both enforce the same rules.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, ConfigError, createLogger, loadConfig } from '@dtg/service-kit';
import { migrateDeploy } from '@dtg/prisma-migrate';
import { AdminCliConfigSchema } from '../config';
import { backupDatabase } from '../db/backup';
import { reseal } from '../features/keys/reseal';
import { apiKeysService } from '../features/api-keys/api-keys.service';
import { ScopeSchema, type Scope } from '../features/auth/permissions';
import type { MemberSendPolicyChange, MessageTemplateSettingsChange, ReceiptLevel } from '../features/tenants/tenant';
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

function tenantInput(flags: Flags) {
  const returnUrls = flags['return-url'];
  return {
    name: need(flags, 'name'),
    corpId: need(flags, 'corp-id'),
    mode: (str(flags, 'mode') ?? 'internal') as 'internal' | 'isv',
    appKey: str(flags, 'app-key'),
    appSecret: str(flags, 'app-secret'),
    agentId: int(flags, 'agent-id'),
    webhookUrl: str(flags, 'webhook-url'),
    returnUrls: Array.isArray(returnUrls) ? returnUrls : [],
    callbackToken: str(flags, 'callback-token'),
    callbackAesKey: str(flags, 'callback-aes-key'),
    callbackMode: callbackMode(flags),
    reconcileInterval: reconcileInterval(flags),
    memberSendPolicy: memberSendPolicy(flags),
    receipts: receipts(flags),
    monthlyCallBudget: callBudget(flags),
    messageTemplates: messageTemplates(flags),
    robotCode: robotCode(flags) ?? undefined,
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
      format: { type: 'string' },
    },
  });
  const flags = values as Flags;
  const [group, command, id] = positionals;
  if (!group || group === 'help') return { usage: USAGE };

  const { CLOUD_DATABASE_URL } = loadConfig(AdminCliConfigSchema.pick({ CLOUD_DATABASE_URL: true }));
  const config = loadConfig(AdminCliConfigSchema, withStackSecrets(process.env, CLOUD_DATABASE_URL));
  await migrateDeploy(path.resolve(__dirname, '../../prisma.config.ts'), { CLOUD_DATABASE_URL: config.CLOUD_DATABASE_URL });
  const logger = createLogger({ service: 'cloud-admin', version: VERSION, level: 'warn' });
  const s = await buildServices(config, logger);
  const returnUrls = flags['return-url'];
  try {
    switch (`${group} ${command ?? ''}`.trim()) {
      case 'tenant create':
        return await s.tenants.create(tenantInput(flags), provided(flags));
      case 'tenant ensure':
        return await s.tenants.ensure(tenantInput(flags), { ...provided(flags), id: need(flags, 'id') });
      case 'tenant list':
        return { items: await s.tenants.list() };
      case 'tenant show': {
        const tenant = await s.tenants.get(id ?? need(flags, 'tenant'));
        return { ...tenant, apiKeys: await apiKeysService.list(s.db, tenant.id) };
      }
      case 'tenant update':
        return await s.tenants.update(id ?? need(flags, 'tenant'), {
          name: str(flags, 'name'),
          agentId: int(flags, 'agent-id'),
          webhookUrl: str(flags, 'webhook-url'),
          returnUrls: Array.isArray(returnUrls) ? returnUrls : undefined,
          appSecret: str(flags, 'app-secret'),
          callbackToken: str(flags, 'callback-token'),
          callbackAesKey: str(flags, 'callback-aes-key'),
          callbackMode: callbackMode(flags),
          reconcileInterval: reconcileInterval(flags),
          memberSendPolicy: memberSendPolicy(flags),
          receipts: receipts(flags),
          monthlyCallBudget: callBudget(flags),
          messageTemplates: messageTemplates(flags),
          robotCode: robotCode(flags),
        });
      case 'tenant calls':
        return await s.callBudget.usage(await s.tenants.get(id ?? need(flags, 'tenant')));
      case 'tenant check': {
        const report = await s.check.run(id ?? need(flags, 'tenant'));
        return new Printed(output(flags) === 'table' ? checkTable(report) : `${JSON.stringify(report, null, 2)}\n`, report.ok);
      }
      case 'tenant suspend':
        return await s.tenants.setStatus(id ?? need(flags, 'tenant'), 'suspended');
      case 'tenant activate':
        return await s.tenants.setStatus(id ?? need(flags, 'tenant'), 'active');
      case 'tenant enable-endpoint':
        return await s.health.enable(id ?? need(flags, 'tenant'));
      case 'tenant rotate-secret':
        return await s.tenants.rotateSecret(id ?? need(flags, 'tenant'));
      case 'apikey create': {
        const tenant = await s.tenants.get(id ?? need(flags, 'tenant'));
        return await apiKeysService.issue(s.db, tenant.id, { name: str(flags, 'name') ?? 'default', scopes: scopes(flags) });
      }
      case 'apikey revoke':
        return await apiKeysService.revoke(s.db, id ?? need(flags, 'name'));
      case 'events replay':
        return await s.deliveries.replay(need(flags, 'tenant'), int(flags, 'from-seq') ?? 1);
      case 'backup':
        return backupDatabase(s.sqlite, need(flags, 'to'));
      case 'keys rotate':
        return await reseal(s.sqlite, s.secrets, 'not-current');
      case 'deliveries list':
        return { items: await s.deliveries.list({ status: str(flags, 'status'), tenantId: str(flags, 'tenant'), limit: int(flags, 'limit') }) };
      default:
        throw new AppError('validation_failed', `unknown command "${group} ${command ?? ''}"; run with "help"`);
    }
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
