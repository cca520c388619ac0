// What the directory sync remembers between runs: per tenant, every member and department with
// the sync that last saw it and a digest of what was last emitted. "Seen by this sync" de-duplicates
// people listed in several departments; "not seen by this sync" at the end means gone.
import type { Department, UserProfile } from '@dtg/contracts';
import type { DbTx } from '../../db/prisma';
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

export const directoryRepository = {
  async markUsers(tx: DbTx, tenantId: string, syncId: string, users: UserProfile[], full: boolean): Promise<Marked<UserProfile>> {
    const rows = await tx.directoryMember.findMany({ where: { tenantId, userid: { in: users.map((u) => u.userid) } } });
    const p = plan(users, (u) => u.userid, new Map(rows.map((r) => [r.userid, r])), syncId, full);
    if (p.created.length > 0)
      await tx.directoryMember.createMany({ data: p.created.map((c) => ({ tenantId, userid: c.key, lastSyncId: syncId, hash: c.hash })) });
    if (p.touched.length > 0) await tx.directoryMember.updateMany({ where: { tenantId, userid: { in: p.touched } }, data: { lastSyncId: syncId } });
    for (const r of p.rehashed)
      await tx.directoryMember.update({ where: { tenantId_userid: { tenantId, userid: r.key } }, data: { lastSyncId: syncId, hash: r.hash } });
    return p;
  },

  async markDepartments(tx: DbTx, tenantId: string, syncId: string, departments: Department[], full: boolean): Promise<Marked<Department>> {
    const rows = await tx.directoryDepartment.findMany({ where: { tenantId, deptId: { in: departments.map((d) => d.deptId) } } });
    const p = plan(departments, (d) => String(d.deptId), new Map(rows.map((r) => [String(r.deptId), r])), syncId, full);
    if (p.created.length > 0)
      await tx.directoryDepartment.createMany({ data: p.created.map((c) => ({ tenantId, deptId: Number(c.key), lastSyncId: syncId, hash: c.hash })) });
    if (p.touched.length > 0)
      await tx.directoryDepartment.updateMany({ where: { tenantId, deptId: { in: p.touched.map(Number) } }, data: { lastSyncId: syncId } });
    for (const r of p.rehashed)
      await tx.directoryDepartment.update({ where: { tenantId_deptId: { tenantId, deptId: Number(r.key) } }, data: { lastSyncId: syncId, hash: r.hash } });
    return p;
  },

  /** A department that vanished while the sync walked it: unmark it so the removal phase reports it. */
  async unmarkDepartment(tx: DbTx, tenantId: string, deptId: number): Promise<void> {
    await tx.directoryDepartment.updateMany({ where: { tenantId, deptId }, data: { lastSyncId: '' } });
  },

  async goneUsers(tx: DbTx, tenantId: string, syncId: string, limit: number): Promise<string[]> {
    const rows = await tx.directoryMember.findMany({
      where: { tenantId, lastSyncId: { not: syncId } },
      select: { userid: true },
      orderBy: { userid: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.userid);
  },

  async removeUsers(tx: DbTx, tenantId: string, userids: string[]): Promise<void> {
    await tx.directoryMember.deleteMany({ where: { tenantId, userid: { in: userids } } });
  },

  async goneDepartments(tx: DbTx, tenantId: string, syncId: string, limit: number): Promise<number[]> {
    const rows = await tx.directoryDepartment.findMany({
      where: { tenantId, lastSyncId: { not: syncId } },
      select: { deptId: true },
      orderBy: { deptId: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.deptId);
  },

  async removeDepartments(tx: DbTx, tenantId: string, deptIds: number[]): Promise<void> {
    await tx.directoryDepartment.deleteMany({ where: { tenantId, deptId: { in: deptIds } } });
  },
};
