import type { Sql } from '../../db/sql';
import type { PrismaClient } from '../../generated/prisma/client';
import { sha256Hex } from '@dtg/service-kit';

/** The cookie carries a random id; the table only ever sees its hash. */
export const hashSessionId = sha256Hex;

export interface StoredSession {
  userid: string;
  expiresAt: Date;
}

export const sessionsRepository = {
  async insert(sql: Sql, session: { idHash: string; tenantId: string; userid: string; expiresAt: Date }): Promise<void> {
    await sql.query('INSERT INTO sessions (id_hash, tenant_id, userid, expires_at) VALUES ($1, $2, $3, $4)', [
      session.idHash,
      session.tenantId,
      session.userid,
      session.expiresAt,
    ]);
  },

  async findLive(prisma: PrismaClient, tenantId: string, idHash: string): Promise<StoredSession | undefined> {
    const row = await prisma.session.findUnique({ where: { idHash } });
    if (!row || row.tenantId !== tenantId || row.expiresAt <= new Date()) return undefined;
    return { userid: row.userid, expiresAt: row.expiresAt };
  },

  async delete(prisma: PrismaClient, idHash: string): Promise<void> {
    await prisma.session.deleteMany({ where: { idHash } });
  },

  async deleteExpired(prisma: PrismaClient): Promise<number> {
    const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return count;
  },
};
