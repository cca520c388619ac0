-- Nothing queries jobs by kind; the index only cost every enqueue and every status change.
DROP INDEX "Job_kind_status_idx";
