-- Dispatch work is recorded by messaging in its own table instead of being read back from the
-- outbox's message.accepted events behind a per-tenant cursor (Tenant.dispatchSeq): accepting a
-- message adds a request, and the job runner turns requests into dispatch jobs when it has room.
CREATE TABLE "MessageDispatchRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "acceptedAt" DATETIME NOT NULL
);

CREATE INDEX "MessageDispatchRequest_tenantId_idx" ON "MessageDispatchRequest"("tenantId");

-- Messages accepted but not yet given their job (events past the cursor) keep their place.
INSERT INTO "MessageDispatchRequest" ("tenantId", "messageId", "acceptedAt")
SELECT e."tenantId", json_extract(e."data", '$.messageId'), e."occurredAt"
FROM "Event" e JOIN "Tenant" t ON t."id" = e."tenantId"
WHERE e."type" = 'message.accepted' AND e."seq" > t."dispatchSeq"
ORDER BY e."tenantId", e."seq";

ALTER TABLE "Tenant" DROP COLUMN "dispatchSeq";
