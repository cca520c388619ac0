// Keeps the delivery cursor moving while pushes settle out of order, and notices gaps: a seq that
// stays missing behind newer pushed ones for longer than the grace is fetched by pulling.
import type { Logger } from '@dtg/service-kit';
import type { Sql } from '../../db/sql';
import { cursorRepository } from './cursor.repository';

export interface CursorTracker {
  /** Called after a commit; advancing is coalesced so bursts of pushes cost one query. */
  noteSettled(seqs: readonly number[]): void;
  /** Advances now and returns the cursor (the puller calls this after each page). */
  advance(): Promise<number>;
  /** Moves the cursor forward past seqs the cloud pruned (they never settle here), then advances as usual. */
  skipTo(seq: number): Promise<number>;
  stop(): Promise<void>;
}

export interface CursorTrackerOptions {
  sql: Sql;
  tenantId: string;
  logger: Logger;
  /** How long a gap behind pushed events may last before a pull is triggered. */
  gapGraceMs: number;
  onGap: () => void;
  /** Told the cursor each time it is read or moved. */
  onCursor?: (seq: number) => void;
  /** Delay that lets a burst of pushes share one advance. Default 20 ms. */
  coalesceMs?: number;
}

export function createCursorTracker(options: CursorTrackerOptions): CursorTracker {
  const { sql, tenantId, logger } = options;
  let highestSeen = 0;
  let cursor = 0;
  let advanceTimer: NodeJS.Timeout | undefined;
  let gapTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number> | undefined;
  let stopped = false;
  let ensured = false;

  const advance = async (): Promise<number> => {
    if (!ensured) {
      await cursorRepository.ensure(sql, tenantId);
      ensured = true;
    }
    // One advance at a time; a caller arriving meanwhile waits for it (its owner handles its
    // failure) and then runs its own.
    while (inFlight) await inFlight.catch(() => undefined);
    inFlight = cursorRepository.advance(sql, tenantId);
    try {
      cursor = await inFlight;
    } finally {
      inFlight = undefined;
    }
    options.onCursor?.(cursor);
    watchForGap();
    return cursor;
  };

  const watchForGap = (): void => {
    if (stopped || gapTimer || highestSeen <= cursor) return;
    gapTimer = setTimeout(() => {
      gapTimer = undefined;
      advance().then(
        (current) => {
          if (highestSeen > current) {
            logger.info('gap behind pushed events; pulling', { cursor: current, highestSeen });
            options.onGap();
          }
        },
        (error: unknown) => logger.warn('cursor advance failed', { err: error }),
      );
    }, options.gapGraceMs);
  };

  return {
    noteSettled(seqs) {
      for (const seq of seqs) if (seq > highestSeen) highestSeen = seq;
      if (stopped || advanceTimer) return;
      advanceTimer = setTimeout(() => {
        advanceTimer = undefined;
        advance().catch((error: unknown) => logger.warn('cursor advance failed', { err: error }));
      }, options.coalesceMs ?? 20);
    },
    advance,
    async skipTo(seq) {
      if (!ensured) {
        await cursorRepository.ensure(sql, tenantId);
        ensured = true;
      }
      while (inFlight) await inFlight.catch(() => undefined);
      await cursorRepository.skipTo(sql, tenantId, seq);
      return advance();
    },
    async stop() {
      stopped = true;
      clearTimeout(advanceTimer);
      clearTimeout(gapTimer);
      advanceTimer = undefined;
      gapTimer = undefined;
      await inFlight?.catch(() => undefined);
    },
  };
}
