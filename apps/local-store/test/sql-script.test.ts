import { inSnapshot, runScript } from '../src/db/sql';
import { createTestDatabase, type TestDatabase } from './support/test-database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.sql.query('CREATE TABLE script_probe (id text PRIMARY KEY, body jsonb)');
});
afterAll(() => database.drop());

describe('runScript', () => {
  it('runs every statement in one transaction and returns each one’s rows, with values inlined safely', async () => {
    const tricky = `it's a \\ "test" $1 '); DROP TABLE script_probe; --`;
    const results = await runScript(database.db.pool, [
      { text: 'INSERT INTO script_probe VALUES ($1, $2::jsonb) RETURNING id', values: ['a', JSON.stringify({ tricky })] },
      {
        text: 'SELECT body->>$1 AS value, $2::int AS n, $3::boolean AS flag, $4::text AS nothing FROM script_probe WHERE id = $5',
        values: ['tricky', 7, true, null, 'a'],
      },
    ]);
    expect(results).toEqual([[{ id: 'a' }], [{ value: tricky, n: 7, flag: true, nothing: null }]]);
  });

  it('when a later statement fails, then the earlier ones are rolled back', async () => {
    await expect(
      runScript(database.db.pool, [
        { text: 'INSERT INTO script_probe VALUES ($1, NULL)', values: ['b'] },
        { text: 'INSERT INTO script_probe VALUES ($1, NULL)', values: ['a'] },
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await database.db.sql.query("SELECT id FROM script_probe WHERE id = 'b'")).toEqual([]);
  });
});

describe('inSnapshot', () => {
  it('when another connection commits between two reads, then both reads see the state from before it, and it cannot write', async () => {
    const { pool, sql } = database.db;
    await sql.query("INSERT INTO script_probe VALUES ('snap-1', NULL)");
    const count = async (on: typeof sql) => (await on.query<{ n: string }>("SELECT count(*) AS n FROM script_probe WHERE id LIKE 'snap-%'"))[0]?.n;
    const [first, second] = await inSnapshot(pool, async (snapshot) => {
      const before = await count(snapshot);
      await sql.query("INSERT INTO script_probe VALUES ('snap-2', NULL)");
      return [before, await count(snapshot)];
    });
    expect([first, second]).toEqual(['1', '1']);
    expect(await count(sql)).toBe('2');
    await expect(inSnapshot(pool, (snapshot) => snapshot.query("INSERT INTO script_probe VALUES ('snap-3', NULL)"))).rejects.toMatchObject({ code: '25006' });
  });
});
