// The real Prisma CLI with the offline engine on Postgres (a fresh database with `?schema=`,
// dropped afterwards). Guards the engine contract.
import { describeCliLifecycle } from './test/cli-lifecycle';
import { postgresTarget } from './test/database-targets';

jest.setTimeout(120_000);

describe('prisma CLI with the offline engine on Postgres', () => {
  describeCliLifecycle(postgresTarget);
});
