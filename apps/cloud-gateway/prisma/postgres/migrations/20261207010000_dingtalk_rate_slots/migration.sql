-- The next free DingTalk call slot per app and API, so that the replicas together keep DingTalk's per-app-per-API QPS.
CREATE TABLE "DingTalkRateSlot" (
    "key" TEXT NOT NULL,
    "nextAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DingTalkRateSlot_pkey" PRIMARY KEY ("key")
);
