import type { Sql } from '../../db/sql';

// Moves the cursor to the end of the run of settled seqs that starts right after it: the first
// settled seq S > cursor whose successor is missing, provided cursor+1 itself is settled. The
// cursor is read as a scalar so the scan starts at it in the (tenant_id, seq) index.
const ADVANCE = `
  UPDATE delivery_cursor d SET seq = run_end.seq, updated_at = now()
  FROM (
    SELECT p.seq FROM processed_events p
    WHERE p.tenant_id = $1 AND p.seq > (SELECT c.seq FROM delivery_cursor c WHERE c.tenant_id = $1)
      AND NOT EXISTS (SELECT 1 FROM processed_events n WHERE n.tenant_id = $1 AND n.seq = p.seq + 1)
    ORDER BY p.seq LIMIT 1
  ) run_end
  WHERE d.tenant_id = $1 AND EXISTS (SELECT 1 FROM processed_events e WHERE e.tenant_id = $1 AND e.seq = d.seq + 1)
  RETURNING d.seq`;

export const cursorRepository = {
  async ensure(sql: Sql, tenantId: string): Promise<void> {
    await sql.query('INSERT INTO delivery_cursor (tenant_id, seq) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING', [tenantId]);
  },

  async get(sql: Sql, tenantId: string): Promise<number> {
    const [row] = await sql.query<{ seq: number }>('SELECT seq FROM delivery_cursor WHERE tenant_id = $1', [tenantId]);
    return row?.seq ?? 0;
  },

  /**
   * Moves the cursor forward to `seq` over seqs the cloud no longer has (410 events_pruned): they
   * can never settle here, and the cursor only moves over settled ones otherwise. Never backwards.
   */
  async skipTo(sql: Sql, tenantId: string, seq: number): Promise<number> {
    const [row] = await sql.query<{ seq: number }>(
      'UPDATE delivery_cursor SET seq = GREATEST(seq, $2), updated_at = now() WHERE tenant_id = $1 RETURNING seq',
      [tenantId, seq],
    );
    return row?.seq ?? seq;
  },

  /** Returns the cursor after advancing it as far as settled seqs are contiguous. */
  async advance(sql: Sql, tenantId: string): Promise<number> {
    const [moved] = await sql.query<{ seq: number }>(ADVANCE, [tenantId]);
    return moved?.seq ?? cursorRepository.get(sql, tenantId);
  },
};
