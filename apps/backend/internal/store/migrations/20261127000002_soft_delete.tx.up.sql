-- Deleting a task keeps it for a while (deleted_at), so that undo — in
-- the web app and in the assistant — restores the same task with the same
-- id, tags and dates; deleted tasks are purged after the retention period
-- (internal/tasks.Retention).
--
-- A recurring task's next occurrence remembers the task it was generated
-- from (recurred_from), so that reopening the completed task can remove
-- an occurrence nobody has touched instead of leaving two open copies.
ALTER TABLE tasks ADD COLUMN deleted_at timestamptz;
ALTER TABLE tasks ADD COLUMN recurred_from bigint REFERENCES tasks (id) ON DELETE SET NULL;

--bun:split

CREATE INDEX tasks_deleted_at_idx ON tasks (deleted_at) WHERE deleted_at IS NOT NULL;

--bun:split

CREATE INDEX tasks_recurred_from_idx ON tasks (recurred_from) WHERE recurred_from IS NOT NULL;
