-- Issue #17 item 7 (login CSRF): a login's state is bound to the browser that started it (the hash
-- of a nonce cookie set with it, checked at the callback) and carries the local store's browser
-- binding on to the ticket. States without a nonce (started before this) are refused at the callback.
ALTER TABLE "OAuthState" ADD COLUMN "binding" TEXT;
ALTER TABLE "OAuthState" ADD COLUMN "nonceHash" TEXT;
