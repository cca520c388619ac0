import { Client } from 'pg';
import { createTestDatabase, MAINTENANCE_URL, type TestDatabase } from './support/test-database';

describe('database connections', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('when Postgres ends a connection while it is checked out (a restart), then the process survives and the pool serves the next query', async () => {
    const client = await test.db.pool.connect();
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    // The pool's client hears of it when its socket ends: wait for that, not for a while.
    const ended = new Promise((resolve) => client.once('end', resolve));
    const admin = new Client({ connectionString: MAINTENANCE_URL });
    await admin.connect();
    try {
      // What a fast shutdown sends every backend: FATAL 57P01, "terminating connection due to administrator command".
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await ended;
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    expect((await test.db.pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});
