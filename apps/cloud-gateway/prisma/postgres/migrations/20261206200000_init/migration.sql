-- The cloud's Postgres history starts here (issue #22): the state every SQLite migration up to
-- 20261206190000_retention built, diffed from empty by the offline engine
-- (`prisma migrate diff --from-empty --to-schema prisma/postgres/schema.prisma --script`), plus what
-- Prisma's schema cannot say: AuthVersion's one row and the triggers that move it. From here on every
-- SQLite migration gets its Postgres counterpart in this folder (test/postgres-migrations.test.ts
-- compares the two migrated databases).

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "corpId" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "appKey" TEXT,
    "appSecretEnc" TEXT,
    "agentId" INTEGER,
    "webhookUrl" TEXT,
    "webhookSecretEnc" TEXT NOT NULL,
    "previousSecretEnc" TEXT,
    "previousSecretExpiresAt" TIMESTAMPTZ(3),
    "returnUrls" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'active',
    "callbackTokenEnc" TEXT,
    "callbackAesKeyEnc" TEXT,
    "callbackToken" TEXT,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "pulledSeq" INTEGER NOT NULL DEFAULT 0,
    "prunedSeq" INTEGER NOT NULL DEFAULT 0,
    "seqGapAfter" INTEGER NOT NULL DEFAULT 0,
    "seqGapThrough" INTEGER NOT NULL DEFAULT 0,
    "memberSendEnabled" BOOLEAN NOT NULL DEFAULT true,
    "memberSendMaxUserIds" INTEGER NOT NULL DEFAULT 100,
    "memberSendDepartments" BOOLEAN NOT NULL DEFAULT false,
    "memberSendToAll" BOOLEAN NOT NULL DEFAULT false,
    "receiptLevel" TEXT NOT NULL DEFAULT 'read',
    "monthlyCallBudget" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "callbackMode" TEXT NOT NULL DEFAULT 'http',
    "reconcileIntervalMs" INTEGER,
    "nextReconcileAt" TIMESTAMPTZ(3),
    "templateRequired" BOOLEAN NOT NULL DEFAULT false,
    "defaultTemplateId" TEXT,
    "robotCode" TEXT,
    "endpointFailingSince" TIMESTAMPTZ(3),
    "endpointDisabledAt" TIMESTAMPTZ(3),
    "credentialsFailingSince" TIMESTAMPTZ(3),

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthVersion" (
    "id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AuthVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT 'default',
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL DEFAULT 'messages:send messages:read directory:read directory:sync events:read',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "data" TEXT NOT NULL,
    "requestId" TEXT,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" SERIAL NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "httpStatus" INTEGER,
    "durationMs" INTEGER NOT NULL,
    "response" TEXT,
    "error" TEXT,

    CONSTRAINT "DeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DingTalkCallUsage" (
    "orgKey" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "quotaSpentAt" TIMESTAMPTZ(3),

    CONSTRAINT "DingTalkCallUsage_pkey" PRIMARY KEY ("orgKey","month")
);

-- CreateTable
CREATE TABLE "DingTalkToken" (
    "key" TEXT NOT NULL,
    "accessTokenEnc" TEXT NOT NULL,
    "obtainedAt" TIMESTAMPTZ(3) NOT NULL,
    "expireIn" INTEGER NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DingTalkToken_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SuiteTicket" (
    "suiteKey" TEXT NOT NULL,
    "ticketEnc" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SuiteTicket_pkey" PRIMARY KEY ("suiteKey")
);

-- CreateTable
CREATE TABLE "OAuthState" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "returnTo" TEXT NOT NULL,
    "nonceHash" TEXT,
    "binding" TEXT,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginTicket" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginTicket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RevokedUserToken" (
    "tenantId" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "revokedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RevokedUserToken_pkey" PRIMARY KEY ("tenantId","jti")
);

-- CreateTable
CREATE TABLE "UserTokenCutoff" (
    "tenantId" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "revokedBefore" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "UserTokenCutoff_pkey" PRIMARY KEY ("tenantId","userid")
);

-- CreateTable
CREATE TABLE "DirectorySync" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "departmentsSeen" INTEGER NOT NULL DEFAULT 0,
    "usersSeen" INTEGER NOT NULL DEFAULT 0,
    "usersRemoved" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "progress" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "DirectorySync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectoryMember" (
    "tenantId" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "lastSyncId" TEXT NOT NULL,
    "hash" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "DirectoryMember_pkey" PRIMARY KEY ("tenantId","userid")
);

-- CreateTable
CREATE TABLE "DirectoryDepartment" (
    "tenantId" TEXT NOT NULL,
    "deptId" INTEGER NOT NULL,
    "lastSyncId" TEXT NOT NULL,
    "hash" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "DirectoryDepartment_pkey" PRIMARY KEY ("tenantId","deptId")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "msgtype" TEXT NOT NULL,
    "msg" TEXT NOT NULL,
    "recipients" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "createdBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),
    "channel" TEXT NOT NULL DEFAULT 'work_notification',

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageDispatchRequest" (
    "id" SERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MessageDispatchRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageRecipient" (
    "messageId" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "chunkId" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MessageRecipient_pkey" PRIMARY KEY ("messageId","userid")
);

