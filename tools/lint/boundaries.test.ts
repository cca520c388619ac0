// The architecture's import rules are lint errors, not advice. Each probe below would compile;
// lint must refuse it. The probes are written into the projects for one real eslint run (its
// flat config is ESM, which Jest's CommonJS runtime cannot load in-process) and removed after.
// The Nx rule silently skips itself without a project graph, so one is built first.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const tag = randomUUID().slice(0, 8);

const probes = {
  localImportsClient: ['apps/local-store/src', "import { DingTalkClient } from '@dtg/dingtalk-client';\nexport const c = DingTalkClient;\n"],
  appImportsApp: ['apps/cloud-gateway/src', "import { ConfigSchema } from '@dtg/local-store';\nexport const c = ConfigSchema;\n"],
  libImportsApp: ['libs/contracts/src', "import { DEMO } from '@dtg/dingtalk-sim';\nexport const d = DEMO;\n"],
  deepImport: ['apps/cloud-gateway/src', "import { route } from '@dtg/service-kit/src/validation/route';\nexport const r = route;\n"],
  cloudImportsClient: ['apps/cloud-gateway/src', "import { DingTalkClient } from '@dtg/dingtalk-client';\nexport const c = DingTalkClient;\n"],
  localImportsContracts: ['apps/local-store/src', "import { EVENT_TYPES } from '@dtg/contracts';\nexport const e = EVENT_TYPES;\n"],
  toolRelativeApp: ['tools/bench', "import { ConfigSchema } from '../../apps/local-store/src/config';\nexport const c = ConfigSchema;\n"],
  testRelativeApp: ['apps/system-e2e/test', "import { ConfigSchema } from '../../local-store/src/config';\nexport const c = ConfigSchema;\n"],
  productionImportsTestkit: ['apps/cloud-gateway/src', "import { waitFor } from '@dtg/testkit';\nexport const w = waitFor;\n"],
  sharedLibImportsClient: ['libs/webhook-signing/src', "import { DingTalkClient } from '@dtg/dingtalk-client';\nexport const c = DingTalkClient;\n", '.test'],
  testImportsTestkit: ['apps/cloud-gateway/test', "import { waitFor } from '@dtg/testkit';\nexport const w = waitFor;\n"],
  toolImportsTestkit: [
    'tools/bench',
    "import { startStack } from '@dtg/testkit';\nimport { ConfigSchema } from '@dtg/local-store';\nexport const s = [startStack, ConfigSchema];\n",
  ],
  floatingPromise: ['apps/cloud-gateway/src', 'const later = async (): Promise<number> => 1;\nexport function f(): void {\n  later();\n}\n'],
  misusedPromise: ['apps/cloud-gateway/src', 'export const t = setInterval(async () => undefined, 1000);\nexport const ok = [1].filter(async () => true);\n'],
  cloudRawFetch: ['apps/cloud-gateway/src/features', "export const get = () => fetch('https://oapi.dingtalk.com/gettoken');\n"],
  cloudAxios: ['apps/cloud-gateway/src/features', "import axios from 'axios';\nexport const get = () => axios.get('https://oapi.dingtalk.com/gettoken');\n"],
} as const satisfies Record<string, readonly [dir: string, code: string, suffix?: string]>;

type Probe = keyof typeof probes;
const errors = {} as Record<Probe, string>;

beforeAll(() => {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  execFileSync(process.execPath, [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: root, env, stdio: 'ignore' });
  const files = Object.entries(probes).map(([name, [dir, code, suffix]]: [string, readonly [string, string, string?]]) => {
    // A `.test` suffix makes the probe a test file, which the test rules cover.
    const file = path.join(root, dir, `boundary-probe-${tag}-${name}${suffix ?? ''}.ts`);
    writeFileSync(file, code);
    return [name as Probe, file] as const;
  });
  try {
    let out: string;
    try {
      out = execFileSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...files.map(([, f]) => f)], {
        cwd: root,
        env,
        encoding: 'utf8',
      });
    } catch (err) {
      out = (err as { stdout: string }).stdout; // eslint exits 1 when it finds errors
    }
    const results = JSON.parse(out) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
    for (const [name, file] of files) {
      const messages = results.find((r) => r.filePath === file)?.messages ?? [];
      errors[name] = messages
        .filter(
          (m) =>
            m.ruleId === '@nx/enforce-module-boundaries' ||
            m.ruleId === 'no-restricted-imports' ||
            m.ruleId === 'no-restricted-globals' ||
            m.ruleId?.startsWith('@typescript-eslint/no-') === true,
        )
        .map((m) => m.message)
        .join('\n');
    }
  } finally {
    for (const [, file] of files) rmSync(file, { force: true });
  }
}, 120_000);

describe('module boundaries (lint)', () => {
  it('refuses an import of the DingTalk client from the local store', () => {
    expect(errors.localImportsClient).toMatch(/scope:local.*scope:dingtalk/s);
  });
  it('refuses an app importing another app', () => {
    expect(errors.appImportsApp).toMatch(/type:app.*type:lib/s);
  });
  it('refuses a lib importing an app', () => {
    expect(errors.libImportsApp).not.toBe('');
  });
  it('refuses deep imports into a lib', () => {
    expect(errors.deepImport).toMatch(/public entry/);
  });
  it('refuses a relative import into another project, from tools and from tests', () => {
    expect(errors.toolRelativeApp).toMatch(/package name|relative/);
    expect(errors.testRelativeApp).toMatch(/package name|relative/);
  });
  it('refuses the testkit in production code', () => {
    expect(errors.productionImportsTestkit).toMatch(/type:app.*type:lib/s);
  });
  it('keeps the shared-scope rule in tests (a shared lib test may not use the DingTalk client)', () => {
    expect(errors.sharedLibImportsClient).toMatch(/scope:shared/);
  });
  it('refuses a promise nobody handles, and a promise where a plain value is expected (type-aware)', () => {
    expect(errors.floatingPromise).toMatch(/Promises must be awaited/);
    expect(errors.misusedPromise).toMatch(/Promise/);
  });
  it('refuses a raw HTTP call from the cloud (DingTalk goes through the client)', () => {
    expect(errors.cloudRawFetch).toMatch(/dingtalk-client/);
    expect(errors.cloudAxios).toMatch(/dingtalk-client/);
  });
  it('allows what the architecture allows', () => {
    expect(errors.cloudImportsClient).toBe('');
    expect(errors.localImportsContracts).toBe('');
    expect(errors.testImportsTestkit).toBe('');
    expect(errors.toolImportsTestkit).toBe('');
  });
});
