-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "created_by" TEXT;

-- CreateTable
CREATE TABLE "change_sequence" (
    "tenant_id" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "change_sequence_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "changes" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "seq" BIGINT,
    "event_id" TEXT NOT NULL DEFAULT ('chg_'::text || replace((gen_random_uuid())::text, '-'::text, ''::text)),
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "changes_event_id_key" ON "changes"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "changes_tenant_id_seq_key" ON "changes"("tenant_id", "seq");


