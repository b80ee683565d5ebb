package store_test

import (
	"context"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

func open(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.PoolOptions{MaxOpen: 4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestMigrateFromEmptyThenNoOp(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	applied, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	assert.NotEmpty(t, applied)

	var tables []string
	require.NoError(t, st.DB.NewRaw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name NOT LIKE 'bun_%' ORDER BY 1`).Scan(ctx, &tables))
	assert.Equal(t, []string{"calendar_feeds", "conversations", "credentials", "idempotency_keys", "messages", "notifications", "projects", "reminders", "sections", "sign_in_failures", "tags", "task_tags", "tasks", "users"}, tables)

	var indexes []string
	require.NoError(t, st.DB.NewRaw(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`).Scan(ctx, &indexes))
	for _, want := range []string{"tasks_user_created_idx", "tasks_user_due_idx", "tasks_user_completed_idx", "users_email_lower_key", "tags_user_name_lower_key", "tasks_user_open_due_idx", "tasks_user_live_created_idx",
		// The sidebar's counts and a person's search (bench-scale).
		"tasks_user_project_live_idx", "tasks_user_title_trgm_idx", "tasks_user_description_trgm_idx"} {
		assert.Contains(t, indexes, want)
	}

	var gin []string
	require.NoError(t, st.DB.NewRaw(`SELECT relname || ':' || coalesce(array_to_string(reloptions, ','), '') FROM pg_class
		WHERE relname IN ('tasks_user_title_trgm_idx', 'tasks_user_description_trgm_idx') ORDER BY 1`).Scan(ctx, &gin))
	assert.Equal(t, []string{"tasks_user_description_trgm_idx:fastupdate=off", "tasks_user_title_trgm_idx:fastupdate=off"}, gin,
		"a search reads no pending list, and its plan does not change as one grows")

	var invalid int
	require.NoError(t, st.DB.NewRaw(`SELECT count(*) FROM pg_index WHERE NOT indisvalid`).Scan(ctx, &invalid))
	assert.Zero(t, invalid, "every index built concurrently is valid")
	var settings string
	require.NoError(t, st.DB.NewRaw(`SELECT coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting
		WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND setrole = 0`).Scan(ctx, &settings))
	assert.Contains(t, settings, "jit=off", "new connections do not compile queries")
	again, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	assert.Empty(t, again, "re-running applies nothing")
}

// TestMigrationsCreateEveryColumn: every column the store's models read
// and write (a task's fields come from api.TaskFields) exists after the
// migrations, so a field declared without its migration fails here rather
// than on the first request.
func TestMigrationsCreateEveryColumn(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	for _, model := range []any{store.User{}, store.Task{}, store.Tag{}, store.TaskTag{}} {
		table := store.Dialect().Tables().Get(reflect.TypeOf(model))
		var columns []string
		require.NoError(t, st.DB.NewRaw(`SELECT column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = ?`, table.Name).Scan(ctx, &columns))
		for _, f := range table.Fields {
			assert.Contains(t, columns, f.Name, "table %s has no column %s (the model %s has it): add a migration", table.Name, f.Name, table.TypeName)
		}
	}
}

func TestConcurrentMigratorsDoNotCollide(t *testing.T) {
	dsn := pg.NewDatabase(t, "", nil)
	const n = 4
	stores := make([]*store.Store, n)
	for i := range stores {
		stores[i] = open(t, dsn)
	}
	var wg sync.WaitGroup
	results := make([][]string, n)
	errs := make([]error, n)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = stores[i].Migrate(context.Background(), slog.New(slog.DiscardHandler))
		}()
	}
	wg.Wait()
	total := 0
	for i := range errs {
		require.NoError(t, errs[i])
		total += len(results[i])
	}
	var count int
	require.NoError(t, stores[0].DB.NewRaw("SELECT count(*) FROM bun_migrations").Scan(context.Background(), &count))
	assert.Equal(t, count, total, "each migration applied exactly once across all migrators")
	assert.Positive(t, count)
}

func TestConstraintsBackTheRules(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	u := store.User{Email: "a@example.com", Name: "a", PasswordHash: "x"}
	require.NoError(t, st.CreateUser(ctx, &u))
	dup := store.User{Email: "A@EXAMPLE.COM", Name: "b", PasswordHash: "x"}
	err = st.CreateUser(ctx, &dup)
	require.Error(t, err)
	assert.True(t, store.IsUniqueViolation(err, store.EmailConstraint))

	// The database refuses what validation should never let through.
	_, err = st.DB.NewRaw("INSERT INTO tasks (user_id, title, priority) VALUES (?, '', 'medium')", u.ID).Exec(ctx)
	assert.Error(t, err, "empty title")
	_, err = st.DB.NewRaw("INSERT INTO tasks (user_id, title, priority) VALUES (?, 'x', 'urgent')", u.ID).Exec(ctx)
	assert.Error(t, err, "unknown priority")
}

