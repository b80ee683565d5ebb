package mcpserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/auth"
)

type oneUser struct{}

func (oneUser) Authenticate(context.Context, string) (auth.Principal, error) {
	return auth.Principal{UserID: "u1", Scope: auth.ScopeWrite}, nil
}

// Which requests the plain path answers, and which it leaves to the SDK
// (here a stand-in that says "sdk"); the backend's MCP tests and the
// official conformance suite check what the answers say.
func TestPlainCallsTakeOnlyPlainToolCalls(t *testing.T) {
	var got *mcp.CallToolRequest
	tools := map[string]mcp.ToolHandler{"list_tasks": func(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		got = req
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "none"}}, StructuredContent: json.RawMessage(`{"tasks":[]}`)}, nil
	}}
	app := fiber.New()
	app.Post("/mcp", auth.Middleware(oneUser{}), plainCalls(tools), func(c *fiber.Ctx) error { return c.SendString("sdk") })
	call := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_tasks","arguments":{"limit":5}}}`
	send := func(body string, header map[string]string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer x")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		for k, v := range header {
			if v == "" {
				req.Header.Del(k)
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := app.Test(req, -1)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	status, body := send(call, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"none"}],"structuredContent":{"tasks":[]}}}`, body)
	require.NotNil(t, got)
	assert.Equal(t, "list_tasks", got.Params.Name)
	assert.JSONEq(t, `{"limit":5}`, string(got.Params.Arguments))
	assert.Equal(t, "u1", got.Extra.TokenInfo.UserID, "the token's user")
	assert.Equal(t, []string{"write"}, got.Extra.TokenInfo.Scopes)
	_, body = send(strings.Replace(call, `"id":7`, `"id":"a-7"`, 1), nil)
	assert.Contains(t, body, `"id":"a-7"`)

	for name, tc := range map[string]struct {
		body   string
		header map[string]string
	}{
		"initialize":           {`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`, nil},
		"tools/list":           {`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, nil},
		"a batch":              {"[" + call + "]", nil},
		"a notification":       {strings.Replace(call, `"id":7,`, "", 1), nil},
		"a null id":            {strings.Replace(call, `"id":7`, `"id":null`, 1), nil},
		"_meta":                {strings.Replace(call, `"arguments"`, `"_meta":{"progressToken":1},"arguments"`, 1), nil},
		"another tool":         {strings.Replace(call, "list_tasks", "nope", 1), nil},
		"no protocol version":  {call, map[string]string{"Mcp-Protocol-Version": ""}},
		"a newer version":      {call, map[string]string{"Mcp-Protocol-Version": "2026-07-28"}},
		"a session":            {call, map[string]string{"Mcp-Session-Id": "s1"}},
		"JSON only":            {call, map[string]string{"Accept": "application/json"}},
		"another content type": {call, map[string]string{"Content-Type": "text/plain"}},
		"not JSON":             {"{", nil},
		"not JSON-RPC 2.0":     {strings.Replace(call, `"2.0"`, `"1.0"`, 1), nil},
		"no params":            {`{"jsonrpc":"2.0","id":7,"method":"tools/call"}`, nil},
	} {
		_, body := send(tc.body, tc.header)
		assert.Equal(t, "sdk", body, name)
	}
}
