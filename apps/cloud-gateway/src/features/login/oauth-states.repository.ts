// OAuth `state` persistence: random, single use, 10 minutes, bound to the tenant, returnTo and the
// browser that started the login (the hash of its nonce cookie), carrying the local store's browser
// binding on to the ticket. Only its SHA-256 is stored, in SQLite, so it survives restarts and
// works across instances.
import type { Db } from '../../db/prisma';
import { newSecret, secretKey } from './secure-token';

export const STATE_TTL_MS = 10 * 60_000;
/**
 * Spent and expired rows are kept this long past their expiry (to tell "used" and "expired" apart
 * for someone coming back late), then swept (oauth-state-sweeper.ts). An hour, not a day: that
 * difference matters for minutes, and every row kept is one more an attacker's starts can add.
 */
export const STATE_RETENTION_MS = 3_600_000;

export interface LoginState {
  tenantId: string;
  returnTo: string;
  /** SHA-256 of the local store's browser-binding cookie, when the login was started with one. */
  binding?: string;
}

/** What the state is bound to when it is created, and what it gives back when it is spent. */
export interface BoundState extends LoginState {
  /** SHA-256 of the nonce cookie of the browser that started the login; null on states from before it existed. */
  nonceHash: string | null;
}

export type StateRejection = 'unknown' | 'used' | 'expired';
export type ConsumedState = { ok: true; state: BoundState } | { ok: false; reason: StateRejection };

export function oauthStates(db: Db, now: () => number) {
  return {
    async create(state: BoundState): Promise<string> {
      const secret = newSecret();
      const at = now();
      await db.$transaction([
        db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(at - STATE_RETENTION_MS) } } }),
        db.oAuthState.create({
          data: {
            id: secretKey(secret),
            tenantId: state.tenantId,
            returnTo: state.returnTo,
            nonceHash: state.nonceHash,
            binding: state.binding ?? null,
            expiresAt: new Date(at + STATE_TTL_MS),
            createdAt: new Date(at),
          },
        }),
      ]);
      return secret;
    },

    /** The tenant a state was issued for, spent or not; undefined for one never issued (or swept). */
    async tenantOf(secret: string): Promise<string | undefined> {
      const row = await db.oAuthState.findUnique({ where: { id: secretKey(secret) }, select: { tenantId: true } });
      return row?.tenantId;
    },

    /** Marks the state used in one conditional UPDATE: of two racing callbacks exactly one wins. */
    async consume(secret: string): Promise<ConsumedState> {
      const id = secretKey(secret);
      const at = new Date(now());
      const { count } = await db.oAuthState.updateMany({ where: { id, usedAt: null, expiresAt: { gt: at } }, data: { usedAt: at } });
      const row = await db.oAuthState.findUnique({ where: { id } });
      if (!row) return { ok: false, reason: 'unknown' };
      if (count !== 1) return { ok: false, reason: row.usedAt ? 'used' : 'expired' };
      return {
        ok: true,
        state: { tenantId: row.tenantId, returnTo: row.returnTo, nonceHash: row.nonceHash, ...(row.binding ? { binding: row.binding } : {}) },
      };
    },
  };
}

export type OAuthStates = ReturnType<typeof oauthStates>;
