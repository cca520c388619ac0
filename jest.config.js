// One Jest run covers every project (one summary line for CI); each project keeps its own
// display name so `--selectProjects @dtg/x` runs just one.
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' }];

// ESM-only packages (panva's OpenID Connect libraries and what they import, request-filtering-agent). Jest's CommonJS
// runtime cannot load ESM without --experimental-vm-modules, so swc turns them into CommonJS, as it
// does our TypeScript; plain node (tsx, the bundles) loads them natively.
const ESM_PACKAGES = [
  'oidc-provider',
  'openid-client',
  'oauth4webapi',
  'jose',
  'koa',
  '@koa',
  'nanoid',
  'quick-lru',
  'eta',
  'koa-compose',
  'jsesc',
  'raw-body',
  'request-filtering-agent',
];
const transform = { '^.+\\.(ts|js|mjs)$': swc };
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`];

const projects = ['apps', 'libs'].flatMap((group) =>
  readdirSync(path.join(__dirname, group))
    .filter((name) => existsSync(path.join(__dirname, group, name, 'package.json')))
    .map((name) => ({
      displayName: `@dtg/${name}`,
      rootDir: path.join(__dirname, group, name),
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
    })),
);

// The cloud's suites once more on Postgres (issue #22): the harness makes each cloud a Postgres
// database of its own (test/support/test-database.ts). What tests SQLite itself, the migrations of
// either dialect, the copy between them and the unit tests under src/ run once, in the project above.
const SQLITE_ONLY = ['sqlite-connection', 'wal-checkpointer', 'migrations', 'copy-to-postgres', 'postgres-migrations', 'postgres-schema'];
// And what only Postgres has: several replicas on one database (on SQLite there is one process).
const POSTGRES_ONLY = ['replicas-dingtalk-limits', 'replicas-rate-limits'];
const cloud = projects.find((p) => p.displayName === '@dtg/cloud-gateway');
cloud.testPathIgnorePatterns = POSTGRES_ONLY.map((name) => `/test/${name}\\.test\\.ts$`);
projects.push({
  ...cloud,
  displayName: '@dtg/cloud-gateway (postgres)',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: SQLITE_ONLY.map((name) => `/test/${name}\\.test\\.ts$`),
  setupFiles: ['<rootDir>/test/support/on-postgres.ts'],
});

// Workspace tooling (Prisma offline engine, stack scripts, compose validation) has tests too.
projects.push({
  displayName: 'tools',
  rootDir: path.join(__dirname, 'tools'),
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  testMatch: ['<rootDir>/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
});

// On a 2-core machine Jest's one worker would be Jest itself (it runs in band when maxWorkers is 1),
// and 228 suites' modules and results piled up in that one process: 3.9 GB by the end of a CI run,
// which then spent minutes in garbage collection before it could exit. A memory limit makes Jest
// run the suites in a worker process, replaced once it holds more than this after a suite.
module.exports = { projects, testTimeout: 30000, workerIdleMemoryLimit: '1GB' };
