-- Issue #17 item 4: API keys carry the scopes chosen when they were issued, and a tenant's members
-- send within a policy. Plain ADD COLUMN instead of Prisma's table rebuild: rebuilding ApiKey and
-- Tenant would drop the AuthVersion triggers that hang on them.

-- Keys issued before scopes existed keep every scope (the column default fills them in).
ALTER TABLE "ApiKey" ADD COLUMN "scopes" TEXT NOT NULL DEFAULT 'messages:send messages:read directory:read directory:sync events:read';

-- The default member policy: at most 100 named people, no departments, not the whole org.
ALTER TABLE "Tenant" ADD COLUMN "memberSendEnabled" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "Tenant" ADD COLUMN "memberSendMaxUserIds" INTEGER NOT NULL DEFAULT 100;
ALTER TABLE "Tenant" ADD COLUMN "memberSendDepartments" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Tenant" ADD COLUMN "memberSendToAll" BOOLEAN NOT NULL DEFAULT false;
