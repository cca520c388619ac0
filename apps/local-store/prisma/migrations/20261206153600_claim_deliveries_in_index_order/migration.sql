-- DropIndex
DROP INDEX "subscription_deliveries_subscription_id_status_next_attempt_idx";

-- CreateIndex
CREATE INDEX "subscription_deliveries_subscription_id_status_next_attempt_idx" ON "subscription_deliveries"("subscription_id", "status", "next_attempt_at", "change_seq");


