import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { envBool, envDurationMs, envDurationOrOff, envInt, envList, envPort, envRateLimit, envSecret, envTrustProxy, envUrl } from './env-schemas';
import { loadConfig } from './load-config';

const ConfigSchema = z.object({
  PORT: envPort(3000),
  PUBLIC_URL: envUrl(),
  DEBUG: envBool(false),
  WORKERS: envInt(2, { min: 1, max: 8 }),
  POLL_INTERVAL: envDurationMs('5s'),
  SESSION_SECRET: envSecret({ minLength: 32 }),
  ALLOWED_ORIGINS: envList([]),
});

const goodEnv = { PUBLIC_URL: 'https://gw.example.test', SESSION_SECRET: 's'.repeat(32) };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(ConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when only required vars are set, then defaults fill the rest', () => {
    expect(loadConfig(ConfigSchema, goodEnv)).toEqual({
      PORT: 3000,
      PUBLIC_URL: 'https://gw.example.test',
      DEBUG: false,
      WORKERS: 2,
      POLL_INTERVAL: 5000,
      SESSION_SECRET: 's'.repeat(32),
      ALLOWED_ORIGINS: [],
    });
  });

  it('when values are given, then they are parsed into typed values', () => {
    const config = loadConfig(ConfigSchema, {
      ...goodEnv,
      PORT: '0',
      DEBUG: 'YES',
      WORKERS: '8',
      POLL_INTERVAL: '2m',
      ALLOWED_ORIGINS: ' https://a.test, ,https://b.test ',
    });
    expect(config).toMatchObject({ PORT: 0, DEBUG: true, WORKERS: 8, POLL_INTERVAL: 120_000 });
    expect(config.ALLOWED_ORIGINS).toEqual(['https://a.test', 'https://b.test']);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig(ConfigSchema, { ...goodEnv, ALLOWED_ORIGINS: 'https://a.test' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ALLOWED_ORIGINS)).toBe(true);
  });

  it('when several vars are bad, then every one is listed with a reason', () => {
    const error = configError({
      PORT: 'abc',
      PUBLIC_URL: 'not a url',
      DEBUG: 'maybe',
      WORKERS: '9',
      POLL_INTERVAL: '5 parsecs',
      SESSION_SECRET: 'short-secret-value',
    });
    expect(error.problems).toEqual([
      { variable: 'PORT', reason: 'must be an integer' },
      { variable: 'PUBLIC_URL', reason: 'must be an absolute URL' },
      { variable: 'DEBUG', reason: 'must be one of true/false, 1/0, yes/no, on/off' },
      { variable: 'WORKERS', reason: 'must be between 1 and 8' },
      { variable: 'POLL_INTERVAL', reason: 'must be a duration like 5000, 250ms, 5s, 2m, 1h or 1d' },
      { variable: 'SESSION_SECRET', reason: 'must be at least 32 characters long' },
    ]);
    for (const variable of ['PORT', 'PUBLIC_URL', 'DEBUG', 'WORKERS', 'POLL_INTERVAL', 'SESSION_SECRET']) {
      expect(error.message).toContain(variable);
    }
  });

  it('when a secret is too short, then its value appears nowhere in the error', () => {
    const error = configError({ ...goodEnv, SESSION_SECRET: 'hunter2-very-private' });
    expect(error.message).toContain('SESSION_SECRET');
    expect(JSON.stringify(error.problems)).not.toContain('hunter2');
    expect(error.message).not.toContain('hunter2');
  });

  it('when required vars are missing or blank, then they are reported as not set', () => {
    expect(configError({ PUBLIC_URL: '  ' }).problems).toEqual([
      { variable: 'PUBLIC_URL', reason: 'is required but not set' },
      { variable: 'SESSION_SECRET', reason: 'is required but not set' },
    ]);
  });

  it('rejects ports out of range', () => {
    expect(configError({ ...goodEnv, PORT: '65536' }).problems).toEqual([{ variable: 'PORT', reason: 'must be between 0 and 65535' }]);
    expect(configError({ ...goodEnv, PORT: '-1' }).problems).toEqual([{ variable: 'PORT', reason: 'must be between 0 and 65535' }]);
  });

  it.each([
    ['5000', 5000],
    ['250ms', 250],
    ['5s', 5000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
  ])('reads the duration %s as %d ms', (text, ms) => {
    expect(loadConfig(ConfigSchema, { ...goodEnv, POLL_INTERVAL: text }).POLL_INTERVAL).toBe(ms);
  });

  it('when a helper has no default, then .optional() makes the var optional', () => {
    const schema = z.object({ DATABASE_URL: envUrl().optional() });
    expect(loadConfig(schema, {})).toEqual({});
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).DATABASE_URL).toBe('postgres://u@127.0.0.1:5432/db');
  });
});

