// The published form of @dtg/local-client works outside this repository: built, then used from a
// scratch project that has only its two npm dependencies — required (CommonJS), imported (ESM) and
// type-checked by a consumer compiled the way a Node project compiles (module nodenext, strict).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildLocalClient } from './local-client';

const ROOT = path.resolve(__dirname, '../..');
let project: string;

beforeAll(async () => {
  const dist = await buildLocalClient();
  project = mkdtempSync(path.join(tmpdir(), 'local-client-consumer-'));
  const modules = path.join(project, 'node_modules');
  mkdirSync(path.join(modules, '@dtg'), { recursive: true });
  mkdirSync(path.join(modules, '@types'), { recursive: true });
  symlinkSync(dist, path.join(modules, '@dtg', 'local-client'));
  for (const dependency of ['zod', 'standardwebhooks', '@stablelib/base64', 'fast-sha256']) {
    mkdirSync(path.dirname(path.join(modules, dependency)), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(modules, dependency));
  }
  symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(modules, '@types', 'node'));
}, 60_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' });

describe('the built @dtg/local-client package', () => {
  it('declares only npm dependencies (the private workspace libraries are compiled in)', () => {
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/@dtg/local-client/package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['standardwebhooks', 'zod']);
    expect(readFileSync(path.join(project, 'node_modules/@dtg/local-client/index.js'), 'utf8')).not.toMatch(/require\(["']@dtg\//);
  });

  it('when required and imported, then it verifies a signed change event', () => {
    const sign = `
      const { Webhook } = require('standardwebhooks');
      const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
      const body = JSON.stringify({ id: 'chg_1', type: 'user.updated', seq: 3, occurredAt: '2026-12-06T10:00:00.000Z', data: { user: { userid: 'u1', name: 'U', deptIds: [1], active: true }, version: 3 } });
      const headers = { 'webhook-id': 'chg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
      headers['webhook-signature'] = new Webhook(secret).sign('chg_1', new Date(), body);`;
    const cjs = node([
      '-e',
      `${sign}\nconst client = require('@dtg/local-client'); console.log(client.verifyChangeWebhook(body, headers, secret).data.user.userid, typeof client.createLocalStoreClient);`,
    ]);
    expect(cjs.trim()).toBe('u1 function');
    writeFileSync(
      path.join(project, 'esm.mjs'),
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${sign}\nconst { verifyChangeWebhook } = await import('@dtg/local-client');\nconsole.log(verifyChangeWebhook(body, headers, [secret]).type);\n`,
    );
    expect(node(['esm.mjs']).trim()).toBe('user.updated');
  });

  it('when a TypeScript project uses it, then its types check (contracts types included)', () => {
    writeFileSync(
      path.join(project, 'consumer.ts'),
      `import { createLocalStoreClient, verifyChangeWebhook, type ChangeEvent, type UserProfile } from '@dtg/local-client';
const client = createLocalStoreClient({ baseUrl: 'http://localhost:3000', token: 'dtgs_x' });
export async function names(): Promise<string[]> {
  const page = await client.users.list({ deptId: 2, includeSubDepartments: true, active: 'any' });
  const first: UserProfile | undefined = page.items[0];
  return first ? [first.name] : [];
}
export function onPush(raw: string, headers: Record<string, string>): string | undefined {
  const event: ChangeEvent = verifyChangeWebhook(raw, headers, 'whsec_x');
  if (event.type === 'user.updated') return event.data.user.userid;
  return undefined;
}
`,
    );
    // A misuse must be caught: were the declarations unresolved, everything would be \`any\` and compile.
    writeFileSync(
      path.join(project, 'misuse.ts'),
      `import { createLocalStoreClient } from '@dtg/local-client';\nexport const wrong: number = createLocalStoreClient({ baseUrl: 'x', token: 'y' }).users.get('u1');\n`,
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      // skipLibCheck as most projects have it (checking zod's and Node's own declarations is not the point here).
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
        files: ['consumer.ts', 'misuse.ts'],
      }),
    );
    let output = '';
    try {
      node([path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    const errors = output.split('\n').filter((line) => /error TS/.test(line));
    expect(errors).toEqual([expect.stringMatching(/^misuse\.ts\(2,14\): error TS2322: Type 'Promise<.*>' is not assignable to type 'number'/)]);
  }, 60_000);
});
