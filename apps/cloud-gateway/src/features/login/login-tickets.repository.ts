// One-time login tickets: keyed by SHA-256 of the ticket; the data is the user.authenticated event
// they were issued with (single use is enforced by the local store that redeems them).
import { EventDataSchemas, type LoginTicket } from '@dtg/contracts';
import type { Sql, Tx } from '../../db/prisma';
import { secretKey } from './secure-token';

/** Expired tickets are swept this long after expiry (they answer 404 from the moment they expire). */
const KEEP_EXPIRED_MS = 24 * 3_600_000;

export const loginTicketsRepository = {
  async create(tx: Tx, ticket: { secret: string; tenantId: string; userid: string; eventId: string; expiresAt: Date }, now: number): Promise<void> {
    await tx.run('DELETE FROM "LoginTicket" WHERE "expiresAt" < ?', new Date(now - KEEP_EXPIRED_MS));
    await tx.run(
      'INSERT INTO "LoginTicket" (id, "tenantId", userid, "eventId", "expiresAt", "createdAt") VALUES (?, ?, ?, ?, ?, ?)',
      secretKey(ticket.secret),
      ticket.tenantId,
      ticket.userid,
      ticket.eventId,
      ticket.expiresAt,
      new Date(now),
    );
  },

  /**
   * The ticket's data if it belongs to the tenant and has not expired, its ttlMs being what is left
   * of it (by this clock: the store counts it from when it asked).
   */
  async find(sql: Sql, tenantId: string, secret: string, now: number): Promise<LoginTicket | null> {
    const row = await sql.get<{ tenantId: string; eventId: string; expiresAt: number }>(
      'SELECT "tenantId", "eventId", "expiresAt" FROM "LoginTicket" WHERE id = ?',
      secretKey(secret),
    );
    if (!row || row.tenantId !== tenantId || Number(row.expiresAt) <= now) return null;
    const event = await sql.get<{ data: string }>('SELECT data FROM "Event" WHERE id = ? AND "tenantId" = ?', row.eventId, tenantId);
    const data = event ? EventDataSchemas['user.authenticated'].parse(JSON.parse(event.data)) : null;
    if (!data?.login) return null;
    return { user: data.user, login: { ...data.login, ttlMs: Number(row.expiresAt) - now } };
  },
};
