// Migrations that change existing rows, checked on a real SQLite file: the migrations before the one
// under test are applied in order, rows are written as the code of that time wrote them, then the
// migration runs and the rows are read back as the code of today reads them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EventDataSchemas } from '@dtg/contracts';

const MIGRATIONS_DIR = path.resolve(__dirname, '../prisma/migrations');
const MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((name) => /^\d{14}_/.test(name))
  .sort();

function migrate(db: Database.Database, range: { after?: string; upTo: string }): void {
  for (const name of MIGRATIONS) {
    if ((range.after && name <= range.after) || name > range.upTo) continue;
    db.exec(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8'));
  }
}

function migrationNamed(intent: string): string {
  const found = MIGRATIONS.find((name) => name.endsWith(`_${intent}`));
  if (!found) throw new Error(`no migration ${intent}`);
  return found;
}

/** The migration just before `name`. */
function before(name: string): string {
  return MIGRATIONS[MIGRATIONS.indexOf(name) - 1] ?? '';
}

describe('cloud migrations on existing data', () => {
  let dir: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cloud-migrations-'));
    db = new Database(path.join(dir, 'cloud.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const now = Date.now();
  const tenant = (id: string) =>
    db
      .prepare("INSERT INTO Tenant (id, name, corpId, mode, webhookSecretEnc, createdAt, updatedAt) VALUES (?, 'T', ?, 'internal', 'v1.a.b.c', ?, ?)")
      .run(id, `corp-${id}`, now, now);

  it('when API keys were issued before scopes existed, then they keep every scope, and tenants get the default member policy', () => {
    const roles = migrationNamed('roles_and_scopes');
    migrate(db, { upTo: before(roles) });
    tenant('ten_old');
    db.prepare("INSERT INTO ApiKey (id, tenantId, name, prefix, hash, createdAt) VALUES ('key_old', 'ten_old', 'default', 'dtg_abc', 'h1', ?)").run(now);
    const versionBefore = db.prepare('SELECT version FROM AuthVersion').pluck().get() as number;

    migrate(db, { after: before(roles), upTo: roles });

    expect(db.prepare('SELECT scopes FROM ApiKey WHERE id = ?').pluck().get('key_old')).toBe(
      'messages:send messages:read directory:read directory:sync events:read',
    );
    expect(db.prepare('SELECT memberSendEnabled, memberSendMaxUserIds, memberSendDepartments, memberSendToAll FROM Tenant').get()).toEqual({
      memberSendEnabled: 1,
      memberSendMaxUserIds: 100,
      memberSendDepartments: 0,
      memberSendToAll: 0,
    });
    // The AuthVersion triggers on ApiKey and Tenant survived (a table rebuild would have dropped them).
    db.prepare("UPDATE ApiKey SET revokedAt = ? WHERE id = 'key_old'").run(now);
    db.prepare("UPDATE Tenant SET status = 'suspended' WHERE id = 'ten_old'").run();
    expect(db.prepare('SELECT version FROM AuthVersion').pluck().get()).toBe(versionBefore + 2);
  });

  it('when accepted messages were still waiting behind the dispatch cursor, then each becomes a dispatch request in order, and the cursor is gone', () => {
    const requests = migrationNamed('message_dispatch_requests');
    migrate(db, { upTo: before(requests) });
    tenant('ten_msg');
    const insert = db.prepare("INSERT INTO Event (id, tenantId, seq, type, occurredAt, data) VALUES (?, 'ten_msg', ?, ?, ?, ?)");
    const accepted = (seq: number, messageId: string) => insert.run(`evt_${seq}`, seq, 'message.accepted', now + seq, JSON.stringify({ messageId }));
    accepted(1, 'msg_has_job');
    insert.run('evt_2', 2, 'test.ping', now, JSON.stringify({ n: 1 }));
    accepted(3, 'msg_waiting_a');
    accepted(4, 'msg_waiting_b');
    db.prepare("UPDATE Tenant SET lastSeq = 4, dispatchSeq = 2 WHERE id = 'ten_msg'").run();

    migrate(db, { after: before(requests), upTo: requests });

    expect(db.prepare('SELECT tenantId, messageId, acceptedAt FROM MessageDispatchRequest ORDER BY id').all()).toEqual([
      { tenantId: 'ten_msg', messageId: 'msg_waiting_a', acceptedAt: now + 3 },
      { tenantId: 'ten_msg', messageId: 'msg_waiting_b', acceptedAt: now + 4 },
    ]);
    expect((db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('Tenant') as string[]).includes('dispatchSeq')).toBe(false);
  });

  it('when the outbox holds user.authenticated events with a plaintext ticket and user token, then they keep only the profile (login: null), which today’s contract reads', () => {
    const scrub = migrationNamed('scrub_login_credentials');
    migrate(db, { upTo: before(scrub) });
    tenant('ten_login');
    const profile = { userid: 'user002', name: 'Li Na', deptIds: [2], admin: false, active: true };
    const old = {
      ticket: 'plaintext-ticket-0123456789abcdef',
      expiresAt: new Date(now).toISOString(),
      user: profile,
      cloudToken: 'dtgu_plaintext.token',
      cloudTokenExpiresAt: new Date(now).toISOString(),
    };
    const insert = db.prepare("INSERT INTO Event (id, tenantId, seq, type, occurredAt, data) VALUES (?, 'ten_login', ?, ?, ?, ?)");
    insert.run('evt_login', 1, 'user.authenticated', now, JSON.stringify(old));
    insert.run('evt_upsert', 2, 'user.upserted', now, JSON.stringify({ users: [profile] }));
    db.prepare("INSERT INTO LoginTicket (id, tenantId, userid, eventId, expiresAt, createdAt) VALUES ('hash', 'ten_login', 'user002', 'evt_login', ?, ?)").run(
      now + 60_000,
      now,
    );

    migrate(db, { after: before(scrub), upTo: scrub });

    const rows = db.prepare('SELECT id, data FROM Event ORDER BY seq').all() as { id: string; data: string }[];
    expect(rows.map((r) => r.data).join()).not.toMatch(/plaintext/);
    expect(EventDataSchemas['user.authenticated'].parse(JSON.parse(rows[0]?.data ?? ''))).toEqual({ user: profile, login: null });
    expect(JSON.parse(rows[1]?.data ?? '')).toEqual({ users: [profile] });
    expect(db.prepare('SELECT count(*) FROM LoginTicket').pluck().get()).toBe(0);
  });
});
