-- Accepting a message no longer writes its dispatch job in the same transaction: the job runner
-- makes dispatch jobs from message.accepted events when it has room for them, and this cursor says
-- up to which of the tenant's events that is done (messages/dispatch-feed.ts).
ALTER TABLE "Tenant" ADD COLUMN "dispatchSeq" INTEGER NOT NULL DEFAULT 0;

-- Every message accepted before now got its dispatch job when it was accepted.
UPDATE "Tenant" SET "dispatchSeq" = "lastSeq";
