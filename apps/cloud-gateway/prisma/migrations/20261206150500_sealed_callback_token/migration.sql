-- Issue #17 item 9: the callback token is sealed like every other tenant secret. A migration cannot
-- seal (it has no key): the cloud moves a plaintext callbackToken into callbackTokenEnc at start.
ALTER TABLE "Tenant" ADD COLUMN "callbackTokenEnc" TEXT;