describe('rate limits and trust proxy', () => {
  const Schema = z.object({ LIMIT: envRateLimit('60/1m'), TRUST_PROXY: envTrustProxy() });
  const load = (env: Record<string, string>) => loadConfig(Schema, env);

  it('reads <count>/<duration>, and defaults', () => {
    expect(load({}).LIMIT).toEqual({ points: 60, durationMs: 60_000 });
    expect(load({ LIMIT: '5/10s' }).LIMIT).toEqual({ points: 5, durationMs: 10_000 });
    for (const bad of ['60', '0/1m', '10/5ms', 'x/1m', '10/soon']) expect(() => load({ LIMIT: bad })).toThrow(/LIMIT: must be <count>\/<duration>/);
  });

  it('trusts no proxy by default, a number of hops or named addresses when told, and refuses "true"', () => {
    expect(load({}).TRUST_PROXY).toBe(false);
    expect(load({ TRUST_PROXY: 'off' }).TRUST_PROXY).toBe(false);
    expect(load({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(load({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(load({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.168.1.7' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.168.1.7']);
    for (const bad of ['true', 'yes', 'everything', '10.0.0.0/33', '11']) expect(() => load({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });
});

describe('durations that may be off', () => {
  const Schema = z.object({ RETENTION: envDurationOrOff('30d') });

  it('reads a duration, off as 0, the default when unset, and refuses anything else naming the variable', () => {
    expect(loadConfig(Schema, {}).RETENTION).toBe(30 * 86_400_000);
    expect(loadConfig(Schema, { RETENTION: '12h' }).RETENTION).toBe(12 * 3_600_000);
    expect(loadConfig(Schema, { RETENTION: 'off' }).RETENTION).toBe(0);
    expect(() => loadConfig(Schema, { RETENTION: 'forever' })).toThrow(/RETENTION.*or off/);
  });
});

describe('parseConfigOrExit', () => {
  it('when config is bad, then it prints one line per problem to stderr and exits non-zero', () => {
    const entry = path.join(__dirname, '..', 'index.ts');
    const script = `
      const { z } = require('zod');
      const kit = require(${JSON.stringify(entry)});
      kit.parseConfigOrExit(z.object({ PORT: kit.envPort(3000), API_SECRET: kit.envSecret({ minLength: 20 }) }));
      console.log('unreachable');
    `;
    const child = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], {
      env: { PATH: process.env.PATH, PORT: 'abc', API_SECRET: 'tiny-leaked-secret' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status).toBe(1);
    expect(child.stdout).not.toContain('unreachable');
    expect(child.stderr).not.toContain('tiny-leaked-secret');
    const lines = child.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual(['Invalid configuration (2 problem(s)):', '  PORT: must be an integer', '  API_SECRET: must be at least 20 characters long']);
  });
});

describe('loadConfig with <NAME>_FILE (Docker and Kubernetes secrets)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'config-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function secretFile(content: string): string {
    const file = path.join(dir, `secret-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, content);
    return file;
  }

  it('reads the variable from the file, dropping the one trailing newline an editor adds', () => {
    const config = loadConfig(ConfigSchema, { PUBLIC_URL: 'https://gw.example.test', SESSION_SECRET_FILE: secretFile(`${'f'.repeat(40)}\n`) });
    expect(config.SESSION_SECRET).toBe('f'.repeat(40));
  });

  it('refuses a variable given both ways, and a file that cannot be read, naming the variable and never the content', () => {
    const both = configError({ ...goodEnv, SESSION_SECRET_FILE: secretFile('x'.repeat(40)) });
    expect(both.problems).toContainEqual({ variable: 'SESSION_SECRET_FILE', reason: 'is set together with SESSION_SECRET; set only one of them' });
    const missing = configError({ PUBLIC_URL: 'https://gw.example.test', SESSION_SECRET_FILE: path.join(dir, 'absent') });
    expect(missing.problems).toContainEqual({ variable: 'SESSION_SECRET_FILE', reason: 'cannot be read (ENOENT)' });
    const short = configError({ PUBLIC_URL: 'https://gw.example.test', SESSION_SECRET_FILE: secretFile('tooshort-secret') });
    expect(short.message).not.toContain('tooshort-secret');
  });

  it('ignores _FILE variables the schema does not know', () => {
    expect(() => loadConfig(ConfigSchema, { ...goodEnv, UNRELATED_FILE: path.join(dir, 'absent') })).not.toThrow();
  });

  it("works through a schema that transforms its object (the local store's)", () => {
    const Piped = z.object({ TOKEN: envSecret({ minLength: 8 }) }).transform((env) => ({ token: env.TOKEN }));
    expect(loadConfig(Piped, { TOKEN_FILE: secretFile('piped-secret') })).toEqual({ token: 'piped-secret' });
  });
});
