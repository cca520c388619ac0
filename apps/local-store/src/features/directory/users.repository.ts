import type { UserProfile } from '@dtg/contracts';
import type { Prisma, PrismaClient, User } from '../../generated/prisma/client';

export interface UserListOptions {
  /** Keyset: only userids after this one. */
  afterUserid?: string;
  limit: number;
  q?: string;
  includeInactive: boolean;
}

/** Tombstones (a removal seen before any profile) have no profile and are never shown. */
const HAS_PROFILE = { profileVersion: { not: null } } satisfies Prisma.UserWhereInput;

export const usersRepository = {
  async find(prisma: PrismaClient, tenantId: string, userid: string): Promise<UserProfile | undefined> {
    const row = await prisma.user.findFirst({ where: { tenantId, userid, ...HAS_PROFILE } });
    return row ? toUserProfile(row) : undefined;
  },

  /** One extra row is read to know whether another page exists. */
  async list(prisma: PrismaClient, tenantId: string, options: UserListOptions): Promise<{ items: UserProfile[]; hasMore: boolean }> {
    const where: Prisma.UserWhereInput = { tenantId, ...HAS_PROFILE };
    if (!options.includeInactive) where.active = true;
    if (options.afterUserid !== undefined) where.userid = { gt: options.afterUserid };
    if (options.q !== undefined) {
      where.OR = [
        { name: { contains: options.q, mode: 'insensitive' } },
        { userid: { contains: options.q, mode: 'insensitive' } },
      ];
    }
    const rows = await prisma.user.findMany({ where, orderBy: { userid: 'asc' }, take: options.limit + 1 });
    return { items: rows.slice(0, options.limit).map(toUserProfile), hasMore: rows.length > options.limit };
  },
};

function toUserProfile(row: User): UserProfile {
  const profile: UserProfile = { userid: row.userid, name: row.name, deptIds: row.deptIds.map(Number), active: row.active };
  if (row.unionId !== null) profile.unionId = row.unionId;
  if (row.avatar !== null) profile.avatar = row.avatar;
  if (row.title !== null) profile.title = row.title;
  if (row.jobNumber !== null) profile.jobNumber = row.jobNumber;
  if (row.mobile !== null) profile.mobile = row.mobile;
  if (row.email !== null) profile.email = row.email;
  if (row.managerUserid !== null) profile.managerUserid = row.managerUserid;
  if (row.admin !== null) profile.admin = row.admin;
  if (row.boss !== null) profile.boss = row.boss;
  return profile;
}
