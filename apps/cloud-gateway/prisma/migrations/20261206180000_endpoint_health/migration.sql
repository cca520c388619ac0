-- Endpoint health per tenant (issue #24): since when pushes to the tenant's webhook URL have failed
-- without a success in between, when the endpoint was disabled for failing too long (the
-- dispatcher skips it until an operator re-enables it), and since when its DingTalk credentials
-- are refused (tenant.credentials_failing is sent once per transition). Added in place, as the
-- callbackMode column before them.
ALTER TABLE "Tenant" ADD COLUMN "endpointFailingSince" DATETIME;
ALTER TABLE "Tenant" ADD COLUMN "endpointDisabledAt" DATETIME;
ALTER TABLE "Tenant" ADD COLUMN "credentialsFailingSince" DATETIME;
