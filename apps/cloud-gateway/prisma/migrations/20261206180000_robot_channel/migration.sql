-- Robot 1:1 messages, a second channel (issue #21). A message says which channel carries it
-- (earlier messages were all work notifications); a robot chunk is known to DingTalk by the
-- processQueryKey its batchSend answered, not by a task id; a tenant may name its robot
-- (null = DingTalk's default for the app: the AppKey, or the SuiteKey for a suite install).
ALTER TABLE "Message" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'work_notification';
ALTER TABLE "MessageChunk" ADD COLUMN "processQueryKey" TEXT;
ALTER TABLE "Tenant" ADD COLUMN "robotCode" TEXT;
