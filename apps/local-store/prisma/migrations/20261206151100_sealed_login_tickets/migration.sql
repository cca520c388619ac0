-- Issue #17 item 9: login tickets keep no plaintext cloud token. The token now arrives sealed with
-- the ticket (only the browser that holds the ticket opens it) and is dropped once redeemed;
-- expired tickets are swept. Tickets live a minute: the rows from before hold plaintext tokens
-- and can all go.
DELETE FROM "login_tickets";

-- AlterTable
ALTER TABLE "login_tickets" DROP COLUMN "cloud_token",
ADD COLUMN     "cloud_token_id" TEXT NOT NULL,
ADD COLUMN     "sealed_cloud_token" TEXT;

-- CreateIndex
CREATE INDEX "login_tickets_expires_at_idx" ON "login_tickets"("expires_at");

-- Parked user.authenticated events kept their raw bodies, plaintext ticket and token included.
UPDATE "dead_events"
SET "raw" = '(removed: a user.authenticated event from before 2026-12 held a login ticket and a user token)'
WHERE "type" = 'user.authenticated';
