-- Retention (features/retention/): what a tenant's store is known to have, and what was pruned.
-- pulledSeq: the highest `after` the tenant's store has asked GET /v1/events for, i.e. every event up
-- to it was received by pull. A pull-only tenant has no Delivery rows, so without it nothing would
-- say which events its store still needs.
-- prunedSeq: every event of the tenant with seq <= prunedSeq has been pruned (pruning only ever takes
-- a prefix of seqs, so this one number describes it); a pull from before it is answered 410.
-- seqGapAfter/seqGapThrough: seqs (seqGapAfter, seqGapThrough] were skipped by `admin restore` (a
-- store may have seen those seqs for events the backup does not hold); 0/0 = no gap.
-- Added in place (NOT NULL with a default): no table copy.
ALTER TABLE "Tenant" ADD COLUMN "pulledSeq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Tenant" ADD COLUMN "prunedSeq" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Tenant" ADD COLUMN "seqGapAfter" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Tenant" ADD COLUMN "seqGapThrough" INTEGER NOT NULL DEFAULT 0;

-- Finished messages are found by status and age without reading every message.
CREATE INDEX "Message_status_updatedAt_idx" ON "Message"("status", "updatedAt");
