-- Quotas per person (the security issue): how many tasks, tags and
-- conversations one person keeps, and messages one conversation holds.
-- The database enforces them for every path that writes (REST, MCP, the
-- imports), once per statement: an import batch counts once, not per row.
-- The limits come from the backend's configuration as settings of its
-- connections (todo.max_tasks …, store.PoolOptions.Quotas); a session
-- without them (a migration, psql) gets the defaults below. A refusal is
-- SQLSTATE TD001 with the kind in DETAIL and the limit in HINT
-- (store.Classify → store.ErrQuota).
--
-- Occurrences a recurring task makes when completed (recurred_from set)
-- are never refused: completing must always work.
CREATE FUNCTION todo_quota(setting text, fallback integer) RETURNS integer
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting(setting, true), '')::integer, fallback)
$$;

--bun:split

CREATE FUNCTION todo_check_task_quota(person uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    lim integer := todo_quota('todo.max_tasks', 100000);
BEGIN
    -- One person's writes take turns here until they commit, so two at
    -- once cannot both pass the count.
    PERFORM pg_advisory_xact_lock(hashtext('todo-quota-tasks'), hashtext(person::text));
    -- Deleted tasks are kept 30 days (restorable): they count towards a
    -- second bound, twice the quota, so that creating and deleting cannot
    -- store without end.
    IF (SELECT count(*) FROM tasks WHERE user_id = person AND deleted_at IS NULL) > lim
       OR (SELECT count(*) FROM tasks WHERE user_id = person) > 2 * lim THEN
        RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'TD001', DETAIL = 'tasks', HINT = lim::text;
    END IF;
END $$;

--bun:split

CREATE FUNCTION todo_enforce_task_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    person uuid;
BEGIN
    FOR person IN SELECT DISTINCT user_id FROM new_rows WHERE recurred_from IS NULL LOOP
        PERFORM todo_check_task_quota(person);
    END LOOP;
    RETURN NULL;
END $$;

--bun:split

CREATE TRIGGER tasks_quota AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_enforce_task_quota();

--bun:split

-- A restore brings a deleted task back into the count.
CREATE FUNCTION todo_enforce_task_quota_on_restore() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    person uuid;
BEGIN
    FOR person IN SELECT DISTINCT n.user_id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
               WHERE o.deleted_at IS NOT NULL AND n.deleted_at IS NULL LOOP
        PERFORM todo_check_task_quota(person);
    END LOOP;
    RETURN NULL;
END $$;

--bun:split

CREATE TRIGGER tasks_quota_restore AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_enforce_task_quota_on_restore();

--bun:split

CREATE FUNCTION todo_enforce_tag_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lim integer := todo_quota('todo.max_tags', 1000);
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT user_id FROM new_rows) AS p
        WHERE (SELECT count(*) FROM tags AS g WHERE g.user_id = p.user_id) > lim
    ) THEN
        RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'TD001', DETAIL = 'tags', HINT = lim::text;
    END IF;
    RETURN NULL;
END $$;

--bun:split

CREATE TRIGGER tags_quota AFTER INSERT ON tags REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_enforce_tag_quota();

--bun:split

CREATE FUNCTION todo_enforce_conversation_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lim integer := todo_quota('todo.max_conversations', 1000);
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT user_id FROM new_rows) AS p
        WHERE (SELECT count(*) FROM conversations AS c WHERE c.user_id = p.user_id) > lim
    ) THEN
        RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'TD001', DETAIL = 'conversations', HINT = lim::text;
    END IF;
    RETURN NULL;
END $$;

--bun:split

CREATE TRIGGER conversations_quota AFTER INSERT ON conversations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_enforce_conversation_quota();

--bun:split

CREATE FUNCTION todo_enforce_message_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lim integer := todo_quota('todo.max_messages', 5000);
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT conversation_id FROM new_rows) AS c
        WHERE (SELECT count(*) FROM messages AS m WHERE m.conversation_id = c.conversation_id) > lim
    ) THEN
        RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'TD001', DETAIL = 'messages', HINT = lim::text;
    END IF;
    RETURN NULL;
END $$;

--bun:split

CREATE TRIGGER messages_quota AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION todo_enforce_message_quota();
