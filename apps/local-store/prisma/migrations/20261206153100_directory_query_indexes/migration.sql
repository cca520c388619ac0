-- Substring search on users (name, userid, job number) uses trigram indexes. pg_trgm ships with
-- Postgres and is a trusted extension: the store's own database role may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "departments_tenant_id_parent_id_idx" ON "departments"("tenant_id", "parent_id");

-- CreateIndex
CREATE INDEX "users_dept_ids_idx" ON "users" USING GIN ("dept_ids");

-- CreateIndex
CREATE INDEX "users_tenant_id_updated_at_idx" ON "users"("tenant_id", "updated_at");

-- CreateIndex
CREATE INDEX "users_name_trgm_idx" ON "users" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "users_userid_trgm_idx" ON "users" USING GIN ("userid" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "users_job_number_trgm_idx" ON "users" USING GIN ("job_number" gin_trgm_ops);


