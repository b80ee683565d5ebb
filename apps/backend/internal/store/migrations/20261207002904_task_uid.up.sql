-- One stored UID per task (RFC 5545's UID, a random UUID): the calendar
-- feed names each task's event by it now, and CalDAV will later. Task ids
-- start at 1 in every deployment, so an id alone ("task-1@todo-app", what
-- the feed wrote before) is the same event to a calendar app that reads
-- two deployments' feeds. A person never sets it; every row gets one
-- from the column's default, whichever path inserts it.
--
-- Not in a transaction (no .tx.), so that no step holds a lock long on a
-- large table (make bench-scale runs 10 million tasks): ADD COLUMN with a
-- volatile default would rewrite the table under an exclusive lock.
-- Instead: the column without a default (instant), the default for new
-- rows (instant), existing rows filled by id in batches, each batch its
-- own transaction (row locks only), then NOT NULL proven by a CHECK
-- validated without blocking writes. Each step can run again after an
-- interruption.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS uid uuid;
--bun:split
ALTER TABLE tasks ALTER COLUMN uid SET DEFAULT gen_random_uuid();
--bun:split
DO $$
DECLARE
    lo   bigint := 0;
    last bigint;
BEGIN
    SELECT coalesce(max(id), 0) INTO last FROM tasks;
    WHILE lo < last LOOP
        UPDATE tasks SET uid = gen_random_uuid() WHERE id > lo AND id <= lo + 10000 AND uid IS NULL;
        lo := lo + 10000;
        COMMIT;
    END LOOP;
END
$$;
--bun:split
-- A row inserted while the batches ran, before the default applied to it.
UPDATE tasks SET uid = gen_random_uuid() WHERE uid IS NULL;
--bun:split
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_uid_not_null;
--bun:split
ALTER TABLE tasks ADD CONSTRAINT tasks_uid_not_null CHECK (uid IS NOT NULL) NOT VALID;
--bun:split
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_uid_not_null;
--bun:split
-- The valid CHECK spares SET NOT NULL its scan of the table.
ALTER TABLE tasks ALTER COLUMN uid SET NOT NULL;
--bun:split
ALTER TABLE tasks DROP CONSTRAINT tasks_uid_not_null;
