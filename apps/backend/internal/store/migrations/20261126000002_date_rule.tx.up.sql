-- The date rule (pkg/dates): a date-only due time is the end of that day,
-- 23:59:59, in the user's time zone. Until now the REST API and the MCP
-- tools stored a date-only due time as midnight UTC, while the web app and
-- the assistant stored 23:59:59 in the browser's zone.
--
-- Users get a time zone (UTC until their browser tells us theirs at the
-- next sign-in). Tasks due exactly at midnight UTC are taken to be the
-- old REST/MCP date-only values (neither the web app nor the assistant
-- produces that instant unless someone typed 00:00 in UTC) and become the
-- end of that same day in UTC — the new rule for a UTC user.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
UPDATE tasks SET due_at = due_at + interval '23 hours 59 minutes 59 seconds'
 WHERE (due_at AT TIME ZONE 'UTC')::time = '00:00:00';
