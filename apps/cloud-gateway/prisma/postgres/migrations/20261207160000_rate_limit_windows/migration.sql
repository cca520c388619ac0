-- Rate-limit windows (RATE_LIMIT_*) that the replicas count together, so N replicas do not allow N × a limit.
CREATE TABLE "RateLimitWindow" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("key")
);
