// One Jest run covers every project (one summary line for CI); each project keeps its own
// display name so `--selectProjects @dtg/x` runs just one.
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
];

const projects = ['apps', 'libs'].flatMap((group) =>
  readdirSync(path.join(__dirname, group))
    .filter((name) => existsSync(path.join(__dirname, group, name, 'package.json')))
    .map((name) => ({
      displayName: `@dtg/${name}`,
      rootDir: path.join(__dirname, group, name),
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
    })),
);

// Workspace tooling (Prisma offline engine, stack scripts, compose validation) has tests too.
projects.push({
  displayName: 'tools',
  rootDir: path.join(__dirname, 'tools'),
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
});

module.exports = { projects, testTimeout: 30000 };
