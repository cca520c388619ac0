// A message's recipients a page at a time, by userid. A message can have 100,000 of them: its view
// carries the counts per status and the first page, and GET /v1/messages/:id/recipients pages
// through the rest, as the local store's message API does. Before, every view read and answered
// them all: ~5 MB of JSON and tens of MB of heap per call, in a cloud that runs in 160 MB.
import { DETAIL_RECIPIENTS, RecipientStatusSchema, type MessageRecipientsQuery, type RecipientResult, type RecipientStatus } from '@dtg/contracts';
import { decodeCursor, nextCursor } from '@dtg/service-kit';
import { z } from 'zod';
import type { Sql, SqlParam } from '../../db/prisma';
import { marks } from '../../shared/batches';
import type { MessageRecord } from './messages.repository';
import { directUserIds } from './recipient-expansion';

export interface RecipientsPage {
  items: RecipientResult[];
  nextCursor: string | null;
}

interface PageQuery {
  limit: number;
  afterUserid?: string;
  statuses?: readonly RecipientStatus[];
}

interface RecipientRow {
  userid: string;
  status: string;
  reason: string | null;
}

const PositionSchema = z.object({ userid: z.string().min(1) });

/** The counts per status (every status present) and the first page, as the message view shows them. */
export async function recipientsOverview(sql: Sql, message: MessageRecord): Promise<{ counts: Record<RecipientStatus, number>; first: RecipientsPage }> {
  const counts = Object.fromEntries(RecipientStatusSchema.options.map((s) => [s, 0])) as Record<RecipientStatus, number>;
  if (message.status === 'queued') {
    const userids = queuedUserIds(message);
    counts.pending = userids.length;
    return { counts, first: queuedPage(userids, { limit: DETAIL_RECIPIENTS }) };
  }
  // One statement, so the counts and the page come from one snapshot: on Postgres each statement of
  // a read sees its own, and a status change between two of them would show a recipient in a state
  // the counts do not have yet.
  const rows = await sql.all<RecipientRow & { page: number; n: number | null }>(
    `SELECT 0 AS page, status, CAST(count(*) AS INTEGER) AS n, CAST(NULL AS TEXT) AS userid, CAST(NULL AS TEXT) AS reason
       FROM "MessageRecipient" WHERE "messageId" = ? GROUP BY status
     UNION ALL
     SELECT * FROM (SELECT 1, status, CAST(NULL AS INTEGER), userid, reason FROM "MessageRecipient" WHERE "messageId" = ? ORDER BY userid LIMIT ?) first_page
     ORDER BY page, userid`,
    message.id,
    message.id,
    DETAIL_RECIPIENTS + 1,
  );
  for (const row of rows) if (row.page === 0) counts[RecipientStatusSchema.parse(row.status)] = Number(row.n);
  return {
    counts,
    first: pageOf(
      rows.filter((row) => row.page === 1),
      DETAIL_RECIPIENTS,
    ),
  };
}

/** One page after the caller's cursor, optionally only some statuses. */
export async function recipientsPage(sql: Sql, message: MessageRecord, query: MessageRecipientsQuery): Promise<RecipientsPage> {
  const page: PageQuery = { limit: query.limit, afterUserid: query.cursor && decodeCursor(query.cursor, PositionSchema).userid, statuses: query.status };
  if (message.status === 'queued') return queuedPage(queuedUserIds(message), page);
  const filters = ['"messageId" = ?'];
  const params: SqlParam[] = [message.id];
  if (page.afterUserid !== undefined) {
    filters.push('userid > ?');
    params.push(page.afterUserid);
  }
  if (page.statuses) {
    filters.push(`status IN (${marks(page.statuses)})`);
    params.push(...page.statuses);
  }
  // The primary key ("messageId", userid) serves the order: a page reads a page, however many there are.
  const rows = await sql.all<RecipientRow>(
    `SELECT userid, status, reason FROM "MessageRecipient" WHERE ${filters.join(' AND ')} ORDER BY userid LIMIT ?`,
    ...params,
    page.limit + 1,
  );
  return pageOf(rows, page.limit);
}

/** Before the dispatch plans a message, its recipients are the userids given directly, all pending. */
function queuedUserIds(message: MessageRecord): string[] {
  return directUserIds(message.recipientsSpec).sort();
}

function queuedPage(sortedUserids: readonly string[], page: PageQuery): RecipientsPage {
  if (page.statuses && !page.statuses.includes('pending')) return { items: [], nextCursor: null };
  const after = page.afterUserid;
  const rest = after === undefined ? sortedUserids : sortedUserids.filter((userid) => userid > after);
  return pageOf(
    rest.slice(0, page.limit + 1).map((userid) => ({ userid, status: 'pending', reason: null })),
    page.limit,
  );
}

/** `rows` holds up to one more than `limit`: that one only says another page follows. */
function pageOf(rows: readonly RecipientRow[], limit: number): RecipientsPage {
  const items = rows
    .slice(0, limit)
    .map((row): RecipientResult => ({ userid: row.userid, status: RecipientStatusSchema.parse(row.status), ...(row.reason ? { reason: row.reason } : {}) }));
  return { items, nextCursor: nextCursor(items, rows.length > limit, (last) => ({ userid: last.userid })) };
}
