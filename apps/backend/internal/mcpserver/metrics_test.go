package mcpserver_test

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
)

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// The backend's metrics are on their own port (never the API's, which a
// NodePort makes public): requests by route pattern, MCP tool calls by
// tool and outcome, the connection pool, the admission queues.
func TestMetricsAreServedApart(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	b := testenv.Start(t, pg, func(c *config.Config) { c.MetricsPort = port })
	_, auth := b.SignUp(t, "metrics@example.com")
	cs := connect(t, b.URL, auth.Token)
	callTool(t, cs, "list_tasks", map[string]any{}, nil)
	callTool(t, cs, "complete_task", map[string]any{"task_id": 999}, nil)

	resp, err := http.Get(b.URL + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not on the API's port")

	resp, err = http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	assert.Contains(t, text, `http_requests_total{app="backend",method="POST",route="/api/auth/sign-up",status="201"} 1`)
	assert.Contains(t, text, `mcp_tool_calls_total{outcome="ok",tool="list_tasks"} 1`)
	assert.Contains(t, text, `mcp_tool_calls_total{outcome="error",tool="complete_task"} 1`)
	assert.Contains(t, text, `go_sql_max_open_connections{db_name="todo"} 10`, "the pool")
	for _, queue := range []string{"api", "mcp"} {
		assert.Contains(t, text, `http_requests_queued{app="backend",queue="`+queue+`"} 0`, "the admission queues, empty now")
	}
}
