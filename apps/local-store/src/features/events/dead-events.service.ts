import { decodeCursor, nextCursor } from '@dtg/service-kit';
import type { DeadEventsPage, DeadEventsQuery } from '@dtg/contracts';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { deadEventsRepository } from './dead-events.repository';

const DeadEventCursorSchema = z.object({ before: z.number().int().positive() });

export async function listDeadEvents(db: Database, query: DeadEventsQuery): Promise<DeadEventsPage> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, DeadEventCursorSchema).before;
  const { items, hasMore } = await deadEventsRepository.list(db.sql, query.limit, before);
  return { items, nextCursor: nextCursor(items, hasMore, (last) => ({ before: last.id })) };
}
