import type { DepartmentTree, UserProfile, UsersPage, UsersQuery } from '@dtg/contracts';
import { notFound } from '@dtg/service-kit';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { decodeCursor, nextCursor } from '../../http/page-cursor';
import { buildDepartmentTree } from './department-tree';
import { departmentsRepository } from './departments.repository';
import { usersRepository } from './users.repository';

const UserCursorSchema = z.object({ after: z.string().min(1) });

export function createDirectoryService(db: Database, tenantId: string) {
  return {
    async listUsers(query: UsersQuery): Promise<UsersPage> {
      const afterUserid = query.cursor === undefined ? undefined : decodeCursor(query.cursor, UserCursorSchema).after;
      const { items, hasMore } = await usersRepository.list(db.prisma, tenantId, {
        afterUserid,
        limit: query.limit,
        q: query.q,
        includeInactive: query.includeInactive,
      });
      return { items, nextCursor: nextCursor(items, hasMore, (last) => ({ after: last.userid })) };
    },

    async getUser(userid: string): Promise<UserProfile> {
      const user = await usersRepository.find(db.prisma, tenantId, userid);
      if (!user) throw notFound(`User ${userid} is not known here.`);
      return user;
    },

    async departmentTree(): Promise<DepartmentTree> {
      return { items: buildDepartmentTree(await departmentsRepository.listCurrent(db.prisma, tenantId)) };
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
