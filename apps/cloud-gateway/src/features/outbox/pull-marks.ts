// What a tenant's pulls tell the cloud and what they must be told: `pulledSeq` (the store holds
// every event up to it, so retention may prune them even with no push rows), `prunedSeq` and a
// restore's skipped seqs (a pull from before them cannot be answered event by event).
import { AppError } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';

export interface PullMarks {
  lastSeq: number;
  pulledSeq: number;
  prunedSeq: number;
  seqGapAfter: number;
  seqGapThrough: number;
}

export function pullMarks(sqldb: SqlDatabase) {
  return {
    async read(tenantId: string): Promise<PullMarks> {
      const row = await sqldb.read(
        async (sql) =>
          await sql.get<PullMarks>('SELECT "lastSeq", "pulledSeq", "prunedSeq", "seqGapAfter", "seqGapThrough" FROM "Tenant" WHERE id = ?', tenantId),
      );
      if (!row) throw new AppError('not_found', 'tenant not found');
      return row;
    },

    /** 410 events_pruned when events right after `after` are gone (pruned) or never existed here (a restore's gap). */
    refuseIfMissing(marks: PullMarks, after: number): void {
      if (after < marks.prunedSeq) {
        throw new AppError(
          'events_pruned',
          `events up to seq ${marks.prunedSeq} were pruned (retention); resync the directory and pull after ${marks.prunedSeq}`,
          {
            prunedThrough: marks.prunedSeq,
          },
        );
      }
      if (marks.seqGapThrough > 0 && after >= marks.seqGapAfter && after < marks.seqGapThrough) {
        throw new AppError(
          'events_pruned',
          `the cloud was restored from a backup that ends at seq ${marks.seqGapAfter}; seqs up to ${marks.seqGapThrough} were skipped. Resync the directory and pull after ${marks.seqGapThrough}`,
          { prunedThrough: marks.seqGapThrough },
        );
      }
    },

    /**
     * Only a forward move is written (an idle poll asks with the same `after` and writes nothing),
     * and never past lastSeq: a store cannot claim events that do not exist yet.
     */
    async recordPulled(tenantId: string, marks: PullMarks, after: number): Promise<void> {
      if (after <= marks.pulledSeq || after > marks.lastSeq) return;
      await sqldb.write(
        async (tx) => await tx.run('UPDATE "Tenant" SET "pulledSeq" = ? WHERE id = ? AND "pulledSeq" < ? AND "lastSeq" >= ?', after, tenantId, after, after),
      );
    },
  };
}
