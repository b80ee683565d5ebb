-- Projects, sections and subtasks (docs/decisions.md). Every task lives in
-- one project of its owner, optionally in one of that project's sections
-- and under a parent task; positions are decimals ordered among siblings.
-- The composite foreign keys make the database itself refuse a task in
-- another person's project or a section of another project.
CREATE TABLE projects (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    color text NOT NULL DEFAULT 'grey',
    position numeric NOT NULL,
    -- The Inbox: one per person, made with the account, never archived
    -- or deleted.
    inbox boolean NOT NULL DEFAULT false,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    UNIQUE (id, user_id),
    CHECK (NOT (inbox AND (archived OR deleted_at IS NOT NULL)))
);

--bun:split

CREATE UNIQUE INDEX projects_one_inbox ON projects (user_id) WHERE inbox;

--bun:split

CREATE INDEX projects_by_user ON projects (user_id, position) WHERE deleted_at IS NULL;

--bun:split

CREATE TABLE sections (
    id bigserial PRIMARY KEY,
    user_id uuid NOT NULL,
    project_id bigint NOT NULL,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    position numeric NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    UNIQUE (id, project_id),
    FOREIGN KEY (project_id, user_id) REFERENCES projects (id, user_id) ON DELETE CASCADE
);

--bun:split

CREATE INDEX sections_by_project ON sections (project_id, position) WHERE deleted_at IS NULL;

--bun:split

-- Every person has an Inbox from the moment their account exists, however
-- the row is written (sign-up, a restore, a test).
CREATE FUNCTION todo_make_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO projects (user_id, name, position, inbox) VALUES (NEW.id, 'Inbox', 0, true);
    RETURN NULL;
END $$;

--bun:split

CREATE TRIGGER users_inbox AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION todo_make_inbox();

--bun:split

INSERT INTO projects (user_id, name, position, inbox) SELECT id, 'Inbox', 0, true FROM users;

--bun:split

-- completed_by: the ancestor whose completion completed this subtask, so
-- that undoing it reopens exactly those.
ALTER TABLE tasks
    ADD COLUMN project_id bigint,
    ADD COLUMN section_id bigint,
    -- SET NULL, never CASCADE: the purge of a deleted parent must not
    -- take a live subtask with it, whatever race left one there.
    ADD COLUMN parent_id bigint REFERENCES tasks (id) ON DELETE SET NULL,
    ADD COLUMN position numeric,
    ADD COLUMN completed_by bigint;

--bun:split

-- Existing tasks go to their owner's Inbox in the order they were made.
UPDATE tasks AS t SET project_id = p.id, position = t.id
FROM projects AS p WHERE p.user_id = t.user_id AND p.inbox;

--bun:split

ALTER TABLE tasks
    ALTER COLUMN project_id SET NOT NULL,
    ALTER COLUMN position SET NOT NULL,
    ADD FOREIGN KEY (project_id, user_id) REFERENCES projects (id, user_id),
    ADD FOREIGN KEY (section_id, project_id) REFERENCES sections (id, project_id);

--bun:split

-- A task written without a place (an INSERT that names neither, as older
-- code and tools write them) goes last in its owner's Inbox.
CREATE FUNCTION todo_place_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.project_id IS NULL THEN
        SELECT id INTO NEW.project_id FROM projects WHERE user_id = NEW.user_id AND inbox;
        IF NOT FOUND THEN
            -- No Inbox: no such person. Said as the user's foreign key
            -- would say it (store.Classify: ErrUnknownUser).
            RAISE EXCEPTION 'no user %', NEW.user_id USING ERRCODE = 'foreign_key_violation',
                CONSTRAINT = 'tasks_user_id_fkey';
        END IF;
    END IF;
    IF NEW.position IS NULL THEN
        SELECT coalesce(floor(max(position)), 0) + 1 INTO NEW.position FROM tasks
        WHERE project_id = NEW.project_id AND deleted_at IS NULL;
    END IF;
    RETURN NEW;
END $$;

--bun:split

CREATE TRIGGER tasks_place BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION todo_place_task();

--bun:split

CREATE INDEX tasks_by_project ON tasks (project_id, position) WHERE deleted_at IS NULL;

--bun:split

CREATE INDEX tasks_by_parent ON tasks (parent_id) WHERE parent_id IS NOT NULL;
