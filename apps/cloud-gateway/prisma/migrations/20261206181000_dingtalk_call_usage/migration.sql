-- Counted DingTalk API calls per org and month, and each tenant's monthly budget for them.
CREATE TABLE "DingTalkCallUsage" (
    "orgKey" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "quotaSpentAt" DATETIME,

    PRIMARY KEY ("orgKey", "month")
);

ALTER TABLE "Tenant" ADD COLUMN "monthlyCallBudget" INTEGER;
