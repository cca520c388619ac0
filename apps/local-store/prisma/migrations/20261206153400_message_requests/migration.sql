-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "local_id" TEXT;

-- CreateTable
CREATE TABLE "message_requests" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "request_hash" TEXT,
    "created_by" TEXT NOT NULL,
    "msgtype" TEXT NOT NULL,
    "msg" JSONB NOT NULL,
    "recipients_spec" JSONB NOT NULL,
    "state" TEXT NOT NULL,
    "cloud_message_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "message_requests_cloud_message_id_key" ON "message_requests"("cloud_message_id");

-- CreateIndex
CREATE INDEX "message_requests_tenant_id_state_next_attempt_at_idx" ON "message_requests"("tenant_id", "state", "next_attempt_at");

-- CreateIndex
CREATE INDEX "message_requests_tenant_id_state_created_at_id_idx" ON "message_requests"("tenant_id", "state", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "message_requests_tenant_id_created_by_idempotency_key_key" ON "message_requests"("tenant_id", "created_by", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "messages_local_id_key" ON "messages"("local_id");

-- CreateIndex
CREATE INDEX "messages_tenant_id_created_by_created_at_id_idx" ON "messages"("tenant_id", "created_by", "created_at" DESC, "id" DESC);


