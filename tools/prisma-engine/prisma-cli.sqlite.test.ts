// The real Prisma CLI with the offline engine on SQLite (a temp file). Guards the engine contract.
import { describeCliLifecycle } from './test/cli-lifecycle';
import { sqliteTarget } from './test/database-targets';

jest.setTimeout(120_000);

describe('prisma CLI with the offline engine on SQLite', () => {
  describeCliLifecycle(sqliteTarget);
});
