// Sections that run in one replica at a time (issue #22): a transaction-scoped advisory lock per key,
// held on a connection of its own while the section runs. Used for DingTalk token fetches, so N
// replicas on a cold cache fetch an app's token once, not N times (token endpoints are throttled).
//
// Why a pool of its own: a section holds its connection while it calls DingTalk, and the call may
// itself need the database (a suite ticket for a corp token, the access token for a JSAPI ticket). On the main pool, ten sections
// at once would take every connection and wait for an eleventh forever. Here they only queue for a
// lock connection; what they read and write goes through the main pool.
//
// Why transaction-scoped: the lock goes with COMMIT, ROLLBACK or a lost connection (a replica that
// dies mid-fetch frees it), never left behind by a missed unlock.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, type PoolClient } from 'pg';

export type Exclusive = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** Sections running at once per replica; more wait for a connection (the fetches they guard take ~100 ms). */
const LOCK_CONNECTIONS = 4;

/** The lock space is shared by every advisory lock user of the database: our keys carry a prefix. */
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('dtg:' || $1::text))";

interface Held {
  client: PoolClient;
  open: boolean;
}

export function exclusiveSections(url: string): { exclusive: Exclusive; end(): Promise<void> } {
  const pool = new Pool({ connectionString: url, max: LOCK_CONNECTIONS, connectionTimeoutMillis: 60_000 });
  // As the main pool: an idle client that loses its connection must not end the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const held = new AsyncLocalStorage<Held>();

  async function exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    // A section inside a section (a JSAPI ticket's fetch needs the org's access token) takes its lock
    // on the outer one's transaction instead of a second connection: sections can then never wait
    // for a connection their own callers hold. Both locks go at the outer COMMIT; the order is always
    // ticket then token (a token's fetch needs no ticket), so two replicas cannot wait for each other.
    const outer = held.getStore();
    if (outer?.open) {
      await outer.client.query(LOCK, [key]);
      return fn();
    }
    const client = await pool.connect();
    const section: Held = { client, open: true };
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query(LOCK, [key]);
      const result = await held.run(section, fn);
      section.open = false;
      await client.query('COMMIT');
      return result;
    } catch (err) {
      section.open = false;
      broken = !(await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
      throw err;
    } finally {
      // A connection that could not even roll back is dropped, not lent again with its lock.
      client.release(broken);
    }
  }

  return { exclusive, end: () => pool.end() };
}
