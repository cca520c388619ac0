import type { Department } from '@dtg/contracts';
import type { PrismaClient } from '../../generated/prisma/client';

export const departmentsRepository = {
  /** Current (not removed) departments that have a profile. */
  async listCurrent(prisma: PrismaClient, tenantId: string): Promise<Department[]> {
    const rows = await prisma.department.findMany({
      where: { tenantId, removed: false, profileVersion: { not: null } },
      orderBy: { deptId: 'asc' },
    });
    return rows.map((row) => ({
      deptId: Number(row.deptId),
      name: row.name,
      parentId: row.parentId === null ? null : Number(row.parentId),
    }));
  },
};
