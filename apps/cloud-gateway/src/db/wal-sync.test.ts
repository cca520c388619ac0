import fsPromises from 'node:fs/promises';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteConnection, SqliteGate } from './sqlite-connection';
import { walSync, type FileSync } from './wal-sync';

const observer = { waiting: () => undefined, done: () => undefined };

/** A FileSync whose flushes the test ends by hand. */
function heldSync() {
  const waiting: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const sync: FileSync = {
    sync: () => new Promise<void>((resolve, reject) => waiting.push({ resolve, reject })),
    close: async () => undefined,
  };
  return { sync, waiting };
}

describe('durable writes on SQLite (wal-sync.ts)', () => {
  let dir: string;
  let database: Database.Database;
  let other: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wal-sync-'));
    database = new Database(path.join(dir, 'db.sqlite'));
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    other = new Database(path.join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    other.close();
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids = () => (other.prepare('SELECT id FROM t ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  const insert = (id: string) => async (tx: { run(text: string, ...params: string[]): Promise<unknown> }) => {
    await tx.run('INSERT INTO t (id) VALUES (?)', id);
  };

  it('resolves a durable write only once the WAL is flushed; the connection and other writes go on meanwhile', async () => {
    const held = heldSync();
    const sqlite = new SqliteConnection(database, new SqliteGate({ lockWaitMs: 1_000, observer }), held.sync);
    const settled: string[] = [];
    const durable = sqlite.write(insert('a'), { durable: true }).then(() => settled.push('durable'));
    const plain = sqlite.write(insert('b')).then(() => settled.push('plain'));
    await plain;
    // Committed (another connection sees both rows), but the durable write waits for the flush.
    expect(ids()).toEqual(['a', 'b']);
    expect(held.waiting).toHaveLength(1);
    await sqlite.write(insert('c'));
    expect(settled).toEqual(['plain']);
    held.waiting[0]?.resolve();
    await durable;
    expect(settled).toEqual(['plain', 'durable']);
  });

  it('when the flush fails, then the durable write rejects (it is committed: durable writes must be safe to find done)', async () => {
    const held = heldSync();
    const sqlite = new SqliteConnection(database, new SqliteGate({ lockWaitMs: 1_000, observer }), held.sync);
    const durable = sqlite.write(insert('a'), { durable: true });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    held.waiting[0]?.reject(new Error('EIO'));
    await expect(durable).rejects.toThrow('EIO');
    expect(ids()).toEqual(['a']);
  });

  it('flushes the real WAL file, always the file now at its path, and fails when there is none', async () => {
    const sqlite = new SqliteConnection(database, new SqliteGate({ lockWaitMs: 1_000, observer }));
    await sqlite.write(insert('a'), { durable: true });
    expect(ids()).toEqual(['a']);
    await sqlite.wal.close();

    // A descriptor kept from the first flush would still flush (the unlinked file): only a flush
    // that opens the path each time fails here.
    const file = path.join(dir, 'plain.txt');
    writeFileSync(file, 'one');
    const sync = walSync(file);
    await sync.sync();
    unlinkSync(file);
    await expect(sync.sync()).rejects.toThrow(/ENOENT/);
    await sync.close();
  });

  it('flushes once more for everyone who asks while a flush runs, not once each', async () => {
    const file = path.join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    const opened = jest.spyOn(fsPromises, 'open');
    try {
      const sync = walSync(file);
      await Promise.all([sync.sync(), sync.sync(), sync.sync(), sync.sync()]);
      expect(opened).toHaveBeenCalledTimes(2);
      await sync.sync();
      expect(opened).toHaveBeenCalledTimes(3);
    } finally {
      opened.mockRestore();
    }
  });
});
