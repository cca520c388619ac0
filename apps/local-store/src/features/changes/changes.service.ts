// The pull feed of change events (GET /api/changes): the same events subscriptions receive, in
// seq order, filtered to what the caller may read.
import type { ChangesPage, ChangesQuery } from '@dtg/contracts';
import type { Sql } from '../../db/sql';
import type { Caller } from '../../http/caller';
import { changesRepository } from './changes.repository';

/** Which event families a caller may read: the directory with directory:read, messages with messages:read (not members, whose message access is per message). */
export function readablePrefixes(caller: Pick<Caller, 'scopes' | 'ownMessagesOnly'>): string[] {
  return [
    ...(caller.scopes.has('directory:read') ? ['user.', 'department.'] : []),
    ...(caller.scopes.has('messages:read') && !caller.ownMessagesOnly ? ['message.'] : []),
  ];
}

export function createChangesService(sql: Sql, tenantId: string) {
  return {
    async page(caller: Caller, query: ChangesQuery): Promise<ChangesPage> {
      // Read first: every seq up to it is committed, so the page below can have no holes.
      const through = await changesRepository.lastSeq(sql, tenantId);
      const prefixes = readablePrefixes(caller);
      const events = prefixes.length === 0 ? [] : await changesRepository.page(sql, tenantId, { after: query.after, through, limit: query.limit, prefixes });
      const full = events.length === query.limit;
      // A short page means everything up to `through` was seen (events of other families skipped).
      return { events, next: full ? (events.at(-1)?.seq ?? query.after) : Math.max(query.after, through) };
    },
  };
}

export type ChangesService = ReturnType<typeof createChangesService>;
