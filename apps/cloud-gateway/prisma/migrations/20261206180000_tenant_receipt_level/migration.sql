-- How far a tenant's messages are followed after sending (each receipt poll is a billed DingTalk call).
ALTER TABLE "Tenant" ADD COLUMN "receiptLevel" TEXT NOT NULL DEFAULT 'read';
