// Migrations that change existing rows, checked on a real Postgres database: the migrations before
// the one under test are applied in order, rows are written as the code of that time wrote them,
// then the migration runs and the rows are read back.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS_DIR } from '../src/paths';
import { databaseUrl, MAINTENANCE_URL } from './support/test-database';

const MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((name) => /^\d{14}_/.test(name))
  .sort();

function named(intent: string): string {
  const found = MIGRATIONS.find((name) => name.endsWith(`_${intent}`));
  if (!found) throw new Error(`no migration ${intent}`);
  return found;
}

describe('local-store migrations on existing data', () => {
  const name = `local_store_migrations_${randomBytes(4).toString('hex')}`;
  const maintenance = new Client({ connectionString: MAINTENANCE_URL });
  const db = new Client({ connectionString: databaseUrl(name) });

  beforeAll(async () => {
    await maintenance.connect();
    await maintenance.query(`CREATE DATABASE ${name}`);
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await maintenance.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await maintenance.end();
  });

  const migrate = async (range: { after?: string; upTo: string }) => {
    for (const migration of MIGRATIONS) {
      if ((range.after && migration <= range.after) || migration > range.upTo) continue;
      await db.query(readFileSync(path.join(MIGRATIONS_DIR, migration, 'migration.sql'), 'utf8'));
    }
  };

  it('when login tickets held plaintext cloud tokens and parked login events held tickets, then both are gone and the table keeps only sealed tokens', async () => {
    const sealing = named('sealed_login_tickets');
    const previous = MIGRATIONS[MIGRATIONS.indexOf(sealing) - 1] ?? '';
    await migrate({ upTo: previous });
    await db.query(
      `INSERT INTO login_tickets (ticket_hash, tenant_id, userid, user_profile, expires_at, cloud_token, cloud_token_expires_at)
       VALUES ('h', 'ten_a', 'u', '{}', now() + interval '1 minute', 'dtgu_plaintext.token', now())`,
    );
    const raw = JSON.stringify({ type: 'user.authenticated', data: { ticket: 'plaintext-ticket', cloudToken: 'dtgu_plaintext.token' } });
    await db.query(
      "INSERT INTO dead_events (dedupe_key, event_id, seq, type, source, reason, raw) VALUES ('k1', 'e1', 1, 'user.authenticated', 'push', 'invalid', $1)",
      [raw],
    );
    await db.query(
      "INSERT INTO dead_events (dedupe_key, event_id, seq, type, source, reason, raw) VALUES ('k2', 'e2', 2, 'user.upserted', 'push', 'invalid', '{\"kept\":true}')",
    );

    await migrate({ after: previous, upTo: sealing });

    expect((await db.query('SELECT count(*)::int AS n FROM login_tickets')).rows).toEqual([{ n: 0 }]);
    const columns = (await db.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'login_tickets'")).rows.map(
      (r: { column_name: string }) => r.column_name,
    );
    expect(columns).not.toContain('cloud_token');
    expect(columns).toContain('sealed_cloud_token');
    const dead = (await db.query('SELECT type, raw FROM dead_events ORDER BY seq')).rows as { type: string; raw: string }[];
    expect(dead.map((d) => d.raw.includes('plaintext'))).toEqual([false, false]);
    expect(dead[1]?.raw).toBe('{"kept":true}');
  });
});
