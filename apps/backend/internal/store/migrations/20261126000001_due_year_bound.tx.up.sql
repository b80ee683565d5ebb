-- Due dates past the year 9999 in UTC could be stored before the backend
-- checked the year after converting to UTC (a far-west offset on
-- 9999-12-31, or a yearly task completed on its last day). No JSON
-- timestamp can express them, so every page listing such a task failed.
-- They become the last second of 9999, and the database refuses new ones.
UPDATE tasks SET due_at = '9999-12-31 23:59:59+00' WHERE due_at >= '10000-01-01 00:00:00+00';
ALTER TABLE tasks ADD CONSTRAINT tasks_due_at_year_check CHECK (due_at < '10000-01-01 00:00:00+00');
