// The AuthVersion read that every authenticated request needs is shared by the requests of one
// event-loop turn (auth-version.ts): what this process commits is seen at once, another process's
// change from the next turn on; what the authenticators remember (authMemory) is filed under the
// version read before it. On both databases; the other process is a connection of its own.
import { openDatabase } from '../src/db/open-database';
import type { CloudDatabase } from '../src/db/prisma';
import { authMemory, authVersionReader } from '../src/features/auth/auth-version';
import { dropTestDatabase, migratedDatabaseUrl, otherConnection, TEST_DIALECT, type OtherConnection } from './support/test-database';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const BUMP = 'UPDATE "AuthVersion" SET version = version + 1 WHERE id = 1';

describe(`AuthVersion read once per turn on ${TEST_DIALECT}`, () => {
  let url: string;
  let cloud: CloudDatabase;
  let other: OtherConnection;

  beforeAll(async () => {
    url = await migratedDatabaseUrl();
    cloud = await openDatabase(url, { lockWaitMs: 1_000 });
    other = await otherConnection(url);
  });
  afterAll(async () => {
    await other.close();
    await cloud.db.$disconnect();
    await dropTestDatabase(url);
  });

  it('when requests of one turn ask, then they share one read; the next turn reads again', async () => {
    const authVersion = authVersionReader(cloud.sqldb);
    const first = authVersion();
    expect(authVersion()).toBe(first);
    const version = await first;
    expect(typeof version).toBe('number');
    await nextTurn();
    const later = authVersion();
    expect(later).not.toBe(first);
    await expect(later).resolves.toBe(version);
  });

  it('when another process moves the version, then the turn that read before it keeps its read and the next turn sees the change', async () => {
    const authVersion = authVersionReader(cloud.sqldb);
    const before = (await authVersion()) as number;
    await other.run(BUMP);
    // SQLite answers both within the turn of the read (Postgres's round trips end it): still shared.
    if (TEST_DIALECT === 'sqlite') await expect(authVersion()).resolves.toBe(before);
    await nextTurn();
    await expect(authVersion()).resolves.toBe(before + 1);
  });

  it('when this process commits during a turn, then the next request of that turn reads again and sees it', async () => {
    const authVersion = authVersionReader(cloud.sqldb);
    await nextTurn();
    // The write is queued first, so on SQLite its group commit (at setImmediate) runs before the
    // reader's end-of-turn callback and everything below happens within the turn of the first read:
    // only the commit tells the reader to read again. (On Postgres the two race; either way the
    // answer after the commit must be the version the commit left.)
    const write = cloud.sqldb.write(async (tx) => void (await tx.run(BUMP)));
    const first = authVersion();
    await write;
    const committed = await cloud.sqldb.read(async (sql) => (await sql.get<{ version: number }>('SELECT version FROM "AuthVersion" WHERE id = 1'))?.version);
    if (TEST_DIALECT === 'sqlite') await expect(first).resolves.toBe((committed as number) - 1);
    await expect(authVersion()).resolves.toBe(committed);
  });

  it('when a lookup is overtaken by a newer version, then what it found is not remembered; a lookup under the current version is', async () => {
    const remember = authMemory<string>(authVersionReader(cloud.sqldb));
    const lookups: string[] = [];
    let finishSlow: (value: string) => void = () => undefined;
    const slow = remember('a', () => {
      lookups.push('a');
      return new Promise<string>((resolve) => (finishSlow = resolve));
    });
    // Until the slow lookup has started, its version is read; then another process moves it.
    while (lookups.length === 0) await nextTurn();
    await other.run(BUMP);
    await nextTurn();
    const fresh = async (key: string) => {
      lookups.push(key);
      return `${key} now`;
    };
    await expect(remember('b', () => fresh('b'))).resolves.toBe('b now');
    finishSlow('a then');
    await expect(slow).resolves.toBe('a then');
    await expect(remember('a', () => fresh('a'))).resolves.toBe('a now');
    await expect(remember('b', () => fresh('b'))).resolves.toBe('b now');
    expect(lookups).toEqual(['a', 'b', 'a']);
  });
});
