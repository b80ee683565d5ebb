-- The all-day date of a task (pkg/dates): a column of its own, added
-- alone — nullable, no default, so no table rewrite and the table's lock
-- held only for the catalogue change. The Go migration 20261207200001
-- fills it (store/alldates.go) without holding that lock.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS due_date date;
