import type { DepartmentDetail, DepartmentNode, DepartmentTree, UserProfile, UsersPage, UsersQuery } from '@dtg/contracts';
import { decodeCursor, nextCursor, notFound } from '@dtg/service-kit';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { changesRepository } from '../changes/changes.repository';
import { buildDepartmentTree, findNode } from './department-tree';
import { departmentsRepository } from './departments.repository';
import { usersRepository } from './users.repository';

const UserCursorSchema = z.object({ after: z.string().min(1) });

export type DepartmentTreeQuery = { rootId?: number };

export function createDirectoryService(db: Database, tenantId: string) {
  // Every change to a user or department that the tree shows (a name, a parent, who is active in
  // which department) writes a change event, so the tree can be reused while the change sequence
  // has not moved: one indexed read instead of counting every user's departments.
  let tree: { seq: number; roots: DepartmentNode[] } | undefined;
  const currentTree = async (): Promise<DepartmentNode[]> => {
    const seq = await changesRepository.lastSeq(db.sql, tenantId);
    if (tree?.seq === seq) return tree.roots;
    const [departments, counts] = await Promise.all([
      departmentsRepository.listCurrent(db.sql, tenantId),
      departmentsRepository.memberCounts(db.sql, tenantId),
    ]);
    tree = { seq, roots: buildDepartmentTree(departments, counts) };
    return tree.roots;
  };

  return {
    async listUsers(query: UsersQuery): Promise<UsersPage> {
      const afterUserid = query.cursor === undefined ? undefined : decodeCursor(query.cursor, UserCursorSchema).after;
      const deptIds =
        query.deptId === undefined
          ? undefined
          : query.includeSubDepartments
            ? await departmentsRepository.subtreeIds(db.sql, tenantId, query.deptId)
            : [query.deptId];
      const active = query.active ?? (query.includeInactive ? 'any' : 'true');
      const { items, hasMore } = await usersRepository.list(db.sql, tenantId, {
        afterUserid,
        limit: query.limit,
        q: query.q,
        deptIds,
        updatedSince: query.updatedSince === undefined ? undefined : new Date(query.updatedSince),
        active: active === 'any' ? undefined : active === 'true',
      });
      return { items, nextCursor: nextCursor(items, hasMore, (last) => ({ after: last.userid })) };
    },

    async getUser(userid: string): Promise<UserProfile> {
      const user = await usersRepository.find(db.sql, tenantId, userid);
      if (!user) throw notFound(`User ${userid} is not known here.`);
      return user;
    },

    async getUserByUnionId(unionId: string): Promise<UserProfile> {
      const user = await usersRepository.findByUnionId(db.sql, tenantId, unionId);
      if (!user) throw notFound(`No user with unionId ${unionId} is known here.`);
      return user;
    },

    /** The whole tree, or the subtree under `rootId` (404 when that department is not current). */
    async departmentTree(query: DepartmentTreeQuery = {}): Promise<DepartmentTree> {
      const roots = await currentTree();
      if (query.rootId === undefined) return { items: roots };
      const root = findNode(roots, query.rootId);
      if (!root) throw notFound(`Department ${query.rootId} is not known here.`);
      return { items: [root] };
    },

    async getDepartment(deptId: number): Promise<DepartmentDetail> {
      const departments = await departmentsRepository.listCurrent(db.sql, tenantId);
      const byId = new Map(departments.map((dept) => [dept.deptId, dept]));
      const dept = byId.get(deptId);
      if (!dept) throw notFound(`Department ${deptId} is not known here.`);
      const subtree = await departmentsRepository.subtreeIds(db.sql, tenantId, deptId);
      const [memberCount, totalMemberCount] = await Promise.all([
        departmentsRepository.countMembers(db.sql, tenantId, [deptId]),
        departmentsRepository.countMembers(db.sql, tenantId, subtree),
      ]);
      return { ...dept, memberCount, totalMemberCount, path: pathTo(dept.parentId, byId) };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;

/** Root first; stops at an unknown parent or a cycle. */
function pathTo(
  parentId: number | null,
  byId: ReadonlyMap<number, { deptId: number; name: string; parentId: number | null }>,
): { deptId: number; name: string }[] {
  const path: { deptId: number; name: string }[] = [];
  const seen = new Set<number>();
  for (let id = parentId; id !== null && !seen.has(id);) {
    seen.add(id);
    const dept = byId.get(id);
    if (!dept) break;
    path.unshift({ deptId: dept.deptId, name: dept.name });
    id = dept.parentId;
  }
  return path;
}
