// The README's configuration table and .env.example must list exactly the variables the services
// read (their zod config schemas), so the docs cannot drift from the code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { SimEnvSchema } from '@dtg/dingtalk-sim';
import { CloudConfigSchema } from '@dtg/cloud-gateway';
import { ConfigSchema as LocalConfigSchema } from '@dtg/local-store';
import { envNames } from '../test/env-names';

const root = path.resolve(__dirname, '../..');

const read = new Set([CloudConfigSchema, LocalConfigSchema, SimEnvSchema].flatMap((s) => envNames(s as z.ZodType)));

describe('configuration docs', () => {
  it('.env.example lists exactly the variables the services read', () => {
    const listed = new Set(
      readFileSync(path.join(root, '.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
        .map((line) => line.split('=')[0] ?? ''),
    );
    expect([...read].filter((name) => !listed.has(name))).toEqual([]);
    expect([...listed].filter((name) => !read.has(name))).toEqual([]);
  });

  it('the README configuration table lists every variable', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const inTable = new Set([...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]));
    expect([...read].filter((name) => !inTable.has(name))).toEqual([]);
  });
});