-- CreateTable
CREATE TABLE "MessageChunk" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "userids" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "taskId" BIGINT,
    "processQueryKey" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "polls" INTEGER NOT NULL DEFAULT 0,
    "nextPollAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MessageChunk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QuotaUsage" (
    "tenantId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QuotaUsage_pkey" PRIMARY KEY ("tenantId","day","userid")
);

-- CreateTable
CREATE TABLE "QuotaContent" (
    "tenantId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,

    CONSTRAINT "QuotaContent_pkey" PRIMARY KEY ("tenantId","day","userid","contentHash")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "runAt" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallbackEvent" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "corpId" TEXT,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),
    "lastError" TEXT,

    CONSTRAINT "CallbackEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallbackNonce" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CallbackNonce_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operator" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "totpSecretEnc" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMPTZ(3),

    CONSTRAINT "Operator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OperatorSession" (
    "id" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OperatorSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "via" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "tenantId" TEXT,
    "target" TEXT,
    "source" TEXT,
    "before" TEXT,
    "after" TEXT,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_corpId_mode_key" ON "Tenant"("corpId", "mode");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_tenantId_idx" ON "ApiKey"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "Event_tenantId_seq_key" ON "Event"("tenantId", "seq");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_tenantId_status_nextAttemptAt_idx" ON "Delivery"("tenantId", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_eventId_idx" ON "Delivery"("eventId");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_deliveryId_idx" ON "DeliveryAttempt"("deliveryId");

-- CreateIndex
CREATE INDEX "OAuthState_expiresAt_idx" ON "OAuthState"("expiresAt");

-- CreateIndex
CREATE INDEX "LoginTicket_tenantId_idx" ON "LoginTicket"("tenantId");

-- CreateIndex
CREATE INDEX "RevokedUserToken_expiresAt_idx" ON "RevokedUserToken"("expiresAt");

-- CreateIndex
CREATE INDEX "UserTokenCutoff_expiresAt_idx" ON "UserTokenCutoff"("expiresAt");

-- CreateIndex
CREATE INDEX "DirectorySync_tenantId_status_idx" ON "DirectorySync"("tenantId", "status");

-- CreateIndex
CREATE INDEX "Message_status_updatedAt_idx" ON "Message"("status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_tenantId_idempotencyKey_key" ON "Message"("tenantId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "MessageDispatchRequest_tenantId_idx" ON "MessageDispatchRequest"("tenantId");

-- CreateIndex
CREATE INDEX "MessageRecipient_chunkId_idx" ON "MessageRecipient"("chunkId");

-- CreateIndex
CREATE INDEX "MessageChunk_status_nextPollAt_idx" ON "MessageChunk"("status", "nextPollAt");

-- CreateIndex
CREATE UNIQUE INDEX "MessageChunk_messageId_index_key" ON "MessageChunk"("messageId", "index");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "CallbackEvent_status_idx" ON "CallbackEvent"("status");

-- CreateIndex
CREATE INDEX "CallbackNonce_expiresAt_idx" ON "CallbackNonce"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Operator_username_key" ON "Operator"("username");

-- CreateIndex
CREATE INDEX "OperatorSession_operatorId_idx" ON "OperatorSession"("operatorId");

-- CreateIndex
CREATE INDEX "OperatorSession_expiresAt_idx" ON "OperatorSession"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_tenantId_at_idx" ON "AuditEntry"("tenantId", "at");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryAttempt" ADD CONSTRAINT "DeliveryAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "Delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageRecipient" ADD CONSTRAINT "MessageRecipient_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageChunk" ADD CONSTRAINT "MessageChunk_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperatorSession" ADD CONSTRAINT "OperatorSession_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AuthVersion (SQLite migrations 20261128180000_auth_version, 20261206151500_user_token_revocations):
-- one row, moved by every change to what an API key or user token authenticates to, whichever process
-- wrote it. Row-level triggers, as SQLite's are; lastUsedAt and Tenant.lastSeq are deliberately not watched.
INSERT INTO "AuthVersion" ("id", "version") VALUES (1, 0);

CREATE FUNCTION "AuthVersion_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "AuthVersion" SET "version" = "version" + 1 WHERE "id" = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "AuthVersion_apiKey_update" AFTER UPDATE OF "revokedAt", "hash", "tenantId" ON "ApiKey"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
CREATE TRIGGER "AuthVersion_apiKey_delete" AFTER DELETE ON "ApiKey"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
CREATE TRIGGER "AuthVersion_tenant_update" AFTER UPDATE OF "status", "id" ON "Tenant"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
CREATE TRIGGER "AuthVersion_tenant_delete" AFTER DELETE ON "Tenant"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
CREATE TRIGGER "AuthVersion_revokedUserToken_insert" AFTER INSERT ON "RevokedUserToken"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
CREATE TRIGGER "AuthVersion_userTokenCutoff_insert" AFTER INSERT ON "UserTokenCutoff"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
CREATE TRIGGER "AuthVersion_userTokenCutoff_update" AFTER UPDATE OF "revokedBefore" ON "UserTokenCutoff"
FOR EACH ROW EXECUTE FUNCTION "AuthVersion_bump"();
