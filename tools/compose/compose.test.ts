// No Docker engine runs here, so the compose file and Dockerfiles are checked offline: the compose
// file against the Compose Specification schema (as shipped by dclint), every service's env names
// against the app's own config schema, its secrets (none has a default; the README's generator
// makes values every service accepts; the values it once shipped are refused), its published ports
// (127.0.0.1 unless widened), and the Dockerfiles for the properties we rely on. The `scale` profile
// (three cloud replicas behind nginx, on Postgres) the same way, plus what ties its parts together:
// nginx's config (parsed, no nginx here) against the replica services, the start-up order, the ports.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { z } from 'zod';
import { SimEnvSchema } from '@dtg/dingtalk-sim';
import { ConfigError, loadConfig } from '@dtg/service-kit';
import { CloudConfigSchema, ProvidedCredentialsSchema } from '@dtg/cloud-gateway';
import { MEDIA_LIMITS } from '@dtg/contracts';
import { ConfigSchema as LocalConfigSchema } from '@dtg/local-store';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { envNames } from '../test/env-names';
import { interpolate, MissingVariableError, references } from './interpolate';
import { findDirectives, nginxProblems, parseNginxConf, type Directive } from './nginx-conf';

const root = path.resolve(__dirname, '../..');
type Service = {
  environment?: Record<string, string>;
  build?: { context: string; dockerfile?: string; target?: string };
  image?: string;
  healthcheck?: unknown;
  ports?: string[];
  command?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  restart?: string;
  working_dir?: string;
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
/** One stage of the Dockerfile: from its FROM line to the next one. */
const stage = (name: string): string => new RegExp(`^FROM \\S+ AS ${name}$[\\s\\S]*?(?=^FROM |(?![\\s\\S]))`, 'm').exec(dockerfile)?.[0] ?? '';
const compose = parse(composeText, { merge: true }) as Compose;
/** The compose file as compose sees it with `env` (its .env): variables interpolated, then parsed. */
const composeWith = (env: Record<string, string>) => parse(interpolate(composeText, env), { merge: true }) as Compose;

const SECRETS = ['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'USER_TOKEN_SECRET', 'POSTGRES_PASSWORD', 'DEMO_API_KEY', 'DEMO_WEBHOOK_SECRET'];
/** What this file shipped as fallbacks until they were removed: published, so never accepted. */
const OLD_DEFAULTS: Record<string, string> = {
  ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  ADMIN_TOKEN: 'change-me-admin-token-0123456789',
  USER_TOKEN_SECRET: 'change-me-user-token-secret-0123456789abcdef',
  POSTGRES_PASSWORD: 'local-store-demo-password',
  DEMO_API_KEY: 'dtg_demo_compose_api_key_0123456789abcdef',
  DEMO_WEBHOOK_SECRET: 'whsec_ZGVtby1jb21wb3NlLXdlYmhvb2stc2VjcmV0LTAxMjM0NTY3',
};

/** Runs the README's generator (the bash block writing .env) in a scratch folder and reads what it wrote. */
function generatedEnv(): Record<string, string> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const script = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((block) => block.includes('cat > .env'));
  if (!script) throw new Error('no secret generator in the README');
  const dir = mkdtempSync(path.join(tmpdir(), 'compose-env-'));
  try {
    execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir });
    const lines = readFileSync(path.join(dir, '.env'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('='));
    return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The variables each service's config schema refuses in its compose environment (none: it starts). */
function configProblems(file: Compose): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(configFor).map(([service, schema]) => {
      try {
        loadConfig(schema, file.services[service]?.environment ?? {});
        return [service, []];
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return [service, err.problems.map((p) => `${p.variable}: ${p.reason}`)];
      }
    }),
  );
}

/** cloud-init's (or cloud-scale-init's) --api-key and --webhook-secret, as the admin CLI parses them. */
function provisionedCredentials(file: Compose, service = 'cloud-init') {
  const command = file.services[service]?.command ?? [];
  const flag = (name: string) => command[command.indexOf(name) + 1];
  return ProvidedCredentialsSchema.safeParse({ apiKey: flag('--api-key'), webhookSecret: flag('--webhook-secret') });
}

