-- Issue #17 item 10: user tokens can be revoked, one by id (sign-out at a local store) or all of a
-- person's up to a moment (they left the organisation). The authenticator checks these rows
-- through its AuthVersion-keyed memory, so each new row moves AuthVersion.

-- CreateTable
CREATE TABLE "RevokedUserToken" (
    "tenantId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "revokedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    PRIMARY KEY ("tenantId", "jti")
);

-- CreateTable
CREATE TABLE "UserTokenCutoff" (
    "tenantId" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "revokedBefore" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    PRIMARY KEY ("tenantId", "userid")
);

-- CreateIndex
CREATE INDEX "RevokedUserToken_expiresAt_idx" ON "RevokedUserToken"("expiresAt");

-- CreateIndex
CREATE INDEX "UserTokenCutoff_expiresAt_idx" ON "UserTokenCutoff"("expiresAt");

CREATE TRIGGER "AuthVersion_revokedUserToken_insert" AFTER INSERT ON "RevokedUserToken"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "AuthVersion_userTokenCutoff_insert" AFTER INSERT ON "UserTokenCutoff"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;

CREATE TRIGGER "AuthVersion_userTokenCutoff_update" AFTER UPDATE OF "revokedBefore" ON "UserTokenCutoff"
BEGIN UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
