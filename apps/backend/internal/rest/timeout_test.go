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
