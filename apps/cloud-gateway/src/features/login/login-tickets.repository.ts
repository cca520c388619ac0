// One-time login tickets: keyed by SHA-256 of the ticket; the data is the user.authenticated event
// they were issued with (single use is enforced by the local store that redeems them).
import { EventDataSchemas, type LoginTicket } from '@dtg/contracts';
import type { DbTx } from '../../db/prisma';
import { secretKey } from './secure-token';

/** Expired tickets are swept this long after expiry (they answer 404 from the moment they expire). */
const KEEP_EXPIRED_MS = 24 * 3_600_000;

export const loginTicketsRepository = {
  async create(tx: DbTx, ticket: { secret: string; tenantId: string; userid: string; eventId: string; expiresAt: Date }, now: number): Promise<void> {
    await tx.loginTicket.deleteMany({ where: { expiresAt: { lt: new Date(now - KEEP_EXPIRED_MS) } } });
    await tx.loginTicket.create({
      data: {
        id: secretKey(ticket.secret),
        tenantId: ticket.tenantId,
        userid: ticket.userid,
        eventId: ticket.eventId,
        expiresAt: ticket.expiresAt,
        createdAt: new Date(now),
      },
    });
  },

  /**
   * The ticket's data if it belongs to the tenant and has not expired, its ttlMs being what is left
   * of it (by this clock: the store counts it from when it asked).
   */
  async find(db: DbTx, tenantId: string, secret: string, now: number): Promise<LoginTicket | null> {
    const row = await db.loginTicket.findUnique({ where: { id: secretKey(secret) } });
    if (!row || row.tenantId !== tenantId || row.expiresAt.getTime() <= now) return null;
    const event = await db.event.findFirst({ where: { id: row.eventId, tenantId } });
    const data = event ? EventDataSchemas['user.authenticated'].parse(JSON.parse(event.data)) : null;
    if (!data?.login) return null;
    return { user: data.user, login: { ...data.login, ttlMs: row.expiresAt.getTime() - now } };
  },
};
