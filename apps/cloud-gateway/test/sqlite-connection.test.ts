// The shared SQLite connection: Prisma and the synchronous hot paths take turns, so a statement
// outside a transaction can neither see nor be rolled back with another request's open transaction.
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '@dtg/service-kit';
import { openSqliteDatabase as openDatabase, type CloudDatabase, type Sql } from '../src/db/prisma';
import { waitFor } from '@dtg/testkit';
import { migratedDbFile } from './support/cloud-harness';

const now = Date.now();
/** A write that inserts tenant `id` through the direct connection. */
const insert = (id: string) => async (sql: Sql) =>
  await sql.run(
    `INSERT INTO Tenant (id, name, corpId, mode, webhookSecretEnc, createdAt, updatedAt) VALUES (?, ?, ?, 'internal', 'x', ?, ?)`,
    id,
    id,
    `corp-${id}`,
    now,
    now,
  );
const tenantRow = (id: string) => ({ id, name: id, corpId: `corp-${id}`, mode: 'internal', webhookSecretEnc: 'x' });

describe('SqliteConnection', () => {
  let file: string;
  let cloud: CloudDatabase;
  /** Statements now waiting for another process's write lock (the connection's lock-wait observer). */
  let waitingForLock: number;

  beforeEach(async () => {
    file = await migratedDbFile();
    waitingForLock = 0;
    const observer = { waiting: () => void waitingForLock++, done: () => void waitingForLock-- };
    cloud = await openDatabase(`file:${file}`, { lockWaitMs: 1_000, observer });
  });

  afterEach(async () => {
    await cloud.db.$disconnect();
    rmSync(path.dirname(file), { recursive: true, force: true });
  });

  const names = async () => (await cloud.db.tenant.findMany({ orderBy: { id: 'asc' } })).map((t) => t.id);

  it('keeps writes made while another transaction is open out of it: they survive its rollback', async () => {
    let inside: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = cloud.db.$transaction(async (tx) => {
      await tx.tenant.create({ data: tenantRow('ten_rolled_back') });
      inside();
      await held;
      throw new Error('roll back');
    });
    await opened;
    // Plain statements (no implicit transaction of Prisma's own) wait for it to end instead of running inside it.
    const prismaWrite = cloud.db.$executeRawUnsafe(
      "INSERT INTO Tenant (id, name, corpId, mode, webhookSecretEnc, createdAt, updatedAt) VALUES ('ten_prisma_outside', 'p', 'corp-p', 'internal', 'x', ?, ?)",
      now,
      now,
    );
    const prismaRead = cloud.db.$queryRawUnsafe<{ id: string }[]>('SELECT id FROM Tenant');
    const directWrite = cloud.sqldb.write(
      async (sql) =>
        await sql.run(
          "INSERT INTO Tenant (id, name, corpId, mode, webhookSecretEnc, createdAt, updatedAt) VALUES ('ten_direct_outside', 'd', 'corp-d', 'internal', 'x', ?, ?)",
          now,
          now,
        ),
    );
    const seenOutside = cloud.sqldb.read(async (sql) => (await sql.all<{ id: string }>('SELECT id FROM Tenant')).map((r) => r.id));
    // A window, not a wait for a state: Prisma parks its statements inside its engine, where nothing
    // can observe them, and the regression this guards against (running them inside the open
    // transaction) shows only if they are given time to reach the connection before it ends.
    await new Promise((r) => setTimeout(r, 300));
    release();
    await expect(failing).rejects.toThrow('roll back');
    await Promise.all([prismaWrite, directWrite]);
    expect(await seenOutside).not.toContain('ten_rolled_back');
    expect((await prismaRead).map((r) => r.id)).not.toContain('ten_rolled_back');
    expect(await names()).toEqual(['ten_direct_outside', 'ten_prisma_outside']);
  });

  it('runs a read at once while nothing holds the gate, and after the holder while a transaction does', async () => {
    const order: string[] = [];
    const free = cloud.sqldb.read(async () => order.push('free read'));
    order.push('after the call');
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened: () => void = () => undefined;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const tx = cloud.db.$transaction(async () => {
      opened();
      await held;
      order.push('transaction ends');
    });
    await open;
    const queued = cloud.sqldb.read(async () => order.push('queued read'));
    release();
    await Promise.all([free, tx, queued]);
    expect(order).toEqual(['free read', 'after the call', 'transaction ends', 'queued read']);
  });

  it('rolls a synchronous write back as a whole when it throws', async () => {
    const woken: string[] = [];
    await expect(
      cloud.sqldb.write(async (sql) => {
        await sql.run(
          "INSERT INTO Tenant (id, name, corpId, mode, webhookSecretEnc, createdAt, updatedAt) VALUES ('ten_half', 'h', 'corp-h', 'internal', 'x', ?, ?)",
          now,
          now,
        );
        sql.afterCommit(() => woken.push('rolled back'));
        throw new Error('half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await names()).toEqual([]);
    // Alone, the write had no savepoint: the transaction itself was rolled back, and the next write commits.
    await cloud.sqldb.write(insert('ten_after'));
    expect(await names()).toEqual(['ten_after']);
    expect(woken).toEqual([]);
  });

  it('runs after-commit hooks once per group commit, and never those of a write that rolled back', async () => {
    const woken: string[] = [];
    const wake = () => woken.push('wake');
    const results = await Promise.allSettled([
      cloud.sqldb.write(async (tx) => tx.afterCommit(wake)),
      cloud.sqldb.write(async (tx) => tx.afterCommit(wake)),
      cloud.sqldb.write(async (tx) => {
        tx.afterCommit(() => woken.push('rolled back'));
        throw new Error('this write fails');
      }),
      cloud.sqldb.write(async (tx) => tx.afterCommit(() => woken.push('other'))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(woken).toEqual(['wake', 'other']);
  });

  it('commits writes that arrive together as a group, each atomic on its own', async () => {
    const results = await Promise.allSettled([
      cloud.sqldb.write(insert('ten_1')),
      cloud.sqldb.write(async (sql) => {
        await insert('ten_2')(sql);
        throw new Error('only this one fails');
      }),
      cloud.sqldb.write(insert('ten_3')),
      // The same primary key as the first: a constraint failure rolls back only its own savepoint.
      cloud.sqldb.write(insert('ten_1')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(await names()).toEqual(['ten_1', 'ten_3']);
  });

  describe('while another connection holds the write lock (BEGIN IMMEDIATE)', () => {
    let other: Database.Database;
    beforeEach(() => {
      // A second connection, as another process would open it; its lock is taken and given back by the test.
      other = new Database(file);
      other.prepare('BEGIN IMMEDIATE').run();
    });
    afterEach(() => {
      if (other.inTransaction) other.prepare('ROLLBACK').run();
      other.close();
    });

    it('waits without blocking the event loop, lets reads through, and writes everything once the lock is released', async () => {
      const order: string[] = [];
      const direct = cloud.sqldb.write(insert('ten_direct')).then(() => order.push('direct write'));
      const prismaWrite = cloud.db.tenant.create({ data: tenantRow('ten_prisma') }).then(() => order.push('prisma write'));
      const prismaTx = cloud.db.$transaction(async (tx) => tx.tenant.create({ data: tenantRow('ten_tx') })).then(() => order.push('prisma transaction'));
      // waitFor's timers fire, and reads answer (WAL), while all three wait for the lock: the event loop is free.
      await waitFor(() => waitingForLock === 3, 'all three writes waiting for the lock');
      order.push('timer');
      expect(await cloud.sqldb.read(async (sql) => await sql.all('SELECT id FROM Tenant'))).toEqual([]);
      expect(await cloud.db.tenant.count()).toBe(0);
      order.push('reads');
      other.prepare('COMMIT').run();
      await Promise.all([direct, prismaWrite, prismaTx]);
      expect(order.slice(0, 2)).toEqual(['timer', 'reads']);
      expect(order.slice(2).sort()).toEqual(['direct write', 'prisma transaction', 'prisma write']);
      expect(await names()).toEqual(['ten_direct', 'ten_prisma', 'ten_tx']);
    });

    it('when the lock is not released within the wait, then each kind of write fails with database_busy and writes nothing', async () => {
      const outcomes = await Promise.allSettled([
        cloud.sqldb.write(insert('ten_direct'), { lockWaitMs: 100 }),
        cloud.db.tenant.create({ data: tenantRow('ten_prisma') }),
        cloud.db.$transaction(async (tx) => tx.tenant.create({ data: tenantRow('ten_tx') })),
        cloud.db.$executeRawUnsafe(
          "INSERT INTO Tenant (id, name, corpId, mode, webhookSecretEnc, createdAt, updatedAt) VALUES ('ten_raw', 'r', 'corp-r', 'internal', 'x', ?, ?)",
          now,
          now,
        ),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as AppError;
        expect(reason).toBeInstanceOf(AppError);
        expect([reason.code, reason.status, reason.headers]).toEqual(['database_busy', 503, { 'Retry-After': '1' }]);
      }
      other.prepare('COMMIT').run();
      expect(await names()).toEqual([]);
      // And the connection is not left in a transaction: the next write goes through.
      await cloud.sqldb.write(insert('ten_after'));
      expect(await names()).toEqual(['ten_after']);
    });
  });

  it('commits every write with synchronous=NORMAL, and flushes the WAL (off the event loop) before a durable one resolves', async () => {
    const level = async (sql: Sql) => (await sql.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous;
    const flushes = jest.spyOn(cloud.sqlite!.wal, 'sync');
    try {
      // 1 = NORMAL (sqlite.org/pragma.html#pragma_synchronous): FULL would fsync inside COMMIT, on the event loop.
      expect(await cloud.sqldb.write(level)).toBe(1);
      expect(flushes).not.toHaveBeenCalled();
      expect(await cloud.sqldb.write(level, { durable: true })).toBe(1);
      expect(flushes).toHaveBeenCalledTimes(1);
      await expect(flushes.mock.results[0]?.value).resolves.toBeUndefined();
    } finally {
      flushes.mockRestore();
    }
  });
});
