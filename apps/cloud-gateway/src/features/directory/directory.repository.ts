// What the directory sync remembers between runs: per tenant, every member and department with
// the sync that last saw it and a digest of what was last emitted. "Seen by this sync" de-duplicates
// people listed in several departments; "not seen by this sync" at the end means gone.
import type { Department, UserProfile } from '@dtg/contracts';
import { idList, type Tx } from '../../db/prisma';
import { inBatches, marks } from '../../shared/batches';
import { profileHash } from '../dingtalk/user-profile.mapper';

export interface Marked<T> {
  /** Seen for the first time in this sync. */
  firstSeen: T[];
  /** The part of firstSeen to emit: new or changed since the last emit (everything when `full`). */
  changed: T[];
}

interface Tracked {
  lastSyncId: string;
  hash: string;
}

/** How the rows of one batch must be written: few statements, since most rows only get the sync id. */
interface Plan<T> extends Marked<T> {
  created: { key: string; hash: string }[];
  touched: string[];
  rehashed: { key: string; hash: string }[];
}

function plan<T>(items: T[], keyOf: (item: T) => string, known: Map<string, Tracked>, syncId: string, full: boolean): Plan<T> {
  const result: Plan<T> = { firstSeen: [], changed: [], created: [], touched: [], rehashed: [] };
  const inBatch = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    const before = known.get(key);
    if (before?.lastSyncId === syncId || inBatch.has(key)) continue;
    inBatch.add(key);
    const hash = profileHash(item);
    result.firstSeen.push(item);
    if (full || before?.hash !== hash) result.changed.push(item);
    if (!before) result.created.push({ key, hash });
    else if (before.hash === hash) result.touched.push(key);
    else result.rehashed.push({ key, hash });
  }
  return result;
}

/** SQLite bounds the parameters of one statement; multi-row statements go in slices. */
const SLICE = 200;

export const directoryRepository = {
  async markUsers(tx: Tx, tenantId: string, syncId: string, users: UserProfile[], full: boolean): Promise<Marked<UserProfile>> {
    const ids = idList(
      tx,
      users.map((u) => u.userid),
    );
    const rows = await tx.all<Tracked & { userid: string }>(
      `SELECT userid, "lastSyncId", hash FROM "DirectoryMember" WHERE "tenantId" = ? AND userid ${ids.match}`,
      tenantId,
      ids.param,
    );
    const p = plan(users, (u) => u.userid, new Map(rows.map((r) => [r.userid, r])), syncId, full);
    for (const batch of inBatches(p.created, SLICE)) {
      await tx.run(
        `INSERT INTO "DirectoryMember" ("tenantId", userid, "lastSyncId", hash) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
        ...batch.flatMap((c) => [tenantId, c.key, syncId, c.hash]),
      );
    }
    if (p.touched.length > 0) {
      const touched = idList(tx, p.touched);
      await tx.run(`UPDATE "DirectoryMember" SET "lastSyncId" = ? WHERE "tenantId" = ? AND userid ${touched.match}`, syncId, tenantId, touched.param);
    }
    for (const r of p.rehashed) {
      await tx.run('UPDATE "DirectoryMember" SET "lastSyncId" = ?, hash = ? WHERE "tenantId" = ? AND userid = ?', syncId, r.hash, tenantId, r.key);
    }
    return p;
  },

  async markDepartments(tx: Tx, tenantId: string, syncId: string, departments: Department[], full: boolean): Promise<Marked<Department>> {
    const rows: (Tracked & { deptId: number })[] = [];
    for (const batch of inBatches(departments, SLICE)) {
      rows.push(
        ...(await tx.all<Tracked & { deptId: number }>(
          `SELECT "deptId", "lastSyncId", hash FROM "DirectoryDepartment" WHERE "tenantId" = ? AND "deptId" IN (${marks(batch)})`,
          tenantId,
          ...batch.map((d) => d.deptId),
        )),
      );
    }
    const p = plan(departments, (d) => String(d.deptId), new Map(rows.map((r) => [String(r.deptId), r])), syncId, full);
    for (const batch of inBatches(p.created, SLICE)) {
      await tx.run(
        `INSERT INTO "DirectoryDepartment" ("tenantId", "deptId", "lastSyncId", hash) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
        ...batch.flatMap((c) => [tenantId, Number(c.key), syncId, c.hash]),
      );
    }
    for (const batch of inBatches(p.touched, SLICE)) {
      await tx.run(
        `UPDATE "DirectoryDepartment" SET "lastSyncId" = ? WHERE "tenantId" = ? AND "deptId" IN (${marks(batch)})`,
        syncId,
        tenantId,
        ...batch.map(Number),
      );
    }
    for (const r of p.rehashed) {
      await tx.run(
        'UPDATE "DirectoryDepartment" SET "lastSyncId" = ?, hash = ? WHERE "tenantId" = ? AND "deptId" = ?',
        syncId,
        r.hash,
        tenantId,
        Number(r.key),
      );
    }
    return p;
  },

  /** A department that vanished while the sync walked it: unmark it so the removal phase reports it. */
  async unmarkDepartment(tx: Tx, tenantId: string, deptId: number): Promise<void> {
    await tx.run(`UPDATE "DirectoryDepartment" SET "lastSyncId" = '' WHERE "tenantId" = ? AND "deptId" = ?`, tenantId, deptId);
  },

  async goneUsers(tx: Tx, tenantId: string, syncId: string, limit: number): Promise<string[]> {
    const rows = await tx.all<{ userid: string }>(
      'SELECT userid FROM "DirectoryMember" WHERE "tenantId" = ? AND "lastSyncId" <> ? ORDER BY userid LIMIT ?',
      tenantId,
      syncId,
      limit,
    );
    return rows.map((r) => r.userid);
  },

  async removeUsers(tx: Tx, tenantId: string, userids: string[]): Promise<void> {
    const ids = idList(tx, userids);
    await tx.run(`DELETE FROM "DirectoryMember" WHERE "tenantId" = ? AND userid ${ids.match}`, tenantId, ids.param);
  },

  async goneDepartments(tx: Tx, tenantId: string, syncId: string, limit: number): Promise<number[]> {
    const rows = await tx.all<{ deptId: number }>(
      'SELECT "deptId" FROM "DirectoryDepartment" WHERE "tenantId" = ? AND "lastSyncId" <> ? ORDER BY "deptId" LIMIT ?',
      tenantId,
      syncId,
      limit,
    );
    return rows.map((r) => Number(r.deptId));
  },

  async removeDepartments(tx: Tx, tenantId: string, deptIds: number[]): Promise<void> {
    for (const batch of inBatches(deptIds, SLICE)) {
      await tx.run(`DELETE FROM "DirectoryDepartment" WHERE "tenantId" = ? AND "deptId" IN (${marks(batch)})`, tenantId, ...batch);
    }
  },
};
