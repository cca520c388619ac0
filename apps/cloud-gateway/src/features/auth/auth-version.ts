// AuthVersion.version moves (triggers add 1) whenever something a credential check depends on
// changes: a key revoked or deleted, a user token revoked, a tenant's status, whichever process
// writes it (this one, another replica, the admin CLI). The authenticators remember what they
// looked up for as long as it stays the same, so reading it is most of what checking a known
// credential costs: on SQLite a read transaction of its own, on Postgres a round trip.
//
// Requests that start in the same event-loop turn share one read: under load a turn takes in a
// batch of requests that would each read it. What this process commits is seen at once (a commit
// since the read began makes the next request read again); a change committed by another process
// is seen once the turn that read before it has passed, about a millisecond under load.
import type { SqlDatabase } from '../../db/prisma';

/** The current AuthVersion.version (undefined before the migration that adds its row). */
export type AuthVersionReader = () => Promise<number | undefined>;

export function authVersionReader(sqldb: SqlDatabase): AuthVersionReader {
  let shared: { version: Promise<number | undefined>; commits: number } | undefined;

  return () => {
    if (shared && shared.commits === sqldb.commits) return shared.version;
    const version = sqldb.read(async (sql) => (await sql.get<{ version: number }>('SELECT version FROM "AuthVersion" WHERE id = 1'))?.version);
    const read = { version, commits: sqldb.commits };
    shared = read;
    // Immediates run once this turn's I/O callbacks are done: the next turn reads again.
    setImmediate(() => {
      if (shared === read) shared = undefined;
    });
    return version;
  };
}

export interface AuthMemoryOptions<V> {
  /** Entries at most; beyond it the memory starts again. */
  max?: number;
  /** Whether a looked-up value is remembered (an unknown API key is not: one issued a moment ago must work at once). */
  keep?: (value: V) => boolean;
}

/**
 * What an authenticator looked up, by key, for as long as AuthVersion.version stays the same.
 * The version is read before the lookup, and a value is filed only under the version read before
 * it (a newer one may have been read meanwhile): nothing remembered is older than its version.
 * Without the version row (it comes with a migration) nothing could tell a change: nothing is kept.
 */
export function authMemory<V>(authVersion: AuthVersionReader, options: AuthMemoryOptions<V> = {}) {
  const known = new Map<string, V>();
  let knownAt: number | undefined;

  return async (key: string, lookUp: () => Promise<V>): Promise<V> => {
    const version = await authVersion();
    if (version !== knownAt || known.size >= (options.max ?? Infinity)) {
      known.clear();
      knownAt = version;
    }
    if (known.has(key)) return known.get(key) as V;
    const found = await lookUp();
    if (version !== undefined && version === knownAt && (options.keep?.(found) ?? true)) known.set(key, found);
    return found;
  };
}
