-- Reminders (issue #18). A reminder is an absolute time (at) or a time
-- relative to its task's due time (before_minutes, and at_time "HH:MM" for
-- "the day before at 9:00"). fire_at is when it fires, kept up to date
-- when the due time moves, so that finding what is due is one index scan.
-- fired_at marks it fired: the claim sets it in the same statement that
-- finds it (FOR UPDATE SKIP LOCKED), so a reminder fires once however
-- many backends run. late says it fired more than a minute after fire_at
-- (everything was down at the time).
CREATE TABLE reminders (
    id bigserial PRIMARY KEY,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at timestamptz,
    before_minutes integer CHECK (before_minutes BETWEEN 0 AND 43200),
    at_time text CHECK (at_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    fire_at timestamptz,
    fired_at timestamptz,
    late boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((at IS NULL) <> (before_minutes IS NULL)),
    CHECK (at_time IS NULL OR before_minutes IS NOT NULL)
);

--bun:split

CREATE INDEX reminders_task_idx ON reminders (task_id);

--bun:split

CREATE INDEX reminders_due_idx ON reminders (fire_at) WHERE fired_at IS NULL;

--bun:split

-- What fired, per person: the pages show what fired while they were
-- closed, once (seen_at), and a reminder claimed on one backend reaches a
-- page connected through another.
CREATE TABLE notifications (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reminder_id bigint NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    fire_at timestamptz NOT NULL,
    fired_at timestamptz NOT NULL,
    late boolean NOT NULL,
    seen_at timestamptz
);

--bun:split

CREATE INDEX notifications_user_idx ON notifications (user_id, id);

--bun:split

CREATE INDEX notifications_reminder_idx ON notifications (reminder_id);
