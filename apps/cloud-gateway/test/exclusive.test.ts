// SqlDatabase.exclusive: on Postgres, two replicas (two pools on one database) never run the same
// key at once — what keeps one org's callback events and one suite's tickets apart across replicas.
// On SQLite one process owns the file and orders its own tasks (shared/keyed-serializer.ts).
import { openDatabase } from '../src/db/open-database';
import type { CloudDatabase } from '../src/db/prisma';
import { dropTestDatabase, migratedDatabaseUrl, TEST_DIALECT } from './support/test-database';

describe(`SqlDatabase.exclusive on ${TEST_DIALECT}`, () => {
  let url: string;
  let replicas: CloudDatabase[];

  beforeAll(async () => {
    url = await migratedDatabaseUrl();
    replicas = [await openDatabase(url, { lockWaitMs: 1_000 })];
    // SQLite has one process per file; Postgres gets a second replica with its own pool.
    if (TEST_DIALECT === 'postgres') replicas.push(await openDatabase(url, { lockWaitMs: 1_000 }));
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.db.$disconnect();
    await dropTestDatabase(url);
  });

  /** A task that records its start, waits until `release` resolves, then records its end. */
  function task(log: string[], name: string, release: Promise<void>) {
    return async () => {
      log.push(`${name} start`);
      await release;
      log.push(`${name} end`);
      return name;
    };
  }

  it('when two replicas run the same key, then the second starts only after the first ended; another key runs meanwhile', async () => {
    if (TEST_DIALECT === 'sqlite') {
      // The contract on SQLite: the function runs, at once; nothing else can hold the file.
      await expect(replicas[0]?.sqldb.exclusive('k', async () => 'ran')).resolves.toBe('ran');
      return;
    }
    const [a, b] = replicas as [CloudDatabase, CloudDatabase];
    const log: string[] = [];
    let releaseFirst!: () => void;
    const first = a.sqldb.exclusive('org-1', task(log, 'a', new Promise<void>((resolve) => (releaseFirst = resolve))));
    // Wait until a holds the lock (it has started), then let b ask for the same key and c for another.
    while (!log.includes('a start')) await new Promise((resolve) => setImmediate(resolve));
    const second = b.sqldb.exclusive('org-1', task(log, 'b', Promise.resolve()));
    const other = b.sqldb.exclusive('org-2', task(log, 'c', Promise.resolve()));
    await expect(other).resolves.toBe('c');
    expect(log).toEqual(['a start', 'c start', 'c end']);
    releaseFirst();
    await expect(Promise.all([first, second])).resolves.toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'c start', 'c end', 'a end', 'b start', 'b end']);
  });

  it('when the function throws, then the lock is let go and the next holder runs', async () => {
    const db = replicas[replicas.length - 1] as CloudDatabase;
    await expect(db.sqldb.exclusive('org-3', () => Promise.reject(new Error('handler failed')))).rejects.toThrow('handler failed');
    await expect((replicas[0] as CloudDatabase).sqldb.exclusive('org-3', async () => 'next')).resolves.toBe('next');
  });
});
