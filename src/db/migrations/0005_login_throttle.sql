-- Failed sign-ins are throttled per (account, client) and per client, never per account alone: a
-- stranger's guesses must not lock the owner out (issue 13 item 7). One row per failure; `account` is
-- the email as typed (normalised), so unknown emails are throttled exactly like known ones.
CREATE TABLE login_failures (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account    text NOT NULL,
  client     text NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_client ON login_failures (client, failed_at DESC);
CREATE INDEX login_failures_account ON login_failures (account, client, failed_at DESC);

-- The per-account lock is gone: nothing reads or writes these any more.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
