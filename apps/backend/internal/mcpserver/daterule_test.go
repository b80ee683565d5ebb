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
// time is an all-day date — the same day in every zone — whose instant
// (when it is overdue, where it sorts) is the end of that day in the
// person's zone, and follows the person when their zone changes.
func TestDateOnlyMeansTheEndOfThatDayInTheUsersZone(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ctx := context.Background()
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "America/New_York"})
	require.NoError(t, err)
	require.Equal(t, "America/New_York", res.User.TimeZone)
	rest := b.Client.WithAuth(res)

	// REST, in the shape before API 1.7.0 (a date in due_at) and in due_date.
	day := "2026-12-01"
	task, err := rest.CreateTask(ctx, api.TaskInput{Title: "By REST", DueAt: &day})
	require.NoError(t, err)
	require.NotNil(t, task.DueDate)
	assert.Equal(t, day, task.DueDate.String())
	assert.Equal(t, NewYorkEndOfDec1, task.DueAt.UTC().Format("2006-01-02T15:04:05Z"))
	byDate, err := rest.CreateTask(ctx, api.TaskInput{Title: "By REST, due_date", DueDate: &day})
	require.NoError(t, err)
	assert.Equal(t, task.DueDate, byDate.DueDate)
	assert.Equal(t, task.DueAt, byDate.DueAt)

	// MCP: the tools' due is the day itself.
	cs := connect(t, b.URL, res.Token)
	var out todomcp.TaskOutput
	r := callTool(t, cs, todomcp.AddTask.Name, map[string]any{"title": "By MCP", "due": day}, &out)
	require.False(t, r.IsError)
	assert.Equal(t, day, out.Task.Due)
	mcpTask, err := rest.GetTask(ctx, out.Task.ID)
	require.NoError(t, err)
	assert.Equal(t, NewYorkEndOfDec1, mcpTask.DueAt.UTC().Format("2006-01-02T15:04:05Z"))

	// A range of dates covers whole days in the zone: both tasks are "on
	// 1 December", none is on the 2nd.
	var list todomcp.ListTasksOutput
	callTool(t, cs, todomcp.ListTasks.Name, map[string]any{"due_from": day, "due_to": day}, &list)
	assert.Equal(t, 3, list.Total)
	callTool(t, cs, todomcp.ListTasks.Name, map[string]any{"due_from": "2026-12-02", "due_to": "2026-12-02"}, &list)
	assert.Equal(t, 0, list.Total)

	// Signing in from a browser in another zone moves the person's zone:
	// the dates stay, their instants follow (the end of 1 December in
	// Berlin).
	res, err = b.Client.SignIn(ctx, api.SignInRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "Europe/Berlin"})
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", res.User.TimeZone)
	moved, err := rest.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, day, moved.DueDate.String(), "the date does not move")
	assert.Equal(t, "2026-12-01T22:59:59Z", moved.DueAt.UTC().Format("2006-01-02T15:04:05Z"), "its instant follows the zone")
	callTool(t, cs, todomcp.ListTasks.Name, map[string]any{"due_from": day, "due_to": day}, &list)
	assert.Equal(t, 3, list.Total, "still on 1 December in Berlin")
	_, err = b.Client.SignIn(ctx, api.SignInRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "Mars/Olympus"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "time_zone")
}
