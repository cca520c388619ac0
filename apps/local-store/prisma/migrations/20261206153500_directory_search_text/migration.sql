-- DropIndex
DROP INDEX "users_job_number_trgm_idx";

-- DropIndex
DROP INDEX "users_name_trgm_idx";

-- DropIndex
DROP INDEX "users_userid_trgm_idx";

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- What q searches, for the users already stored (the apply path writes it from now on).
UPDATE "users" SET "search_text" = lower("name" || ' ' || "userid" || ' ' || coalesce("job_number", ''));

-- CreateIndex
CREATE INDEX "users_search_text_trgm_idx" ON "users" USING GIN ("search_text" gin_trgm_ops);



-- GIN's fastupdate parks new entries in a pending list that every query scans until a vacuum
-- merges it; a directory sync fills it with tens of thousands of rows. Off: inserts merge at once.
ALTER INDEX "users_search_text_trgm_idx" SET (fastupdate = off);
ALTER INDEX "users_dept_ids_idx" SET (fastupdate = off);
