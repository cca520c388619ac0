// The WAL is checkpointed by a worker thread, not by the connection that commits (wal-checkpointer.ts).
// What shows it from outside: the database FILE grows only when a checkpoint copies pages into it, and
// the main connection's own checkpoint waits for 10,000 pages (40 MB); this test writes far less, so
// only the worker can have moved the pages. Closing the database stops the worker: the last connection
// to close removes the -wal file, which a worker still holding its connection would keep.
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '@dtg/testkit';
import { openSqliteDatabase as openDatabase } from '../src/db/prisma';
import { migratedDbFile } from './support/cloud-harness';

describe('WAL checkpoints off the event loop', () => {
  let dbFile: string;
  beforeEach(async () => {
    dbFile = await migratedDbFile();
  });
  afterEach(() => rmSync(path.dirname(dbFile), { recursive: true, force: true }));

  it('copies committed pages into the database file without a checkpoint on the committing connection, and stops on $disconnect', async () => {
    const { db, sqldb } = await openDatabase(`file:${dbFile}`, { lockWaitMs: 1_000 });
    try {
      const before = statSync(dbFile).size;
      await sqldb.write(async (tx) => {
        await tx.run('CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      });
      // ~2 MB in 20 commits: 500 pages, a twentieth of the main connection's backstop.
      for (let i = 0; i < 20; i += 1) {
        await sqldb.write(async (tx) => {
          for (let j = 0; j < 25; j += 1) await tx.run('INSERT INTO scratch (body) VALUES (randomblob(4000))');
        });
      }
      expect(statSync(`${dbFile}-wal`).size).toBeGreaterThan(2_000_000);
      await waitFor(() => statSync(dbFile).size >= before + 2_000_000, 'the worker to checkpoint the WAL into the database file', 10_000);
    } finally {
      await db.$disconnect();
    }
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
  });
});
