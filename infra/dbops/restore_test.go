package dbops

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/migrate"

	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// The backend's migrations, read from its source tree (the backend's
// store embeds the same files).
const migrationsDir = "../../apps/backend/internal/store/migrations"

// TestEveryEarlierSchemaRestoresThenMigrates: the restore you need after a
// bad release is of a dump taken before the newest migrations. For every
// migration N of the history: a database migrated up to N (as the backend
// of that time left it) gets a user, a task with tags and, once the schema
// has them, a reminder; it is dumped as the backups dump (dumpCommand,
// the scheduled backups' format), restored as make restore restores
// (restoreCommand) into a database the current backend has migrated (what
// make up leaves), and the current backend's migrate (the init container
// of the backend's pods, which make restore rolls) brings it to the
// current schema with the rows there.
func TestEveryEarlierSchemaRestoresThenMigrates(t *testing.T) {
	ctx := context.Background()
	backend := buildBackend(t)
	history := migrationFiles(t)
	require.NotEmpty(t, history)
	names := versions(history)
	t.Logf("%d migrations, %s to %s", len(names), names[0], names[len(names)-1])
	// Every migration the current backend has, its Go migrations too
	// (store/alldates.go), which have no file here: what a database it
	// migrated records.
	fresh := newDB(t)
	backendMigrate(t, backend, fresh)
	all := count(t, ctx, fresh, "SELECT count(*) FROM bun_migrations")
	require.GreaterOrEqual(t, all, len(names))

	for n := range names {
		t.Run(names[n], func(t *testing.T) {
			src := newDB(t)
			migrateTo(t, ctx, src, history, names[:n+1])
			want := writeData(t, ctx, src)

			dump := run(t, nil, dumpCommand(pgUser(src), src)...)
			require.True(t, bytes.HasPrefix(dump, []byte("PGDMP")), "pg_dump's custom format")

			dst := newDB(t)
			backendMigrate(t, backend, dst)
			run(t, bytes.NewReader(dump), restoreCommand(pgUser(dst), dst)...)
			backendMigrate(t, backend, dst)

			assert.Equal(t, want, readData(t, ctx, dst), "the rows written at %s, after the restore and the current migrations", names[n])
			assert.Equal(t, all, count(t, ctx, dst, "SELECT count(*) FROM bun_migrations"), "every migration is recorded as applied")
		})
	}
}

// TestACutBackupChangesNothing: a dump that ends early (a copy cut short)
// fails the restore with pg_restore's message, and the database keeps what
// it had, schema and rows.
func TestACutBackupChangesNothing(t *testing.T) {
	ctx := context.Background()
	history := migrationFiles(t)
	names := versions(history)
	src := newDB(t)
	migrateTo(t, ctx, src, history, names)
	want := writeData(t, ctx, src)
	dump := run(t, nil, dumpCommand(pgUser(src), src)...)

	argv := restoreCommand(pgUser(src), src)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(dump[:len(dump)*2/3])
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the cut backup is refused: %s", out)
	assert.Contains(t, string(out), "pg_restore could not read the whole backup")
	assert.Equal(t, want, readData(t, ctx, src), "the rows are as they were")
	assert.Equal(t, len(names), count(t, ctx, src, "SELECT count(*) FROM bun_migrations"))
}

// migrationFiles are the migrations' files by name.
func migrationFiles(t *testing.T) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(migrationsDir)
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(migrationsDir, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = b
	}
	return files
}

// versions are the migrations' names (bun's: the file name's leading
// number), in the order they apply.
func versions(files map[string][]byte) []string {
	seen := map[string]bool{}
	var names []string
	for f := range files {
		v, _, _ := strings.Cut(f, "_")
		if !seen[v] {
			seen[v] = true
			names = append(names, v)
		}
	}
	sort.Strings(names)
	return names
}

// migrateTo applies the migrations named (and no later one) the way the
// backend's store does (bun's migrator, marked applied on success).
func migrateTo(t *testing.T, ctx context.Context, dsn string, files map[string][]byte, names []string) {
	t.Helper()
	last := names[len(names)-1]
	fsys := fstest.MapFS{}
	for f, b := range files {
		if v, _, _ := strings.Cut(f, "_"); v <= last {
			fsys[f] = &fstest.MapFile{Data: b}
		}
	}
	db := bun.NewDB(openDB(t, dsn), pgdialect.New())
	migrations := migrate.NewMigrations()
	require.NoError(t, migrations.Discover(fs.FS(fsys)))
	m := migrate.NewMigrator(db, migrations, migrate.WithMarkAppliedOnSuccess(true))
	require.NoError(t, m.Init(ctx))
	group, err := m.Migrate(ctx)
	require.NoError(t, err)
	require.Len(t, group.Migrations, len(names))
}

