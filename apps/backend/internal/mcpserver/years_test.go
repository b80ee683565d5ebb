package mcpserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// The year bound at the MCP door: a reminder at the probe's
// 9999-12-31T23:59:59-23:59 (the year 10000 in UTC) is a tool error that
// names the field, and nothing is created.
func TestToolTimestampsOutsideTheYearsAreRefused(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "ada@example.com")
	cs := connect(t, b.URL, auth.Token)
	for name, args := range map[string]map[string]any{
		"reminder": {"title": "Far", "reminders": []map[string]any{{"at": "9999-12-31T23:59:59-23:59"}}},
		"due":      {"title": "Far", "due": "9999-12-31T23:59:59-23:59"},
	} {
		r := callTool(t, cs, todomcp.AddTask.Name, args, nil)
		assert.True(t, r.IsError, name)
		assert.Contains(t, resultText(r), "between the years 1970 and 9999 (in UTC)", name)
	}
	var list todomcp.ListTasksOutput
	callTool(t, cs, todomcp.ListTasks.Name, map[string]any{}, &list)
	assert.Equal(t, 0, list.Total)
}
