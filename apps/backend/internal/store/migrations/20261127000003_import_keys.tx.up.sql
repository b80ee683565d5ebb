-- Import and export (internal/transfer). Every exported task and
-- conversation carries a key: the key it was imported with, or
-- "todo-app:<user id>:<id>" for one made here. An import stores the key
-- it read in import_key, so importing the same file twice creates
-- nothing the second time (the unique indexes below), and a task keeps
-- its key through any number of exports and imports.
ALTER TABLE tasks ADD COLUMN import_key text CHECK (char_length(import_key) <= 300);
ALTER TABLE conversations ADD COLUMN import_key text CHECK (char_length(import_key) <= 300);

--bun:split

CREATE UNIQUE INDEX tasks_user_import_key_idx ON tasks (user_id, import_key);

--bun:split

CREATE UNIQUE INDEX conversations_user_import_key_idx ON conversations (user_id, import_key);
