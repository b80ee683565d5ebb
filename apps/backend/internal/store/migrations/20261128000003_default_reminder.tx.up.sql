-- A person's default reminder for new tasks with a due time (Settings):
-- minutes before the due time, null for none.
ALTER TABLE users ADD COLUMN default_reminder_minutes integer CHECK (default_reminder_minutes BETWEEN 0 AND 43200);
