package mcpserver_test

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Personal API tokens work on MCP as they do on REST: a read-write token
// can do everything, a read-only one only the tools that read, and a
// revoked one nothing, at once.
func TestAPITokensOnMCP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	rest, _ := b.SignUp(t, "tokens@example.com")
	read, err := rest.CreateAPIToken(ctx, api.APITokenInput{Name: "read", Scope: api.ScopeRead})
	require.NoError(t, err)
	write, err := rest.CreateAPIToken(ctx, api.APITokenInput{Name: "write", Scope: api.ScopeWrite})
	require.NoError(t, err)

	asWrite := connect(t, b.URL, write.Token)
	var added todomcp.TaskOutput
	res := callTool(t, asWrite, todomcp.AddTask.Name, map[string]any{"title": "From a desktop client"}, &added)
	require.False(t, res.IsError, resultText(res))

	asRead := connect(t, b.URL, read.Token)
	var listed todomcp.ListTasksOutput
	res = callTool(t, asRead, todomcp.ListTasks.Name, map[string]any{}, &listed)
	require.False(t, res.IsError, resultText(res))
	require.Len(t, listed.Tasks, 1)
	res = callTool(t, asRead, todomcp.ListTags.Name, map[string]any{}, nil)
	assert.False(t, res.IsError, resultText(res))
	for name, args := range map[string]map[string]any{
		todomcp.AddTask.Name:      {"title": "Nope"},
		todomcp.CompleteTask.Name: {"task_id": added.Task.ID},
		todomcp.UpdateTask.Name:   {"task_id": added.Task.ID, "title": "Changed"},
		todomcp.DeleteTask.Name:   {"task_id": added.Task.ID},
	} {
		res = callTool(t, asRead, name, args, nil)
		assert.True(t, res.IsError, name)
		assert.Contains(t, resultText(res), "read-only", name)
	}
	task, err := rest.GetTask(ctx, added.Task.ID)
	require.NoError(t, err)
	assert.Equal(t, "From a desktop client", task.Title, "nothing changed")
	assert.False(t, task.Completed)

	require.NoError(t, rest.RevokeAPIToken(ctx, write.ID))
	_, err = asWrite.CallTool(ctx, &mcp.CallToolParams{Name: todomcp.ListTasks.Name, Arguments: map[string]any{}})
	assert.Error(t, err, "a revoked token is refused at the door (401)")
}
