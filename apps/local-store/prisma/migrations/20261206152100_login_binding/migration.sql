-- Issue #17 item 7 (login CSRF): the store starts every login itself, binding it to the browser
-- with a cookie whose hash the cloud passes on in the ticket's data; a ticket is redeemed only for
-- that browser. Tickets without a binding (started elsewhere, or before this) are refused.
ALTER TABLE "login_tickets" ADD COLUMN     "binding" TEXT;
