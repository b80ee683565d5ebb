-- Idempotency keys: a client that sends `Idempotency-Key` with a change
-- may send it again (its connection to a backend that was shutting down
-- was closed under the request) and get the first answer instead of a
-- second change. Kept 24 hours; purged hourly.
CREATE TABLE idempotency_keys (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    -- sha256 of method, path and body: the same key with another
    -- request is refused rather than answered with the first's answer.
    fingerprint bytea NOT NULL,
    -- NULL while the first request runs.
    status integer,
    content_type text NOT NULL DEFAULT '',
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