/** The replicas of the scale profile (cloud-scale-1..n): the upstream nginx must list exactly these. */
const REPLICAS = Object.keys(compose.services).filter((name) => /^cloud-scale-\d+$/.test(name));

const configFor: Record<string, z.ZodType> = {
  'cloud-gateway': CloudConfigSchema,
  'cloud-init': CloudConfigSchema,
  'local-store': LocalConfigSchema,
  'dingtalk-sim': SimEnvSchema,
  'cloud-scale-init': CloudConfigSchema,
  ...Object.fromEntries(REPLICAS.map((name) => [name, CloudConfigSchema])),
  'local-store-scale': LocalConfigSchema,
};

describe('docker-compose.yml', () => {
  const schema = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json'), 'utf8'));
  // The file names draft-07 by a URL ajv does not register; draft-07 is ajv's default dialect.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('is valid against the Compose Specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('when a service is malformed, then the schema check fails (it can fail)', () => {
    const broken = structuredClone(compose) as Record<string, unknown> & { services: Record<string, Record<string, unknown>> };
    broken.services['local-store'] = { ...broken.services['local-store'], depends_on: { postgres: { condition: 'when_it_feels_like_it' } } };
    expect(validate(broken)).toBe(false);
  });

  it.each(Object.keys(configFor))('gives %s only env names its config schema knows', (service) => {
    const env = compose.services[service]?.environment ?? {};
    const schema = configFor[service];
    if (!schema) throw new Error(`no config schema for ${service}`);
    const known = envNames(schema);
    const unknown = Object.keys(env).filter((name) => !known.includes(name) && name !== 'NODE_ENV');
    expect(unknown).toEqual([]);
    expect(Object.keys(env).length).toBeGreaterThan(0);
  });

  it('gives no secret a default: each is required (${VAR:?…}); only the tenant id and the publish address have defaults', () => {
    const refs = references(composeText);
    expect([...new Set(refs.filter((r) => SECRETS.includes(r.name)).map((r) => r.form))]).toEqual([':?']);
    expect(new Set(refs.filter((r) => r.form !== ':?').map((r) => r.name))).toEqual(new Set(['DEMO_TENANT_ID', 'PUBLISH_ADDRESS']));
    expect(new Set(refs.map((r) => r.name))).toEqual(new Set([...SECRETS, 'DEMO_TENANT_ID', 'PUBLISH_ADDRESS']));
  });

  it('when a secret is not set, then compose refuses to start (names the variable)', () => {
    const generated = generatedEnv();
    for (const name of SECRETS) {
      const { [name]: _missing, ...rest } = generated;
      expect(() => composeWith(rest)).toThrow(
        new MissingVariableError(`required variable ${name} is missing a value: generate the secrets first (README, Docker)`),
      );
      expect(() => composeWith({ ...rest, [name]: '' })).toThrow(MissingVariableError);
    }
  });

  it('when the README’s generator made the secrets, then every service accepts its environment and cloud-init its credentials', () => {
    const generated = generatedEnv();
    expect(Object.keys(generated).sort()).toEqual([...SECRETS].sort());
    const file = composeWith(generated);
    expect(configProblems(file)).toEqual(Object.fromEntries(Object.keys(configFor).map((service) => [service, []])));
    // The default profile's cloud runs on SQLite today: nothing filtered there.
    expect(configProblems(file)['cloud-gateway']).toEqual([]);
    expect(provisionedCredentials(file).success).toBe(true);
    expect(provisionedCredentials(file, 'cloud-scale-init').success).toBe(true);
    // Two runs never agree on a secret.
    const again = generatedEnv();
    expect(SECRETS.filter((name) => again[name] === generated[name])).toEqual([]);
  });

  it('when the values this file once shipped are given, then both services refuse to start and cloud-init refuses them', () => {
    const file = composeWith(OLD_DEFAULTS);
    const problems = configProblems(file);
    const named = (service: string) => (problems[service] ?? []).map((line) => line.split(':')[0]).sort();
    expect(problems['cloud-gateway']?.every((line) => line.includes('published in this repository'))).toBe(true);
    expect(named('cloud-gateway')).toEqual(['ADMIN_TOKEN', 'ENCRYPTION_KEY', 'USER_TOKEN_SECRET']);
    expect(named('local-store')).toEqual(['CLOUD_API_KEY', 'DATABASE_URL', 'WEBHOOK_SECRETS']);
    expect(
      provisionedCredentials(file)
        .error?.issues.map((i) => i.path.join('.'))
        .sort(),
    ).toEqual(['apiKey', 'webhookSecret']);
  });

  it('publishes every port on 127.0.0.1 unless PUBLISH_ADDRESS widens it', () => {
    const published = (file: Compose) => Object.values(file.services).flatMap((svc) => svc.ports ?? []);
    const generated = generatedEnv();
    expect(published(compose).length).toBeGreaterThan(0);
    expect(published(composeWith(generated)).every((port) => port.startsWith('127.0.0.1:'))).toBe(true);
    expect(published(composeWith({ ...generated, PUBLISH_ADDRESS: '0.0.0.0' })).every((port) => port.startsWith('0.0.0.0:'))).toBe(true);
  });

  it('gives each long-running service a healthcheck or a Dockerfile HEALTHCHECK', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      // One-shots (provisioning, migrations) exit; what waits for them waits for their success.
      if (svc.restart === 'no') continue;
      const image = svc.build ? stage(svc.build.target ?? '') : '';
      expect({ name, health: Boolean(svc.healthcheck) || image.includes('HEALTHCHECK') }).toEqual({ name, health: true });
    }
  });
});

