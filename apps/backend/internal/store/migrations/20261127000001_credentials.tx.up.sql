-- Credentials: sign-in sessions and personal API tokens in one store.
--
-- A session is the row a sign-in JWT names in its jti: the backend checks
-- it on every request, so signing out (deleting the row) revokes the
-- token at once on every replica. A personal API token is stored as the
-- SHA-256 of the token, never the token itself. Deleting a user deletes
-- their credentials.
--
-- Sign-in tokens issued before this migration name no session and stop
-- working: everyone signs in once more after the upgrade.
CREATE TABLE credentials (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('session', 'api_token')),
    name         text NOT NULL DEFAULT '' CHECK (char_length(name) <= 100),
    scope        text NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write')),
    token_hash   bytea UNIQUE CHECK ((kind = 'api_token') = (token_hash IS NOT NULL)),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at   timestamptz
);

--bun:split

CREATE INDEX credentials_user_kind_idx ON credentials (user_id, kind, created_at);
