// Lint is where the architecture is enforced: Nx tags + depConstraints decide who may import whom.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Import by package name only: a relative path into another project (../../apps/x/src/...) would
// skip both the public entry and the tag rules below.
const LIB_ENTRY_ONLY = [
  { group: ['@dtg/*/src/*', '@dtg/*/src'], message: 'Import a lib through its public entry only.' },
  {
    group: ['**/apps/*', '**/apps/*/**', '**/libs/*', '**/libs/*/**'],
    message: 'Import another project by its package name (@dtg/...), not by a relative path.',
  },
];
const OUTBOUND_HTTP = 'DingTalk calls go through @dtg/dingtalk-client; customer webhooks through features/delivery/webhook-sender.';

// Who may import whom. Apps never import apps and libs never import apps; the local store never
// talks to DingTalk, so it may not even import the client; shared libs use shared libs only.
// @dtg/testkit (type:testkit) drives the product from outside (processes, the simulator's control
// plane), so production code never imports it; tests and tools/ (type:tool) do.
const PRODUCTION = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:local', notDependOnLibsWithTags: ['scope:dingtalk'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['type:lib', 'type:testkit', 'scope:sim'] },
  // Tools read apps through their public entries (config schemas) and run them as processes.
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:testkit', 'type:app'] },
];
// Tests may also start the DingTalk simulator in-process (a test double, tagged scope:sim) and use
// the testkit; every other rule holds for them as for production code.
const NO_ORM_IN_FEATURES = {
  group: ['**/db/prisma', '**/generated/**'],
  importNames: ['Db', 'PrismaClient', 'Prisma'],
  message: 'features use direct SQL (db/sql.ts); Prisma is for tests and tools (see db/README.md)',
};
const TEST_DOUBLES = ['scope:sim', 'type:testkit'];
const TESTS = PRODUCTION.map((rule) =>
  rule.onlyDependOnLibsWithTags && rule.sourceTag !== 'type:tool'
    ? { ...rule, onlyDependOnLibsWithTags: [...rule.onlyDependOnLibsWithTags, ...TEST_DOUBLES] }
    : rule,
);

const boundaries = (depConstraints, ignoredCircularDependencies = []) => [
  'error',
  { enforceBuildableLibDependency: false, banTransitiveDependencies: false, allow: [], depConstraints, ignoredCircularDependencies },
];
// The project pair allowed to meet in a circle, and only through test code: the testkit configures
// the cloud with the simulator's demo fixture and signs callbacks with its crypto (DingTalk's side),
// while the simulator's own tests wait with the testkit's waitFor. The simulator's src/ never imports
// the testkit (the constraints above refuse it), and no file circle exists
// (tools/lint/import-circles.test.ts).
const TEST_ONLY_CIRCLES = [['@dtg/dingtalk-sim', '@dtg/testkit']];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/generated/**', '.nx/**', '.data/**', 'tmp/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    // Type-aware rules need the program: typescript-eslint's project service finds each file's tsconfig.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection and its ordering; a deliberate one says `void` and why.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A promise returned from inside try/finally settles after the finally ran: the admin CLI closed
      // its database while a command's last write was still under way (lost audit entries on Postgres).
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@nx/enforce-module-boundaries': boundaries(PRODUCTION, TEST_ONLY_CIRCLES),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: LIB_ENTRY_ONLY }],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(TESTS, TEST_ONLY_CIRCLES) },
  },
  {
    // The cloud reaches DingTalk only through @dtg/dingtalk-client (tokens, rate limits, retries,
    // error kinds); its one other outbound HTTP path is the customer webhook sender.
    files: ['apps/cloud-gateway/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: OUTBOUND_HTTP }],
      'no-restricted-imports': [
        'error',
        {
          patterns: LIB_ENTRY_ONLY,
          paths: ['axios', 'undici', 'node:http', 'node:https', 'http', 'https'].map((name) => ({ name, message: OUTBOUND_HTTP })),
        },
      ],
    },
  },
  {
    // The cloud's features read and write through db/sql.ts only: Prisma's first ORM query loads its
    // query compiler (WebAssembly, ~20–40 MB of RSS) into a process that otherwise never needs it.
    files: ['apps/cloud-gateway/src/features/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [...LIB_ENTRY_ONLY, NO_ORM_IN_FEATURES],
          paths: ['axios', 'undici', 'node:http', 'node:https', 'http', 'https'].map((name) => ({ name, message: OUTBOUND_HTTP })),
        },
      ],
    },
  },
  {
    files: ['apps/cloud-gateway/src/features/delivery/webhook-sender.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...LIB_ENTRY_ONLY, NO_ORM_IN_FEATURES] }] },
  },
];
