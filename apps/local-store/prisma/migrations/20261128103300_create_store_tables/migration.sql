-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "processed_events" (
    "event_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "delivery_cursor" (
    "tenant_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_cursor_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "dead_events" (
    "id" SERIAL NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "event_id" TEXT,
    "seq" INTEGER,
    "type" TEXT,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "tenant_id" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "union_id" TEXT,
    "name" TEXT NOT NULL DEFAULT '',
    "avatar" TEXT,
    "title" TEXT,
    "job_number" TEXT,
    "mobile" TEXT,
    "email" TEXT,
    "dept_ids" BIGINT[],
    "manager_userid" TEXT,
    "admin" BOOLEAN,
    "boss" BOOLEAN,
    "active" BOOLEAN NOT NULL,
    "profile_version" INTEGER,
    "active_version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("tenant_id","userid")
);

-- CreateTable
CREATE TABLE "departments" (
    "tenant_id" TEXT NOT NULL,
    "dept_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "parent_id" BIGINT,
    "removed" BOOLEAN NOT NULL,
    "profile_version" INTEGER,
    "removed_version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "departments_pkey" PRIMARY KEY ("tenant_id","dept_id")
);

-- CreateTable
CREATE TABLE "login_tickets" (
    "ticket_hash" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "user_profile" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "cloud_token" TEXT NOT NULL,
    "cloud_token_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_tickets_pkey" PRIMARY KEY ("ticket_hash")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id_hash" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id_hash")
);

-- CreateTable
CREATE TABLE "messages" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "msgtype" TEXT,
    "msg" JSONB,
    "recipients_spec" JSONB,
    "created_at" TIMESTAMPTZ(3),
    "accepted_seq" INTEGER,
    "status" TEXT NOT NULL,
    "status_version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message_recipients" (
    "message_id" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_recipients_pkey" PRIMARY KEY ("message_id","userid")
);

-- CreateTable
CREATE TABLE "message_recipient_history" (
    "id" SERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "userid" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "seq" INTEGER NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_recipient_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_info" (
    "tenant_id" TEXT NOT NULL,
    "corp_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "agent_id" BIGINT,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_info_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateIndex
CREATE INDEX "processed_events_tenant_id_seq_idx" ON "processed_events"("tenant_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "dead_events_dedupe_key_key" ON "dead_events"("dedupe_key");

-- CreateIndex
CREATE INDEX "dead_events_event_id_idx" ON "dead_events"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_tenant_id_union_id_key" ON "users"("tenant_id", "union_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE INDEX "messages_tenant_id_created_at_id_idx" ON "messages"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "message_recipient_history_message_id_userid_seq_idx" ON "message_recipient_history"("message_id", "userid", "seq");