/** Services compose starts for `--profile <profile>`: those without profiles, and that profile's. */
const inProfile = (file: Compose, profile?: string) =>
  Object.keys(file.services).filter((name) => {
    const profiles = file.services[name]?.profiles;
    return !profiles || (profile !== undefined && profiles.includes(profile));
  });
/** A bind mount's host path (`./x:/y[:ro]`), relative to the compose file; named volumes give undefined. */
const hostPath = (volume: string) => (volume.startsWith('./') || volume.startsWith('../') ? volume.split(':')[0] : undefined);
/** `host:port:container` (or `port:container`) → the host port and the container port. */
const publishedPorts = (svc: Service) =>
  (svc.ports ?? []).map((spec) => {
    const parts = spec.split(':');
    return { host: Number(parts[parts.length - 2]), container: Number(parts[parts.length - 1]) };
  });
const nginxConfPath = (file: Compose) => {
  const mount = (file.services['cloud-lb']?.volumes ?? []).find((v) => v.includes(':/etc/nginx/conf.d/'));
  return mount && hostPath(mount);
};

/**
 * What is wrong with the scale profile's wiring, as sentences (empty when it holds): nginx's upstream
 * lists exactly the replica services on the port they listen on, proxies to it, fails over and passes
 * the client's address in the form TRUST_PROXY expects; the local store and the browsers reach the
 * cloud through nginx; every replica has the same environment.
 */
