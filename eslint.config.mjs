// Lint is where the architecture is enforced: Nx tags + depConstraints decide who may import whom.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const LIB_ENTRY_ONLY = [{ group: ['@dtg/*/src/*', '@dtg/*/src'], message: 'Import a lib through its public entry only.' }];
const OUTBOUND_HTTP = 'DingTalk calls go through @dtg/dingtalk-client; customer webhooks through features/delivery/webhook-sender.';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/generated/**', '.nx/**', '.data/**', 'tmp/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          allow: [],
          depConstraints: [
            // Apps never import apps; libs never import apps (type:lib may only use type:lib).
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            // The local store never talks to DingTalk, so it may not even import the client.
            { sourceTag: 'scope:local', notDependOnLibsWithTags: ['scope:dingtalk'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: LIB_ENTRY_ONLY }],
    },
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
    files: ['apps/cloud-gateway/src/features/delivery/webhook-sender.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: LIB_ENTRY_ONLY }] },
  },
  {
    // Tests may start the DingTalk simulator in-process (it is a test double, tagged scope:sim).
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'scope:sim'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'scope:sim'] },
            { sourceTag: 'scope:local', notDependOnLibsWithTags: ['scope:dingtalk'] },
          ],
        },
      ],
    },
  },
];
