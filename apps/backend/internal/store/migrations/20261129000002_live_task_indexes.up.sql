-- Indexes over the live (not deleted) tasks, chosen from EXPLAIN ANALYZE
-- at 10 million tasks (make bench-scale): the default list (open tasks by
-- due date) and the pages by creation read them in order and stop after
-- a page, and counting a heavy user's tasks is an index-only scan instead
-- of reading thousands of heap pages.
--
-- Not in a transaction (no .tx.): CREATE INDEX CONCURRENTLY lets writes
-- go on while it builds. A build cut short leaves an invalid index of the
-- same name, dropped before the next try.
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_open_due_idx;
--bun:split
CREATE INDEX CONCURRENTLY tasks_user_open_due_idx ON tasks (user_id, due_at, id) WHERE deleted_at IS NULL AND NOT completed;
--bun:split
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_live_created_idx;
--bun:split
CREATE INDEX CONCURRENTLY tasks_user_live_created_idx ON tasks (user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