// The date-rule migration's stated rule, on rows as the previous program
// stored them: REST/MCP date-only values (exactly midnight UTC) become the
// end of that day in UTC; every other due time is left as it was.
func TestDateRuleMigrationMovesOnlyMidnightUTC(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	var uid string
	require.NoError(t, st.DB.NewRaw(`INSERT INTO users (email, name, password_hash) VALUES ('m@example.com', 'M', 'x') RETURNING id`).Scan(ctx, &uid))
	for _, due := range []string{"2026-12-01 00:00:00+00", "2026-12-01 17:00:00+00", "2026-12-02 04:59:59+00"} {
		_, err := st.DB.ExecContext(ctx, `INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval, due_at)
			VALUES (?, ?, '', 'medium', 'none', 1, ?)`, uid, due, due)
		require.NoError(t, err)
	}
	sql, err := os.ReadFile("migrations/20261126000002_date_rule.tx.up.sql")
	require.NoError(t, err)
	update := string(sql[strings.Index(string(sql), "UPDATE tasks"):])
	_, err = st.DB.ExecContext(ctx, update)
	require.NoError(t, err)
	var got []string
	require.NoError(t, st.DB.NewRaw(`SELECT to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM tasks ORDER BY title`).Scan(ctx, &got))
	assert.Equal(t, []string{"2026-12-01 23:59:59", "2026-12-01 17:00:00", "2026-12-02 04:59:59"}, got)
	var zone string
	require.NoError(t, st.DB.NewRaw(`SELECT time_zone FROM users WHERE id = ?`, uid).Scan(ctx, &zone))
	assert.Equal(t, "UTC", zone, "existing people are in UTC until their browser says otherwise")
}

// The task UID migration on a table that already has tasks (more than two
// of its batches): every row gets a UID of its own, the column ends NOT
// NULL with a default, and run again over a half-done state (the column
// there, some rows still without) it finishes the job.
func TestTaskUIDMigrationFillsEveryRow(t *testing.T) {
	st := open(t, pg.NewDatabase(t, "", nil))
	ctx := context.Background()
	_, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	var user string
	require.NoError(t, st.DB.NewRaw(`INSERT INTO users (email, name, password_hash) VALUES ('u@example.com', 'U', 'x') RETURNING id`).Scan(ctx, &user))
	// Back to before the migration: no column, and not recorded as applied.
	_, err = st.DB.ExecContext(ctx, `ALTER TABLE tasks DROP COLUMN uid`)
	require.NoError(t, err)
	forget := func() {
		res, err := st.DB.ExecContext(ctx, `DELETE FROM bun_migrations WHERE name = '20261207002904'`)
		require.NoError(t, err)
		n, _ := res.RowsAffected()
		require.EqualValues(t, 1, n, "the migration was recorded as applied")
	}
	forget()
	_, err = st.DB.ExecContext(ctx, `INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval)
		SELECT ?, 'task ' || n, '', 'medium', 'none', 1 FROM generate_series(1, 25003) AS n`, user)
	require.NoError(t, err)

	check := func() {
		t.Helper()
		var rows, distinct, missing int
		require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT uid), count(*) FILTER (WHERE uid IS NULL) FROM tasks`).
			Scan(&rows, &distinct, &missing))
		assert.Equal(t, 0, missing, "every task has a UID")
		assert.Equal(t, rows, distinct, "no two tasks share one")
		var nullable string
		var def *string
		require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT is_nullable, column_default FROM information_schema.columns
			WHERE table_name = 'tasks' AND column_name = 'uid'`).Scan(&nullable, &def))
		assert.Equal(t, "NO", nullable)
		require.NotNil(t, def)
		assert.Contains(t, *def, "gen_random_uuid()")
		var checks int
		require.NoError(t, st.DB.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE conname = 'tasks_uid_not_null'`).Scan(&checks))
		assert.Zero(t, checks, "the CHECK that proved NOT NULL is gone")
	}
	applied, err := st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	assert.Equal(t, []string{"20261207002904"}, applied)
	check()

	// Interrupted after the batches: the default and NOT NULL not yet
	// there, rows still without a UID.
	_, err = st.DB.ExecContext(ctx, `ALTER TABLE tasks ALTER COLUMN uid DROP NOT NULL, ALTER COLUMN uid DROP DEFAULT`)
	require.NoError(t, err)
	_, err = st.DB.ExecContext(ctx, `UPDATE tasks SET uid = NULL WHERE id % 7 = 0`)
	require.NoError(t, err)
	forget()
	_, err = st.Migrate(ctx, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	check()

	var fresh string
	require.NoError(t, st.DB.NewRaw(`INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval)
		VALUES (?, 'new', '', 'medium', 'none', 1) RETURNING uid`, user).Scan(ctx, &fresh))
	assert.Len(t, fresh, 36, "a new row gets a UUID from the default")
}
