// A message's recipients a page at a time, by userid. A message can have 100,000 of them: its view
// carries the counts per status and the first page, and GET /v1/messages/:id/recipients pages
// through the rest, as the local store's message API does. Before, every view read and answered
// them all: ~5 MB of JSON and tens of MB of heap per call, in a cloud that runs in 160 MB.
import { DETAIL_RECIPIENTS, RecipientStatusSchema, type MessageRecipientsQuery, type RecipientResult, type RecipientStatus } from '@dtg/contracts';
import { decodeCursor, nextCursor } from '@dtg/service-kit';
import { z } from 'zod';
import type { Sql } from '../../db/prisma';
import { messagesRepository as repo, type MessageRecord } from './messages.repository';
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

const PositionSchema = z.object({ userid: z.string().min(1) });

/** The counts per status (every status present) and the first page, as the message view shows them. */
export async function recipientsOverview(sql: Sql, message: MessageRecord): Promise<{ counts: Record<RecipientStatus, number>; first: RecipientsPage }> {
  const counts = Object.fromEntries(RecipientStatusSchema.options.map((s) => [s, 0])) as Record<RecipientStatus, number>;
  if (message.status === 'queued') {
    const userids = queuedUserIds(message);
    counts.pending = userids.length;
    return { counts, first: queuedPage(userids, { limit: DETAIL_RECIPIENTS }) };
  }
  const found = await repo.recipientCountsAndFirst(sql, message.id, DETAIL_RECIPIENTS + 1);
  for (const [status, n] of found.counts) counts[RecipientStatusSchema.parse(status)] = n;
  return { counts, first: pageOf(found.first, DETAIL_RECIPIENTS) };
}

/** One page after the caller's cursor, optionally only some statuses. */
export async function recipientsPage(sql: Sql, message: MessageRecord, query: MessageRecipientsQuery): Promise<RecipientsPage> {
  const page: PageQuery = { limit: query.limit, afterUserid: query.cursor && decodeCursor(query.cursor, PositionSchema).userid, statuses: query.status };
  if (message.status === 'queued') return queuedPage(queuedUserIds(message), page);
  const rows = await repo.recipients(sql, message.id, { status: page.statuses, afterUserid: page.afterUserid, limit: page.limit + 1 });
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
    rest.slice(0, page.limit + 1).map((userid): RecipientResult => ({ userid, status: 'pending' })),
    page.limit,
  );
}

/** `rows` holds up to one more than `limit`: that one only says another page follows. */
function pageOf(rows: readonly RecipientResult[], limit: number): RecipientsPage {
  const items = rows.slice(0, limit);
  return { items, nextCursor: nextCursor(items, rows.length > limit, (last) => ({ userid: last.userid })) };
}
