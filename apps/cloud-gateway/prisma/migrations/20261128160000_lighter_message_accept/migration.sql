-- Accepting a message writes less (the send benchmark's hot path):
-- * requestHash is only computed and kept when an Idempotency-Key comes with the request, the only
--   time it is compared; it becomes nullable.
-- * The (tenantId, createdAt) index had no query using it; it only cost every accepted message.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "msgtype" TEXT NOT NULL,
    "msg" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "completedAt" DATETIME
);
INSERT INTO "new_Message" ("completedAt", "createdAt", "createdBy", "id", "idempotencyKey", "msg", "msgtype", "recipients", "requestHash", "status", "tenantId", "updatedAt") SELECT "completedAt", "createdAt", "createdBy", "id", "idempotencyKey", "msg", "msgtype", "recipients", "requestHash", "status", "tenantId", "updatedAt" FROM "Message";
DROP TABLE "Message";
ALTER TABLE "new_Message" RENAME TO "Message";
CREATE UNIQUE INDEX "Message_tenantId_idempotencyKey_key" ON "Message"("tenantId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


