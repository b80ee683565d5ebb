-- Two kinds of index chosen from EXPLAIN (ANALYZE) at make bench-scale's
-- 100 000 tasks, for a person with 50 projects and 50 000 tasks
-- (docs/decisions.md, "A heavy user's search: a trigram index per person").
--
-- The sidebar's counts per project read the person's live tasks' project
-- and completed flag: with them in one index the count is an index-only
-- scan already grouped by project (44 → 6 ms on the busy bench machine;
-- it was a sequential scan of the table).
--
-- A search (ILIKE '%…%' on the title or the description) counted every
-- match by reading each of the person's rows (26 ms at 50 000 tasks, 45 at
-- 10 million tasks in all). A GIN index of the person and the title's
-- trigrams (pg_trgm, with btree_gin for the uuid) gives exactly that
-- person's candidate rows: the count reads only the matches (7 ms). The
-- person's id in the index keeps it so however many other people's tasks
-- match the same words. Both extensions are trusted since PostgreSQL 13:
-- the database's owner may create them; both ship with PostgreSQL's
-- contrib (in the postgres images and the Debian packages alike).
--
-- fastupdate off: GIN's pending list (new entries kept unsorted until a
-- vacuum) is read by every search, and the planner counts its pages —
-- after 5 000 new tasks (306 pending pages) it went back to reading the
-- person's 50 000 rows (29 ms). Without it each task written updates the
-- indexes at once: 5 000 inserts took 0.94 s instead of 0.32 (busy bench
-- machine), about 0.13 ms more per task.
--
-- Not in a transaction (no .tx.): CREATE INDEX CONCURRENTLY lets writes
-- go on while it builds. A build cut short leaves an invalid index of the
-- same name, dropped before the next try.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--bun:split
CREATE EXTENSION IF NOT EXISTS btree_gin;
--bun:split
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_project_live_idx;
--bun:split
CREATE INDEX CONCURRENTLY tasks_user_project_live_idx ON tasks (user_id, project_id, completed) WHERE deleted_at IS NULL;
--bun:split
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_title_trgm_idx;
--bun:split
CREATE INDEX CONCURRENTLY tasks_user_title_trgm_idx ON tasks USING gin (user_id, title gin_trgm_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL;
--bun:split
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_description_trgm_idx;
--bun:split
CREATE INDEX CONCURRENTLY tasks_user_description_trgm_idx ON tasks USING gin (user_id, description gin_trgm_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL;
