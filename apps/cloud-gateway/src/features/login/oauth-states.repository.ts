// OAuth `state` persistence: random, single use, 10 minutes, bound to the tenant and returnTo.
// Only its SHA-256 is stored, in SQLite, so it survives restarts and works across instances.
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
}

export type StateRejection = 'unknown' | 'used' | 'expired';
export type ConsumedState = { ok: true; state: LoginState } | { ok: false; reason: StateRejection };

export function oauthStates(db: Db, now: () => number) {
  return {
    async create(state: LoginState): Promise<string> {
      const secret = newSecret();
      const at = now();
      await db.$transaction([
        db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(at - STATE_RETENTION_MS) } } }),
        db.oAuthState.create({
          data: { id: secretKey(secret), tenantId: state.tenantId, returnTo: state.returnTo, expiresAt: new Date(at + STATE_TTL_MS), createdAt: new Date(at) },
        }),
      ]);
      return secret;
    },

    /** Marks the state used in one conditional UPDATE: of two racing callbacks exactly one wins. */
    async consume(secret: string): Promise<ConsumedState> {
      const id = secretKey(secret);
      const at = new Date(now());
      const { count } = await db.oAuthState.updateMany({ where: { id, usedAt: null, expiresAt: { gt: at } }, data: { usedAt: at } });
      const row = await db.oAuthState.findUnique({ where: { id } });
      if (!row) return { ok: false, reason: 'unknown' };
      if (count !== 1) return { ok: false, reason: row.usedAt ? 'used' : 'expired' };
      return { ok: true, state: { tenantId: row.tenantId, returnTo: row.returnTo } };
    },
  };
}

export type OAuthStates = ReturnType<typeof oauthStates>;
