-- Robot 1:1 messages (issue #21): which DingTalk channel carries a message. null = a work
-- notification, which every message from before this column was.
ALTER TABLE "messages" ADD COLUMN "channel" TEXT;
ALTER TABLE "message_requests" ADD COLUMN "channel" TEXT;
