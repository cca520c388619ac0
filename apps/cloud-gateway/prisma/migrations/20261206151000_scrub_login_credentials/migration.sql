-- Issue #17 item 9: user.authenticated events kept the plaintext login ticket and a live user token
-- in the outbox, forever. From now on they carry the ticket's hash and the token sealed with the
-- ticket (the `login` member); the old rows keep only their profile and `login: null`, which the
-- local store applies as a profile update with nothing to redeem. Their tickets expired a minute
-- after they were issued, and so did the ticket rows (kept only for lookups): all of them go.
UPDATE "Event"
SET "data" = json_object('user', json_extract("data", '$.user'), 'login', NULL)
WHERE "type" = 'user.authenticated' AND json_extract("data", '$.ticket') IS NOT NULL;

DELETE FROM "LoginTicket";
