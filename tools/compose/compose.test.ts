// No Docker engine runs here, so the compose file and Dockerfiles are checked offline: the compose
// file against the Compose Specification schema (as shipped by dclint), every service's env names
// against the app's own config schema, and the Dockerfiles for the properties we rely on.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { z } from 'zod';
import { SimEnvSchema } from '@dtg/dingtalk-sim';
import { CloudConfigSchema } from '../../apps/cloud-gateway/src/config';
import { ConfigSchema as LocalConfigSchema } from '../../apps/local-store/src/config';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { envNames } from '../test/env-names';

const root = path.resolve(__dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; build?: { dockerfile: string }; healthcheck?: unknown }>;
};

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

  it('gives each long-running service a healthcheck or a Dockerfile HEALTHCHECK', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (name === 'cloud-init') continue;
      const dockerfile = svc.build ? readFileSync(path.join(root, svc.build.dockerfile), 'utf8') : '';
      expect({ name, health: Boolean(svc.healthcheck) || dockerfile.includes('HEALTHCHECK') }).toEqual({ name, health: true });
    }
  });
});

describe('Dockerfiles', () => {
  const workspaces = ['apps', 'libs'].flatMap((group) =>
    readdirSync(path.join(root, group))
      .filter((name) => existsSync(path.join(root, group, name, 'package.json')))
      .map((name) => `${group}/${name}/package.json`),
  );

  it.each(['cloud-gateway', 'local-store', 'dingtalk-sim'])('%s builds in stages, runs its bundle as non-root, has a healthcheck and copies every workspace manifest', (app) => {
    const text = readFileSync(path.join(root, 'apps', app, 'Dockerfile'), 'utf8');
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK /m);
    // The image runs what `npm run build` makes, with the node flags npm start and the benchmarks use.
    expect(text).toMatch(/^RUN .*npm run build/m);
    const cmd = /^CMD (\[.*\])$/m.exec(text)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(['node', ...SERVICE_NODE_ARGS, `apps/${app}/dist/main.js`]);
    const missing = workspaces.filter((manifest) => !text.includes(`COPY ${manifest}`));
    expect(missing).toEqual([]);
  });
});
