// Conflicts that go away when a transaction simply runs again (PostgresConnection.write): a
// serialization failure, a deadlock, and a unique key a concurrent transaction took between this
// one's check and its insert (two replicas accepting one Idempotency-Key, or one callback: run
// again, the function finds the other's row and answers with it).

/** SQLSTATEs (pg's errors): serialization failure, deadlock, unique violation. */
const SQL_STATES = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 5;

function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SQL_STATES.has(code);
}

/** Runs `attempt` until it settles other than with a conflict, at most 5 times; each run is a whole new transaction. */
export async function retryingConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= MAX_ATTEMPTS || !isConflict(err)) throw err;
    }
  }
}
