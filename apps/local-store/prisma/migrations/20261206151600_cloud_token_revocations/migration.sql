-- Issue #17 item 10: a sign-out here revokes the session's cloud user token at the cloud. The
-- session keeps the token's id (not the token); the revocation waits in cloud_token_revocations
-- until the cloud confirms it. Sessions from before have no id to revoke (their tokens expire
-- within USER_TOKEN_TTL). Sessions are looked up by user when user.removed ends them.

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "cloud_token_id" TEXT;

-- CreateTable
CREATE TABLE "cloud_token_revocations" (
    "token_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cloud_token_revocations_pkey" PRIMARY KEY ("token_id")
);

-- CreateIndex
CREATE INDEX "cloud_token_revocations_next_attempt_at_idx" ON "cloud_token_revocations"("next_attempt_at");

-- CreateIndex
CREATE INDEX "sessions_tenant_id_userid_idx" ON "sessions"("tenant_id", "userid");


