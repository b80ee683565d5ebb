-- Projects and sections in imports (internal/transfer): like tasks, an
-- imported project or section keeps the key it was imported with, so that
-- importing the same file twice creates it once (the unique indexes).
ALTER TABLE projects ADD COLUMN import_key text CHECK (char_length(import_key) <= 300);
ALTER TABLE sections ADD COLUMN import_key text CHECK (char_length(import_key) <= 300);

--bun:split

CREATE UNIQUE INDEX projects_user_import_key_idx ON projects (user_id, import_key);

--bun:split

CREATE UNIQUE INDEX sections_user_import_key_idx ON sections (user_id, import_key);
