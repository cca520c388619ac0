-- How DingTalk events reach an internal app's tenant: "http" (encrypted callbacks at
-- /callbacks/dingtalk) or "stream" (a Stream connection the cloud opens with the app's credentials).
-- Prisma's diff would rebuild the Tenant table for this; SQLite adds a NOT NULL column with a
-- default in place, so every existing tenant keeps HTTP callbacks without copying the table.
ALTER TABLE "Tenant" ADD COLUMN "callbackMode" TEXT NOT NULL DEFAULT 'http';
