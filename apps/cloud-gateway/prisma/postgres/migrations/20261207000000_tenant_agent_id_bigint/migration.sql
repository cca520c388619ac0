-- AgentIds are 64-bit (DingTalk documents a Long; real ones pass 2^31). SQLite's INTEGER was wide enough already.
ALTER TABLE "Tenant" ALTER COLUMN "agentId" SET DATA TYPE BIGINT;
