package mcpserver_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// NewYorkEndOfDec1 is the one moment "due 2026-12-01" means for a person
// in New York, whichever door it comes through (the web app's and the
// assistant's tests check theirs against the same instant).
const NewYorkEndOfDec1 = "2026-12-02T04:59:59Z"

// The date rule (pkg/dates) at the backend's two doors: a date without a
// time is the end of that day in the user's zone.
func TestDateOnlyMeansTheEndOfThatDayInTheUsersZone(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ctx := context.Background()
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "America/New_York"})
	require.NoError(t, err)
	require.Equal(t, "America/New_York", res.User.TimeZone)
	rest := b.Client.WithAuth(res)

	// REST.
	day := "2026-12-01"
	task, err := rest.CreateTask(ctx, api.TaskInput{Title: "By REST", DueAt: &day})
	require.NoError(t, err)
	assert.Equal(t, NewYorkEndOfDec1, task.DueAt.UTC().Format("2006-01-02T15:04:05Z"))

	// MCP.
	cs := connect(t, b.URL, res.Token)
	var out todomcp.TaskOutput
	r := callTool(t, cs, todomcp.AddTask.Name, map[string]any{"title": "By MCP", "due": day}, &out)
	require.False(t, r.IsError)
	assert.Equal(t, NewYorkEndOfDec1, out.Task.Due)

	// A range of dates covers whole days in the zone: both tasks are "on
	// 1 December", none is on the 2nd.
	var list todomcp.ListTasksOutput
	callTool(t, cs, todomcp.ListTasks.Name, map[string]any{"due_from": day, "due_to": day}, &list)
	assert.Equal(t, 2, list.Total)
	callTool(t, cs, todomcp.ListTasks.Name, map[string]any{"due_from": "2026-12-02", "due_to": "2026-12-02"}, &list)
	assert.Equal(t, 0, list.Total)

	// Signing in from a browser in another zone moves the person's zone.
	res, err = b.Client.SignIn(ctx, api.SignInRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "Europe/Berlin"})
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", res.User.TimeZone)
	_, err = b.Client.SignIn(ctx, api.SignInRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "Mars/Olympus"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "time_zone")
}
