package taskstest_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks/taskstest"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

// The rule suite needs PostgreSQL here, so this package is not one of make
// check's unit packages; make test runs it.
func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// template is the migrated database each case gets a copy of; its own
// name, so that packages sharing one server (TEST_DATABASE_URL) do not
// replace each other's.
const template = "todo_tasks_rules_template"

func migrate(ctx context.Context, dsn string) error {
	st, err := store.Open(ctx, dsn, store.PoolOptions{MaxOpen: 2})
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = st.Migrate(ctx, slog.New(slog.DiscardHandler))
	return err
}

// TestRulesOnPostgres runs the rule suite the tasks package runs on Memory
// against the real store, each case on a fresh migrated database.
func TestRulesOnPostgres(t *testing.T) {
	taskstest.RunRules(t, func(t *testing.T, _ func() time.Time) taskstest.Store {
		st, err := store.Open(context.Background(), pg.NewDatabase(t, template, migrate), store.PoolOptions{MaxOpen: 4})
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return &postgres{Storage: tasks.PostgresStorage(st), st: st}
	})
}

// postgres is the backend's Storage with people added as sign-up does.
type postgres struct {
	tasks.Storage
	st    *store.Store
	users atomic.Int64
}

func (p *postgres) AddUser(ctx context.Context, zone string, defaultReminder *int) (string, error) {
	u := store.User{Email: fmt.Sprintf("p%d@example.com", p.users.Add(1)), PasswordHash: "x"}
	if err := p.st.CreateUser(ctx, &u); err != nil {
		return "", err
	}
	if zone == "" {
		zone = "UTC"
	}
	return u.ID, p.st.SetPreferences(ctx, u.ID, zone, true, defaultReminder)
}

func (p *postgres) AddProject(ctx context.Context, userID, name string, archived bool) (int64, error) {
	pr := store.Project{UserID: userID, Name: name, Color: "grey", Archived: archived}
	err := p.st.WithTx(ctx, func(ctx context.Context, tx store.Tx) error { return tx.InsertProject(ctx, &pr) })
	return pr.ID, err
}

func (p *postgres) AddSection(ctx context.Context, userID string, projectID int64, name string) (int64, error) {
	sec := store.Section{UserID: userID, ProjectID: projectID, Name: name}
	err := p.st.WithTx(ctx, func(ctx context.Context, tx store.Tx) error { return tx.InsertSection(ctx, &sec) })
	return sec.ID, err
}
