import { runScript } from '../src/db/sql';
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
