-- The next free DingTalk call slot per app and API, shared by replicas on Postgres (unused on SQLite; kept so the histories match).
CREATE TABLE "DingTalkRateSlot" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "nextAt" DATETIME NOT NULL
);