function scaleWiringProblems(file: Compose, conf: Directive[]): string[] {
  const problems: string[] = [];
  const replicas = Object.keys(file.services).filter((name) => /^cloud-scale-\d+$/.test(name));
  const replicaPort = (name: string) => Number(file.services[name]?.environment?.['PORT']);
  const upstreams = findDirectives(conf, 'upstream');
  const proxyPass = findDirectives(conf, 'proxy_pass');
  const upstreamName = /^http:\/\/([^/:]+)/.exec(proxyPass[0]?.args[0] ?? '')?.[1];
  const upstream = upstreams.find((u) => u.args[0] === upstreamName);
  if (proxyPass.length !== 1 || !upstream) problems.push(`nginx proxies to ${proxyPass.map((d) => d.args[0]).join(', ') || 'nothing'}, not to one upstream`);
  const servers = (upstream?.block ?? []).filter((d) => d.name === 'server').map((d) => d.args[0] ?? '');
  const expected = replicas.map((name) => `${name}:${replicaPort(name)}`);
  if (JSON.stringify([...servers].sort()) !== JSON.stringify([...expected].sort()))
    problems.push(`upstream servers ${servers.join(' ')} are not the replicas ${expected.join(' ')}`);
  if (replicas.length < 2) problems.push(`${replicas.length} replica(s): nothing to fail over to`);

  const next = findDirectives(conf, 'proxy_next_upstream').flatMap((d) => d.args);
  for (const condition of ['error', 'timeout', 'http_502', 'http_503']) if (!next.includes(condition)) problems.push(`proxy_next_upstream lacks ${condition}`);
  if (next.includes('non_idempotent')) problems.push('proxy_next_upstream would resend a POST another replica already received');
  const headers = new Map(findDirectives(conf, 'proxy_set_header').map((d) => [d.args[0]?.toLowerCase(), d.args[1]]));
  if (headers.get('x-forwarded-for') !== '$proxy_add_x_forwarded_for') problems.push('X-Forwarded-For is not $proxy_add_x_forwarded_for');
  if (!headers.has('x-forwarded-proto')) problems.push('X-Forwarded-Proto is not passed');
  if (!headers.has('host')) problems.push('Host is not passed');

  const maxBody = findDirectives(conf, 'client_max_body_size')[0]?.args[0] ?? '1m';
  const bodyBytes = Number(/^(\d+)/.exec(maxBody)?.[1]) * ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[maxBody.slice(-1).toLowerCase()] ?? 1);
  const largestMedia = Math.max(...Object.values(MEDIA_LIMITS).map((l) => l.maxBytes));
  if (!(bodyBytes > largestMedia)) problems.push(`client_max_body_size ${maxBody} refuses a ${largestMedia / 1024 ** 2} MB media upload`);

  const listen = Number(findDirectives(conf, 'listen')[0]?.args[0]);
  const lb = file.services['cloud-lb'];
  const lbPublished = lb ? publishedPorts(lb).find((p) => p.container === listen) : undefined;
  if (!lbPublished) problems.push(`cloud-lb does not publish nginx's port ${listen}`);
  const publicUrl = `http://localhost:${lbPublished?.host}`;
  const store = file.services['local-store-scale']?.environment ?? {};
  if (store['CLOUD_URL'] !== `http://cloud-lb:${listen}`) problems.push(`local-store-scale reaches the cloud at ${store['CLOUD_URL']}, not through nginx`);
  if (store['CLOUD_PUBLIC_URL'] !== publicUrl) problems.push(`local-store-scale's CLOUD_PUBLIC_URL ${store['CLOUD_PUBLIC_URL']} is not nginx's ${publicUrl}`);

  const envs = replicas.map((name) => file.services[name]?.environment ?? {});
  for (const [i, env] of envs.entries()) {
    if (JSON.stringify(env) !== JSON.stringify(envs[0])) problems.push(`${replicas[i]} has another environment than ${replicas[0]}`);
    if (env['PUBLIC_URL'] !== publicUrl) problems.push(`${replicas[i]}'s PUBLIC_URL ${env['PUBLIC_URL']} is not nginx's ${publicUrl}`);
    // One proxy in front: Express takes the address nginx appended, not one a client wrote.
    if (env['TRUST_PROXY'] !== '1') problems.push(`${replicas[i]}'s TRUST_PROXY is ${env['TRUST_PROXY']}, not 1 (nginx)`);
  }
  return problems;
}

/**
 * Start-up order problems among the services of `profile` (and the default ones): a dependency on a
 * service compose would not start, a wait for health on one without a healthcheck, a wait for
 * completion on one that does not exit, a cycle.
 */
