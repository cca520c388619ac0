// No Docker engine runs here, so the compose file and Dockerfiles are checked offline: the compose
// file against the Compose Specification schema (as shipped by dclint), every service's env names
// against the app's own config schema, its secrets (none has a default; the README's generator
// makes values every service accepts; the values it once shipped are refused), its published ports
// (127.0.0.1 unless widened), and the Dockerfiles for the properties we rely on.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { z } from 'zod';
import { SimEnvSchema } from '@dtg/dingtalk-sim';
import { ConfigError, loadConfig } from '@dtg/service-kit';
import { CloudConfigSchema, ProvidedCredentialsSchema } from '@dtg/cloud-gateway';
import { ConfigSchema as LocalConfigSchema } from '@dtg/local-store';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { envNames } from '../test/env-names';
import { interpolate, MissingVariableError, references } from './interpolate';

const root = path.resolve(__dirname, '../..');
type Compose = {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      build?: { context: string; dockerfile?: string; target?: string };
      healthcheck?: unknown;
      ports?: string[];
      command?: string[];
    }
  >;
};
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

/** cloud-init's --api-key and --webhook-secret, as the admin CLI parses them. */
function provisionedCredentials(file: Compose) {
  const command = file.services['cloud-init']?.command ?? [];
  const flag = (name: string) => command[command.indexOf(name) + 1];
  return ProvidedCredentialsSchema.safeParse({ apiKey: flag('--api-key'), webhookSecret: flag('--webhook-secret') });
}

const configFor: Record<string, z.ZodType> = {
  'cloud-gateway': CloudConfigSchema,
  'cloud-init': CloudConfigSchema,
  'local-store': LocalConfigSchema,
  'dingtalk-sim': SimEnvSchema,
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
    expect(configProblems(file)).toEqual({ 'cloud-gateway': [], 'cloud-init': [], 'local-store': [], 'dingtalk-sim': [] });
    expect(provisionedCredentials(file).success).toBe(true);
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
      if (name === 'cloud-init') continue;
      const image = svc.build ? stage(svc.build.target ?? '') : '';
      expect({ name, health: Boolean(svc.healthcheck) || image.includes('HEALTHCHECK') }).toEqual({ name, health: true });
    }
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
