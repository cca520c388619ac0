// The change outbox. Write statements insert their events with no seq; `finalize` (the last
// statement of every transaction that may have written some) numbers them from the tenant's
// counter. The counter row stays locked until commit, so transactions that wrote changes commit in
// seq order: a reader never sees seq n+1 before n, and a rolled-back transaction leaves no gap.
// Taking it last (after every row lock the transaction needs) keeps it out of deadlock cycles.
import type { ChangeEvent, ChangeType } from '@dtg/contracts';
import type { Sql, Statement } from '../../db/sql';
import { isoJson } from './change-json';

// Rows with no seq are visible only to the transaction that inserted them: committed ones always
// have theirs. The (tenant_id, seq) index finds them.
const FINALIZE = `
  WITH pending AS MATERIALIZED (
    SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total
    FROM changes WHERE tenant_id = $1 AND seq IS NULL
  ), counter AS (
    INSERT INTO change_sequence AS s (tenant_id, last_seq)
    SELECT $1, count(*) FROM pending HAVING count(*) > 0
    ON CONFLICT (tenant_id) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
    RETURNING last_seq
  )
  UPDATE changes c SET seq = numbered.seq, data = c.data || jsonb_build_object('version', numbered.seq)
  FROM (SELECT p.id, counter.last_seq - p.total + p.n AS seq FROM pending p, counter) AS numbered
  WHERE c.id = numbered.id
  RETURNING c.seq`;

interface ChangeRow {
  event_id: string;
  type: ChangeType;
  seq: string;
  occurred_at: string;
  data: unknown;
}

export const changesRepository = {
  /** Returns a row per change it numbered (none when the transaction changed nothing). */
  finalize(tenantId: string): Statement {
    return { text: FINALIZE, values: [tenantId] };
  },

  /** The highest seq committed: every seq up to it is committed too. */
  async lastSeq(sql: Sql, tenantId: string): Promise<number> {
    const [row] = await sql.query<{ last_seq: string }>('SELECT last_seq FROM change_sequence WHERE tenant_id = $1', [tenantId]);
    return Number(row?.last_seq ?? 0);
  },

  /** Events after `after` up to `through`, of the given type prefixes (`user.`), in seq order. */
  async page(sql: Sql, tenantId: string, range: { after: number; through: number; limit: number; prefixes: readonly string[] }): Promise<ChangeEvent[]> {
    const rows = await sql.query<ChangeRow>(
      // Ordered by the bigint column (c.seq), not the text the row carries out.
      `SELECT c.event_id, c.type, c.seq::text AS seq, ${isoJson('c.occurred_at')} AS occurred_at, c.data FROM changes c
       WHERE c.tenant_id = $1 AND c.seq > $2 AND c.seq <= $3 AND split_part(c.type, '.', 1) || '.' = ANY($4::text[])
       ORDER BY c.seq LIMIT $5`,
      [tenantId, range.after, range.through, range.prefixes, range.limit],
    );
    return rows.map((row) => ({ id: row.event_id, type: row.type, seq: Number(row.seq), occurredAt: row.occurred_at, data: row.data }) as ChangeEvent);
  },
};
