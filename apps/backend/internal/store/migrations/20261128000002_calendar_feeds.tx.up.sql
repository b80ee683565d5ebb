-- The private calendar feed (issue #18): one per person, turned on, off
-- and regenerated from Settings. The token is the feed's whole
-- credential, kept as is: like a calendar app's "secret address" the
-- person must be able to copy it again, and it grants reading the open
-- tasks with due dates, nothing else.
CREATE TABLE calendar_feeds (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token text NOT NULL UNIQUE CHECK (char_length(token) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
