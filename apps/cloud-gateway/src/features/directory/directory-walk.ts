// The steps of a directory sync. Each step makes at most one DingTalk call (outside any
// transaction), then records what it found, the events it causes and the new progress in ONE
// transaction — so a crash between steps resumes exactly where the last commit left off and
// nothing is emitted twice.
import type { Department } from '@dtg/contracts';
import { DingTalkApiError, isDingTalkNotFound, type OrgClient } from '@dtg/dingtalk-client';
import type { SqlDatabase, Tx } from '../../db/prisma';
import type { UserTokenRevocations } from '../auth/user-token-revocations';
import type { Outbox } from '../outbox/outbox';
import type { Tenant } from '../tenants/tenant';
import { toUserProfile } from '../dingtalk/user-profile.mapper';
import { directoryRepository as repo } from './directory.repository';
import { inBatches } from '../../shared/batches';
import { nextDepartment, ROOT_DEPT_ID, type SyncProgress } from './sync-progress';

/** Events carry at most this many users/departments; also DingTalk's largest member page. */
export const BATCH_SIZE = 100;

export interface WalkContext {
  sqldb: SqlDatabase;
  outbox: Outbox;
  revocations: UserTokenRevocations;
  org: OrgClient;
  tenant: Tenant;
  syncId: string;
  now: () => number;
}

interface Counts {
  departmentsSeen?: number;
  usersSeen?: number;
  usersRemoved?: number;
}

/** A department deleted while the walk was on its way to it answers 60003: nothing left to read. */
async function unlessVanished<T>(call: Promise<T>): Promise<T | null> {
  return call.catch((err: unknown) => {
    if (isDingTalkNotFound(err)) return null;
    throw err;
  });
}

async function commit(ctx: WalkContext, work: (tx: Tx) => Promise<{ progress: SyncProgress | null; counts?: Counts }>): Promise<SyncProgress | null> {
  return ctx.sqldb.write(async (tx) => {
    const result = await work(tx);
    const done = result.progress === null;
    const { changes } = await tx.run(
      `UPDATE "DirectorySync" SET progress = ?, "departmentsSeen" = "departmentsSeen" + ?, "usersSeen" = "usersSeen" + ?, "usersRemoved" = "usersRemoved" + ?${
        done ? `, status = 'completed', "finishedAt" = ?` : ''
      } WHERE id = ?`,
      JSON.stringify(result.progress ?? {}),
      result.counts?.departmentsSeen ?? 0,
      result.counts?.usersSeen ?? 0,
      result.counts?.usersRemoved ?? 0,
      ...(done ? [new Date(ctx.now())] : []),
      ctx.syncId,
    );
    if (changes !== 1) throw new Error(`directory sync ${ctx.syncId} not found`);
    return result.progress;
  });
}

async function listChildren(ctx: WalkContext, p: SyncProgress, head: number): Promise<SyncProgress | null> {
  const children = await unlessVanished(ctx.org.contacts.listSubDepartments(head));
  const { tenant, syncId } = ctx;
  if (children === null) {
    return commit(ctx, async (tx) => {
      await repo.unmarkDepartment(tx, tenant.id, head);
      return { progress: nextDepartment(p) };
    });
  }
  const departments: Department[] = children.map((d) => ({ deptId: d.dept_id, name: d.name, parentId: d.parent_id ?? head }));
  // listsub never returns the root itself; the walk names it after the tenant rather than spend a department/get per walk.
  if (head === ROOT_DEPT_ID) departments.unshift({ deptId: ROOT_DEPT_ID, name: tenant.name, parentId: null });
  return commit(ctx, async (tx) => {
    const marked = await repo.markDepartments(tx, tenant.id, syncId, departments, p.full);
    for (const batch of inBatches(marked.changed, BATCH_SIZE)) await ctx.outbox.append(tx, tenant.id, 'department.upserted', { departments: batch });
    // Only departments met for the first time are queued, so a cycle or a repeat cannot loop the walk.
    const queued = marked.firstSeen.map((d) => d.deptId).filter((id) => id !== head);
    return { progress: { ...p, queue: [...p.queue, ...queued], listed: true }, counts: { departmentsSeen: marked.firstSeen.length } };
  });
}

async function listMembers(ctx: WalkContext, p: SyncProgress, head: number): Promise<SyncProgress | null> {
  const page = await unlessVanished(ctx.org.contacts.listUsers({ deptId: head, cursor: p.cursor, size: BATCH_SIZE }));
  if (page?.has_more && !(page.next_cursor !== undefined && page.next_cursor > p.cursor)) {
    throw new DingTalkApiError({
      method: 'POST',
      path: '/topapi/v2/user/list',
      kind: 'unexpected-response',
      dingtalkMessage: `has_more without an advancing next_cursor (cursor ${p.cursor})`,
    });
  }
  const next = page?.has_more && page.next_cursor !== undefined ? { ...p, cursor: page.next_cursor } : nextDepartment(p);
  return commit(ctx, async (tx) => {
    if (page === null) {
      await repo.unmarkDepartment(tx, ctx.tenant.id, head);
      return { progress: next };
    }
    const marked = await repo.markUsers(tx, ctx.tenant.id, ctx.syncId, page.list.map(toUserProfile), p.full);
    for (const batch of inBatches(marked.changed, BATCH_SIZE)) await ctx.outbox.append(tx, ctx.tenant.id, 'user.upserted', { users: batch });
    return { progress: next, counts: { usersSeen: marked.firstSeen.length } };
  });
}

async function removeGoneUsers(ctx: WalkContext, p: SyncProgress): Promise<SyncProgress | null> {
  return commit(ctx, async (tx) => {
    const gone = await repo.goneUsers(tx, ctx.tenant.id, ctx.syncId, BATCH_SIZE);
    if (gone.length === 0) return { progress: { ...p, phase: 'remove-departments' } };
    await ctx.outbox.append(tx, ctx.tenant.id, 'user.removed', { userids: gone });
    // Gone from the organisation since the last sync: their tokens stop working with this event.
    await ctx.revocations.revokeUsers(tx, ctx.tenant.id, gone);
    await repo.removeUsers(tx, ctx.tenant.id, gone);
    return { progress: p, counts: { usersRemoved: gone.length } };
  });
}

async function removeGoneDepartments(ctx: WalkContext, p: SyncProgress): Promise<SyncProgress | null> {
  return commit(ctx, async (tx) => {
    const gone = await repo.goneDepartments(tx, ctx.tenant.id, ctx.syncId, BATCH_SIZE);
    if (gone.length === 0) return { progress: null };
    await ctx.outbox.append(tx, ctx.tenant.id, 'department.removed', { deptIds: gone });
    await repo.removeDepartments(tx, ctx.tenant.id, gone);
    return { progress: p };
  });
}

/** Runs one step; null once the sync has completed. */
export async function walkStep(ctx: WalkContext, p: SyncProgress): Promise<SyncProgress | null> {
  if (p.phase === 'remove-users') return removeGoneUsers(ctx, p);
  if (p.phase === 'remove-departments') return removeGoneDepartments(ctx, p);
  const head = p.queue[0];
  if (head === undefined) return commit(ctx, async () => ({ progress: nextDepartment(p) }));
  return p.listed ? listMembers(ctx, p, head) : listChildren(ctx, p, head);
}
