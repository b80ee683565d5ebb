package reminders_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/reminders"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

var (
	pg      *pgtest.Server
	builder *stacktest.Builder
)

func TestMain(m *testing.M) { stacktest.Main(m, &pg, &builder) }

// Two backend processes on one database fire 4 000 due reminders between
// them: every one exactly once (no duplicate, none missed), both taking
// part, the old ones marked late.
func TestTwoBackendsFireEachReminderOnce(t *testing.T) {
	bin, err := builder.Build("backend")
	require.NoError(t, err)
	dsn := pg.NewDatabase(t, "", nil)
	var metrics []string
	for range 2 {
		port, err := stacktest.FreePort()
		require.NoError(t, err)
		stacktest.Start(t, bin, map[string]string{"DATABASE_URL": dsn, "BETTER_AUTH_SECRET": stacktest.Secret,
			"REMINDER_POLL": "100ms", "REMINDER_BATCH": "50", "METRICS_PORT": strconv.Itoa(port)})
		metrics = append(metrics, fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	}
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	ctx := context.Background()
	const n = 4000
	_, err = db.ExecContext(ctx, `
INSERT INTO users (email, name, password_hash) SELECT 'u' || g || '@example.com', 'U', 'x' FROM generate_series(1, 50) g;
INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval)
  SELECT u.id, 'Task ' || g, '', 'medium', 'none', 1 FROM users u, generate_series(1, 40) g;
INSERT INTO reminders (task_id, user_id, at, fire_at)
  SELECT t.id, t.user_id, now() - (k * interval '1 minute'), now() - (k * interval '1 minute')
  FROM tasks t, generate_series(0, 1) k;`)
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		var left int
		return db.QueryRowContext(ctx, `SELECT count(*) FROM reminders WHERE fired_at IS NULL`).Scan(&left) == nil && left == 0
	}, 60*time.Second, 100*time.Millisecond, "every reminder fired")

	var total, distinct, late int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT reminder_id) FROM notifications`).Scan(&total, &distinct))
	assert.Equal(t, n, total, "one notification per reminder: none twice")
	assert.Equal(t, n, distinct, "none missed")
	require.NoError(t, db.QueryRowContext(ctx, `SELECT count(*) FROM reminders WHERE late`).Scan(&late))
	assert.Equal(t, n/2, late, "those due a minute before the claim fired late")

	sum := 0
	for i, url := range metrics {
		fired := firedBy(t, url)
		t.Logf("backend %d fired %d", i+1, fired)
		assert.Positive(t, fired, "backend %d took part", i+1)
		sum += fired
	}
	assert.Equal(t, n, sum, "the processes' own counts add up")
}

var reFired = regexp.MustCompile(`(?m)^reminders_fired_total\{late="(?:true|false)"\} (\d+)$`)

func firedBy(t *testing.T, url string) int {
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	n := 0
	for _, m := range reFired.FindAllStringSubmatch(string(b), -1) {
		v, _ := strconv.Atoi(m[1])
		n += v
	}
	return n
}

// Two Runners in one process (as -race sees them) share the work with no
// reminder fired twice, and stop when their context ends.
func TestRunnersShareTheWork(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dsn := pg.NewDatabase(t, testenv.TemplateName, testenv.Migrate)
	st, err := store.Open(ctx, dsn, store.PoolOptions{MaxOpen: 8})
	require.NoError(t, err)
	defer st.Close()
	_, err = st.DB.ExecContext(ctx, `
INSERT INTO users (email, name, password_hash) VALUES ('a@example.com', 'A', 'x');
INSERT INTO tasks (user_id, title, description, priority, recurrence, recurrence_interval)
  SELECT u.id, 'Task ' || g, '', 'medium', 'none', 1 FROM users u, generate_series(1, 500) g;
INSERT INTO reminders (task_id, user_id, at, fire_at) SELECT t.id, t.user_id, now(), now() FROM tasks t;`)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 2 {
		r := reminders.New(st, 20*time.Millisecond, 7, slog.New(slog.DiscardHandler), nil)
		wg.Go(func() { r.Run(ctx) })
	}
	require.Eventually(t, func() bool {
		var left int
		return st.DB.QueryRowContext(ctx, `SELECT count(*) FROM reminders WHERE fired_at IS NULL`).Scan(&left) == nil && left == 0
	}, 20*time.Second, 20*time.Millisecond)
	cancel()
	wg.Wait()
	var total, distinct int
	require.NoError(t, st.DB.QueryRowContext(context.Background(), `SELECT count(*), count(DISTINCT reminder_id) FROM notifications`).Scan(&total, &distinct))
	assert.Equal(t, 500, total)
	assert.Equal(t, 500, distinct)
}
