package rest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// A statement over DB_STATEMENT_TIMEOUT is cancelled by PostgreSQL: the
// request gets 503 with Retry-After in the envelope, nothing is written,
// and the next request is served as usual. The slow statement is made by
// holding a lock on the tasks table from another connection.
func TestStatementTimeoutAnswers503(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg, func(c *config.Config) { c.DBStatementTimeout = 300 * time.Millisecond })
	ada, _ := b.SignUp(t, "ada@example.com")
	_, err := ada.CreateTask(ctx, api.TaskInput{Title: "before"})
	require.NoError(t, err)

	tx, err := b.App.Store.DB.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, "LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)
	start := time.Now()
	bounded, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = ada.CreateTask(bounded, api.TaskInput{Title: "during"})
	waited := time.Since(start)
	require.NoError(t, tx.Rollback())
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusServiceUnavailable, e.Status)
	assert.Contains(t, e.Message, "DB_STATEMENT_TIMEOUT")
	assert.Less(t, waited, 5*time.Second, "cancelled by the timeout, not after the lock")

	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1, "nothing written by the cancelled request")
	assert.Equal(t, "before", list.Tasks[0].Title)
}

// The task rules read the person's zone inside their transaction: with a
// pool of one connection, completing a recurring task (which reads the
// zone for its next occurrence) and moving a task with a reminder at a
// time of day still answer. (Reading it through the pool while holding the
// transaction's connection waited for itself: 20 such requests at once
// hung a pool of 20.)
func TestTaskRulesNeedOneConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg, func(c *config.Config) { c.DBMaxConns = 1 })
	ada, _ := b.SignUp(t, "ada@example.com")
	bounded, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	task, err := ada.CreateTask(bounded, api.TaskInput{Title: "water plants", DueDate: ptr("2030-01-01"), Recurrence: "daily",
		Reminders: &[]api.ReminderInput{{BeforeMinutes: ptr(0), AtTime: "09:00"}}})
	require.NoError(t, err)
	res, err := ada.CompleteTask(bounded, task.ID, ptr(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	_, err = ada.PatchTask(bounded, res.Next.ID, api.TaskPatch{DueDate: api.Value("2030-02-01")})
	require.NoError(t, err)
}
