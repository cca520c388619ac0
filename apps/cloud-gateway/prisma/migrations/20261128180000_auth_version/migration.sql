-- CreateTable
CREATE TABLE "AuthVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" INTEGER NOT NULL DEFAULT 0
);

INSERT INTO "AuthVersion" ("id", "version") VALUES (1, 0);

-- What an API key authenticates to can change only through these; each bumps the version, so the
-- cloud's API-key authenticator forgets what it remembered, whichever process wrote the change.
-- lastUsedAt and Tenant.lastSeq change on every request and are deliberately not watched.
CREATE TRIGGER "AuthVersion_apiKey_update" AFTER UPDATE OF "revokedAt", "hash", "tenantId" ON "ApiKey"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "AuthVersion_apiKey_delete" AFTER DELETE ON "ApiKey"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "AuthVersion_tenant_update" AFTER UPDATE OF "status", "id" ON "Tenant"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "AuthVersion_tenant_delete" AFTER DELETE ON "Tenant"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
