-- Rate-limit windows counted together by the replicas of a cloud on Postgres (unused on SQLite; kept so the histories match).
CREATE TABLE "RateLimitWindow" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT
);