// writeData writes what a person has: a user, a task with two tags and,
// where the schema has reminders, a reminder; it returns what readData
// reads back.
func writeData(t *testing.T, ctx context.Context, dsn string) string {
	t.Helper()
	db := openDB(t, dsn)
	exec := func(q string, args ...any) {
		t.Helper()
		_, err := db.ExecContext(ctx, q, args...)
		require.NoError(t, err, q)
	}
	exec(`INSERT INTO users (id, email, name, password_hash) VALUES ('6f1c7a52-1d0e-4c5e-9a3e-2b8f0e4b7d11', 'ada@example.com', 'Ada', 'hash')`)
	exec(`INSERT INTO tasks (id, user_id, title, description, priority, due_at)
		VALUES (7, '6f1c7a52-1d0e-4c5e-9a3e-2b8f0e4b7d11', 'Water the plants', 'the fern too', 'high', '2026-12-24 17:00:00+00')`)
	exec(`INSERT INTO tags (id, user_id, name) VALUES (3, '6f1c7a52-1d0e-4c5e-9a3e-2b8f0e4b7d11', 'home'), (4, '6f1c7a52-1d0e-4c5e-9a3e-2b8f0e4b7d11', 'garden')`)
	exec(`INSERT INTO task_tags (task_id, tag_id) VALUES (7, 3), (7, 4)`)
	if hasTable(t, ctx, db, "reminders") {
		exec(`INSERT INTO reminders (task_id, user_id, before_minutes, fire_at) VALUES (7, '6f1c7a52-1d0e-4c5e-9a3e-2b8f0e4b7d11', 30, '2026-12-24 16:30:00+00')`)
	}
	return readData(t, ctx, dsn)
}

// readData is the rows writeData wrote, in one string (the columns every
// schema has).
func readData(t *testing.T, ctx context.Context, dsn string) string {
	t.Helper()
	db := openDB(t, dsn)
	var b strings.Builder
	row := func(q string) {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		require.NoError(t, err, q)
		defer rows.Close()
		cols, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			for i, v := range vals {
				fmt.Fprintf(&b, "%s=%s ", cols[i], v.String)
			}
			b.WriteString("\n")
		}
		require.NoError(t, rows.Err())
	}
	row(`SELECT id, email, name, password_hash FROM users ORDER BY id`)
	row(`SELECT id, user_id, title, description, priority, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS due FROM tasks ORDER BY id`)
	row(`SELECT t.task_id, g.name FROM task_tags t JOIN tags g ON g.id = t.tag_id ORDER BY g.name`)
	if hasTable(t, ctx, db, "reminders") {
		row(`SELECT task_id, before_minutes, to_char(fire_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS fire FROM reminders ORDER BY id`)
	}
	return b.String()
}

func hasTable(t *testing.T, ctx context.Context, db *sql.DB, name string) bool {
	t.Helper()
	var ok bool
	require.NoError(t, db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, "public."+name).Scan(&ok))
	return ok
}

func count(t *testing.T, ctx context.Context, dsn, q string) int {
	t.Helper()
	var n int
	require.NoError(t, openDB(t, dsn).QueryRowContext(ctx, q).Scan(&n))
	return n
}

func newDB(t *testing.T) string { return pg.NewDatabase(t, "", nil) }

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	db.SetMaxOpenConns(2)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// pgUser is the user of a connection URL (the commands name it as they
// name the stack's).
func pgUser(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return u.User.Username()
}

// run runs a command on this machine with PostgreSQL's client programs,
// as the database's pod runs it; the database argument is a connection
// URL here.
func run(t *testing.T, stdin *bytes.Reader, argv ...string) []byte {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s: %s", argv[0], stderr.String())
	return stdout.Bytes()
}

// buildBackend builds the backend as its image does; its migrate command
// is what the init container of each backend pod runs.
func buildBackend(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "backend")
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", bin, "github.com/todo-app/todo-app/apps/backend")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "building the backend: %s", out)
	t.Logf("backend built in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

func backendMigrate(t *testing.T, bin, dsn string) {
	t.Helper()
	cmd := exec.Command(bin, "migrate")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "BETTER_AUTH_SECRET="+strings.Repeat("s", 48))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "backend migrate: %s", out)
}
