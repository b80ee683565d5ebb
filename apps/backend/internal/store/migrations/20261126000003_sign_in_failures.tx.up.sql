-- Failed sign-ins per account (by lower-cased email, whether or not the
-- account exists, so the answer never tells which emails have one). After
-- a few failures an account's sign-ins wait an exponentially growing time;
-- kept in PostgreSQL so that every backend replica sees the same count.
CREATE TABLE sign_in_failures (
    email          text PRIMARY KEY,
    failures       integer NOT NULL,
    last_failed_at timestamptz NOT NULL,
    locked_until   timestamptz
);
CREATE INDEX sign_in_failures_last_failed_idx ON sign_in_failures (last_failed_at);
