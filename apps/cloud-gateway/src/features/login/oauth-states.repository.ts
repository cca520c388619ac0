// OAuth `state` persistence: random, single use, 10 minutes, bound to the tenant, returnTo and the
// browser that started the login (the hash of its nonce cookie), carrying the local store's browser
// binding on to the ticket. Only its SHA-256 is stored, in SQLite, so it survives restarts and
// works across instances.
import type { SqlDatabase } from '../../db/prisma';
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

interface StateRow {
  tenantId: string;
  returnTo: string;
  nonceHash: string | null;
  binding: string | null;
  usedAt: number | null;
}

export function oauthStates(sqldb: SqlDatabase, now: () => number) {
  return {
    async create(state: BoundState): Promise<string> {
      const secret = newSecret();
      const at = now();
      await sqldb.write(async (tx) => {
        await tx.run('DELETE FROM "OAuthState" WHERE "expiresAt" < ?', new Date(at - STATE_RETENTION_MS));
        await tx.run(
          'INSERT INTO "OAuthState" (id, "tenantId", "returnTo", "nonceHash", binding, "expiresAt", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)',
          secretKey(secret),
          state.tenantId,
          state.returnTo,
          state.nonceHash,
          state.binding ?? null,
          new Date(at + STATE_TTL_MS),
          new Date(at),
        );
      });
      return secret;
    },

    /** The tenant a state was issued for, spent or not; undefined for one never issued (or swept). */
    async tenantOf(secret: string): Promise<string | undefined> {
      const row = await sqldb.read((sql) => sql.get<{ tenantId: string }>('SELECT "tenantId" FROM "OAuthState" WHERE id = ?', secretKey(secret)));
      return row?.tenantId;
    },

    /** Marks the state used in one conditional UPDATE: of two racing callbacks exactly one wins. */
    async consume(secret: string): Promise<ConsumedState> {
      const id = secretKey(secret);
      const at = new Date(now());
      const { changes, row } = await sqldb.write(async (tx) => {
        const { changes } = await tx.run('UPDATE "OAuthState" SET "usedAt" = ? WHERE id = ? AND "usedAt" IS NULL AND "expiresAt" > ?', at, id, at);
        const row = await tx.get<StateRow>('SELECT "tenantId", "returnTo", "nonceHash", binding, "usedAt" FROM "OAuthState" WHERE id = ?', id);
        return { changes, row };
      });
      if (!row) return { ok: false, reason: 'unknown' };
      if (changes !== 1) return { ok: false, reason: row.usedAt !== null ? 'used' : 'expired' };
      return {
        ok: true,
        state: { tenantId: row.tenantId, returnTo: row.returnTo, nonceHash: row.nonceHash, ...(row.binding ? { binding: row.binding } : {}) },
      };
    },
  };
}

export type OAuthStates = ReturnType<typeof oauthStates>;