function dependencyProblems(file: Compose, profile?: string): string[] {
  const problems: string[] = [];
  const started = new Set(inProfile(file, profile));
  for (const name of started) {
    for (const [dep, { condition }] of Object.entries(file.services[name]?.depends_on ?? {})) {
      const target = file.services[dep];
      if (!target || !started.has(dep))
        problems.push(`${name} depends on ${dep}, which ${profile ? `--profile ${profile}` : 'the default profile'} does not start`);
      else if (condition === 'service_healthy' && target.restart === 'no') problems.push(`${name} waits for ${dep} to be healthy; it is a one-shot`);
      else if (condition === 'service_healthy' && !target.healthcheck && !stage(target.build?.target ?? '').includes('HEALTHCHECK'))
        problems.push(`${name} waits for ${dep} to be healthy; it has no healthcheck`);
      else if (condition === 'service_completed_successfully' && target.restart !== 'no') problems.push(`${name} waits for ${dep} to finish; it is restarted`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, trail: string[]) => {
    if (done.has(name)) return;
    if (visiting.has(name)) return void problems.push(`cycle: ${[...trail, name].join(' → ')}`);
    visiting.add(name);
    for (const dep of Object.keys(file.services[name]?.depends_on ?? {})) visit(dep, [...trail, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of started) visit(name, []);
  return problems;
}

/** Whether `name` waits (directly or through what it waits for) for `dep` under `condition`. */
function waitsFor(file: Compose, name: string, dep: string, condition: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  return Object.entries(file.services[name]?.depends_on ?? {}).some(
    ([next, c]) => (next === dep && c.condition === condition) || waitsFor(file, next, dep, condition, seen),
  );
}

describe('docker-compose.yml, profile scale', () => {
  const generated = generatedEnv();
  const file = composeWith(generated);
  const confPath = nginxConfPath(compose);
  const conf = parseNginxConf(readFileSync(path.join(root, confPath ?? 'missing'), 'utf8'));
  const scaleServices = Object.keys(compose.services).filter((name) => compose.services[name]?.profiles);

  it('adds its services under the scale profile only: the default `up` starts what it always did', () => {
    expect(inProfile(compose)).toEqual(['postgres', 'dingtalk-sim', 'cloud-init', 'cloud-gateway', 'local-store']);
    expect(REPLICAS).toEqual(['cloud-scale-1', 'cloud-scale-2', 'cloud-scale-3']);
    expect(scaleServices.sort()).toEqual(['cloud-lb', 'cloud-postgres', 'cloud-scale-init', 'cloud-scale-migrate', 'local-store-scale', ...REPLICAS].sort());
    for (const name of scaleServices) expect({ name, profiles: compose.services[name]?.profiles }).toEqual({ name, profiles: ['scale'] });
  });

  it('mounts only files that exist (nginx config, the Postgres init script, executable) and declares its named volumes', () => {
    const mounts = Object.values(compose.services).flatMap((svc) => svc.volumes ?? []);
    const files = mounts.map(hostPath).filter((p): p is string => p !== undefined);
    expect(files.sort()).toEqual(['./deploy/nginx/cloud-scale.conf', './deploy/postgres/cloud-scale-initdb.sh']);
    for (const file of files)
      expect({ file, exists: existsSync(path.join(root, file)) && statSync(path.join(root, file)).isFile() }).toEqual({ file, exists: true });
    // The postgres entrypoint executes an executable .sh (else sources it into its own shell).
    expect(statSync(path.join(root, 'deploy/postgres/cloud-scale-initdb.sh')).mode & 0o111).not.toBe(0);
    const named = mounts.filter((v) => !hostPath(v)).map((v) => v.split(':')[0]);
    expect(named.filter((v) => !(v && v in (compose.volumes ?? {})))).toEqual([]);
    // The Postgres config the migration step names is in the image (the build copies the repository).
    const migrate = compose.services['cloud-scale-migrate'];
    const config = migrate?.command?.[migrate.command.indexOf('--config') + 1] ?? '';
    expect(existsSync(path.join(root, (migrate?.working_dir ?? '').replace(/^\/app\/?/, ''), config))).toBe(true);
    expect(existsSync(path.join(root, (migrate?.command?.[1] ?? '').replace(/^\/app\//, '')))).toBe(true);
  });

  it('gives every cloud process the same secrets and the same Postgres database, one the copy command accepts', () => {
    const cloud = ['cloud-scale-init', 'cloud-scale-migrate', ...REPLICAS];
    const urls = new Set(cloud.map((name) => file.services[name]?.environment?.['CLOUD_DATABASE_URL']));
    expect(urls.size).toBe(1);
    const url = new URL([...urls][0] ?? '');
    const db = file.services['cloud-postgres']?.environment ?? {};
    expect([url.protocol, url.hostname, url.port, url.username, decodeURIComponent(url.password), url.pathname]).toEqual([
      'postgresql:',
      'cloud-postgres',
      '5432',
      db['POSTGRES_USER'],
      db['POSTGRES_PASSWORD'],
      `/${db['POSTGRES_DB']}`,
    ]);
    const secrets = (name: string) => ['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'USER_TOKEN_SECRET'].map((k) => file.services[name]?.environment?.[k]);
    for (const name of ['cloud-scale-init', ...REPLICAS]) expect({ name, secrets: secrets(name) }).toEqual({ name, secrets: secrets('cloud-gateway') });
    // The migration step gets the URL and the Prisma CLI's quiet switches, nothing the cloud would read.
    expect(Object.keys(file.services['cloud-scale-migrate']?.environment ?? {}).sort()).toEqual([
      'CHECKPOINT_DISABLE',
      'CLOUD_DATABASE_URL',
      'PRISMA_HIDE_UPDATE_MESSAGE',
    ]);
  });

  it('gives the scale local store the role and database the init script creates, and the demo tenant’s credentials', () => {
    const script = readFileSync(path.join(root, 'deploy/postgres/cloud-scale-initdb.sh'), 'utf8');
    const role = /CREATE ROLE (\w+) LOGIN PASSWORD :'(\w+)'/.exec(script);
    const database = /CREATE DATABASE (\w+) OWNER (\w+)/.exec(script);
    expect(script).toContain(`-v ${role?.[2]}="$POSTGRES_PASSWORD"`);
    const store = file.services['local-store-scale']?.environment ?? {};
    const url = new URL(store['DATABASE_URL'] ?? '');
    expect([url.hostname, url.username, decodeURIComponent(url.password), url.pathname]).toEqual([
      'cloud-postgres',
      role?.[1],
      file.services['cloud-postgres']?.environment?.['POSTGRES_PASSWORD'],
      `/${database?.[1]}`,
    ]);
    expect(database?.[2]).toBe(role?.[1]);
    const command = file.services['cloud-scale-init']?.command ?? [];
    const flag = (name: string) => command[command.indexOf(name) + 1];
    expect([store['CLOUD_API_KEY'], store['WEBHOOK_SECRETS'], store['TENANT_ID']]).toEqual([flag('--api-key'), flag('--webhook-secret'), flag('--id')]);
    // The replicas push webhooks straight to this store, and its console is the page a login returns to.
    expect(flag('--webhook-url')).toBe(`http://local-store-scale:${store['PORT']}/webhooks/cloud`);
    const storePort = publishedPorts(file.services['local-store-scale'] ?? {}).find((p) => p.container === Number(store['PORT']));
    expect(flag('--return-url')).toBe(`http://localhost:${storePort?.host}/`);
  });

  it('has an nginx config nginx would parse, and nothing nginx would refuse in it', () => {
    expect(confPath).toBe('./deploy/nginx/cloud-scale.conf');
    expect(conf.map((d) => d.name)).toEqual(['resolver', 'upstream', 'server']);
    expect(nginxProblems(conf)).toEqual([]);
  });

  it('when the nginx config is broken, then the parse or the check fails (it can fail)', () => {
    const text = readFileSync(path.join(root, confPath ?? ''), 'utf8');
    expect(() => parseNginxConf(text.replace('keepalive 32;', 'keepalive 32'))).toThrow(/not terminated by ";"/);
    expect(() => parseNginxConf(`${text}}`)).toThrow(/unexpected "}"/);
    expect(() => parseNginxConf(text.replace(/}\s*$/, ''))).toThrow(/not closed/);
    expect(() => parseNginxConf(text.replace('"";', '";'))).toThrow(/unterminated/);
    expect(nginxProblems(parseNginxConf(text.replace('proxy_read_timeout', 'proxy_raed_timeout')))).toEqual([
      expect.stringMatching(/proxy_raed_timeout: not allowed in location/),
    ]);
    expect(nginxProblems(parseNginxConf(text.replace('http_503;', 'http_503 http_599;')))).toEqual([expect.stringMatching(/unknown condition "http_599"/)]);
    expect(nginxProblems(parseNginxConf(text.replace('zone cloud_scale 64k;', '')))).toEqual([expect.stringMatching(/need a zone/)]);
    expect(nginxProblems(parseNginxConf(text.replace('proxy_pass http://cloud_scale;', 'proxy_pass http://cloud_scal;')))).toEqual([
      expect.stringMatching(/no upstream "cloud_scal"/),
    ]);
  });

  it('puts nginx in front of exactly the replica services, with failover and the forwarded headers TRUST_PROXY expects', () => {
    expect(scaleWiringProblems(file, conf)).toEqual([]);
  });

  it('when the replicas and nginx disagree, then the wiring check names it (it can fail)', () => {
    const withoutThird = structuredClone(file);
    delete withoutThird.services['cloud-scale-3'];
    expect(scaleWiringProblems(withoutThird, conf)).toEqual([
      expect.stringMatching(/^upstream servers .* are not the replicas cloud-scale-1:3100 cloud-scale-2:3100$/),
    ]);
    const otherPort = structuredClone(file);
    for (const name of REPLICAS) (otherPort.services[name]?.environment ?? {})['PORT'] = '3999';
    expect(scaleWiringProblems(otherPort, conf)).toEqual([expect.stringMatching(/are not the replicas cloud-scale-1:3999/)]);
    const direct = structuredClone(file);
    (direct.services['local-store-scale']?.environment ?? {})['CLOUD_URL'] = 'http://cloud-scale-1:3100';
    expect(scaleWiringProblems(direct, conf)).toEqual(['local-store-scale reaches the cloud at http://cloud-scale-1:3100, not through nginx']);
    const drifted = structuredClone(file);
    (drifted.services['cloud-scale-2']?.environment ?? {})['ENCRYPTION_KEY'] = 'x';
    expect(scaleWiringProblems(drifted, conf)).toEqual(['cloud-scale-2 has another environment than cloud-scale-1']);
    const trusting = parseNginxConf(readFileSync(path.join(root, confPath ?? ''), 'utf8').replace('http_503;', 'http_503 non_idempotent;'));
    expect(scaleWiringProblems(file, trusting)).toEqual(['proxy_next_upstream would resend a POST another replica already received']);
  });

  it('publishes no host port twice, with the default profile or beside it', () => {
    const hostPorts = (names: string[]) => names.flatMap((name) => publishedPorts(file.services[name] ?? {}).map((p) => p.host));
    const all = hostPorts(inProfile(file, 'scale'));
    expect(all.filter((port, i) => all.indexOf(port) !== i)).toEqual([]);
    expect(hostPorts(scaleServices).sort()).toEqual([3001, 3101]);
    // The replicas publish nothing: nginx is their only way in.
    expect(hostPorts(REPLICAS)).toEqual([]);
  });

  it('starts in order: Postgres healthy → migrations once → the demo tenant → replicas ready → nginx → the local store', () => {
    expect(dependencyProblems(compose)).toEqual([]);
    expect(dependencyProblems(compose, 'scale')).toEqual([]);
    expect(waitsFor(compose, 'cloud-scale-migrate', 'cloud-postgres', 'service_healthy')).toBe(true);
    expect(waitsFor(compose, 'cloud-scale-init', 'cloud-scale-migrate', 'service_completed_successfully')).toBe(true);
    for (const name of REPLICAS) {
      expect({ name, migrated: waitsFor(compose, name, 'cloud-scale-migrate', 'service_completed_successfully') }).toEqual({ name, migrated: true });
      expect({ name, provisioned: waitsFor(compose, name, 'cloud-scale-init', 'service_completed_successfully') }).toEqual({ name, provisioned: true });
      expect({ name, lb: compose.services['cloud-lb']?.depends_on?.[name]?.condition }).toEqual({ name, lb: 'service_healthy' });
    }
    // Exactly one service migrates: the replicas do not race each other to it.
    const migrators = Object.keys(compose.services).filter((name) => (compose.services[name]?.command ?? []).includes('migrate'));
    expect(migrators).toEqual(['cloud-scale-migrate']);
    expect(waitsFor(compose, 'local-store-scale', 'cloud-lb', 'service_healthy')).toBe(true);
  });

  it('when the order breaks, then the dependency check names it (it can fail)', () => {
    const broken = structuredClone(compose);
    const replica = broken.services['cloud-scale-1'] as Service;
    replica.depends_on = { ...replica.depends_on, 'cloud-scale-migrate': { condition: 'service_healthy' } };
    const init = broken.services['cloud-scale-init'] as Service;
    init.depends_on = { ...init.depends_on, 'cloud-scale-2': { condition: 'service_healthy' } };
    (broken.services['cloud-postgres'] as Service).healthcheck = undefined;
    const problems = dependencyProblems(broken, 'scale');
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        'cloud-scale-1 waits for cloud-scale-migrate to be healthy; it is a one-shot',
        'cloud-scale-migrate waits for cloud-postgres to be healthy; it has no healthcheck',
        'local-store-scale waits for cloud-postgres to be healthy; it has no healthcheck',
        expect.stringMatching(/^cycle: .*cloud-scale-init → cloud-scale-2 → cloud-scale-init$/),
      ]),
    );
    const crossing = structuredClone(compose);
    (crossing.services['local-store'] as Service).depends_on = { 'cloud-lb': { condition: 'service_healthy' } };
    expect(dependencyProblems(crossing)).toEqual(['local-store depends on cloud-lb, which the default profile does not start']);
    const restarted = structuredClone(compose);
    (restarted.services['cloud-scale-migrate'] as Service).restart = 'unless-stopped';
    expect(dependencyProblems(restarted, 'scale')).toEqual(['cloud-scale-init waits for cloud-scale-migrate to finish; it is restarted']);
  });
});

describe('Dockerfile', () => {
  const workspaces = ['apps', 'libs'].flatMap((group) =>
    readdirSync(path.join(root, group))
      .filter((name) => existsSync(path.join(root, group, name, 'package.json')))
      .map((name) => `${group}/${name}/package.json`),
  );

  it('builds once for every service, in stages, copying every workspace manifest before npm ci', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const build = stage('build');
    expect(build).toMatch(/^RUN .*npm run build/m);
    const missing = workspaces.filter((manifest) => !build.includes(`COPY ${manifest}`));
    expect(missing).toEqual([]);
  });

  it('builds and runs on a Node.js LTS line that package.json engines allows (Node 20 left LTS in April 2026)', () => {
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(majors.length).toBeGreaterThanOrEqual(2);
    // LTS lines are the even ones; 20 is end of life.
    for (const major of majors) expect([major % 2, major > 20]).toEqual([0, true]);
    const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/>=22/);
  });

  it.each(['cloud-gateway', 'local-store', 'dingtalk-sim'])('%s is a target that runs its bundle as non-root, with a healthcheck', (app) => {
    const text = stage(app);
    expect(text).toMatch(/^FROM runtime AS /m);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK /m);
    // The image runs what `npm run build` makes, with the node flags npm start and the benchmarks use.
    const cmd = /^CMD (\[.*\])$/m.exec(text)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(['node', ...SERVICE_NODE_ARGS, `apps/${app}/dist/main.js`]);
    // docker-compose builds it by that target.
    expect(compose.services[app]?.build).toEqual({ context: '.', target: app });
  });
});
