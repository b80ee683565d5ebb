package mcpserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// connect opens a session with the official SDK client as the token's user.
func connect(t *testing.T, url, token string) *mcp.ClientSession {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "todo-test", Version: "1"}, nil)
	cs, err := client.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint:             url + "/mcp",
		HTTPClient:           &http.Client{Transport: bearer{token, http.DefaultTransport}, Timeout: 10 * time.Second},
		DisableStandaloneSSE: true,
		MaxRetries:           -1,
	}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// callTool calls a tool and decodes its structured content into out.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any, out any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err, "tool errors are results, not transport failures")
	if !res.IsError {
		checkOutput(t, cs, name, res.StructuredContent)
	}
	if !res.IsError && out != nil {
		b, err := json.Marshal(res.StructuredContent)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, out))
	}
	return res
}

// checkOutput validates a tool's structured result against the output
// schema the server advertises for it (the server does not on each call).
func checkOutput(t *testing.T, cs *mcp.ClientSession, name string, structured any) {
	t.Helper()
	tools, err := cs.ListTools(context.Background(), nil)
	require.NoError(t, err)
	for _, tool := range tools.Tools {
		if tool.Name != name {
			continue
		}
		b, err := json.Marshal(tool.OutputSchema)
		require.NoError(t, err)
		var sc jsonschema.Schema
		require.NoError(t, json.Unmarshal(b, &sc))
		resolved, err := sc.Resolve(nil)
		require.NoError(t, err)
		b, err = json.Marshal(structured)
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal(b, &v))
		require.NoError(t, resolved.Validate(&v), "the %s result matches its output schema: %s", name, b)
		return
	}
	t.Fatalf("no tool %s", name)
}

func resultText(r *mcp.CallToolResult) string {
	var parts []string
	for _, c := range r.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func TestInitializeAndListTools(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "tools@example.com")
	cs := connect(t, b.URL, auth.Token)

	info := cs.InitializeResult().ServerInfo
	assert.Equal(t, "todo-app", info.Name)
	assert.NotEmpty(t, info.Version)

	tools, err := cs.ListTools(context.Background(), nil)
	require.NoError(t, err)
	byName := map[string]*mcp.Tool{}
	var names []string
	for _, tool := range tools.Tools {
		byName[tool.Name] = tool
		names = append(names, tool.Name)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"add_project", "add_task", "complete_task", "delete_task", "list_projects", "list_tags", "list_tasks", "move_task", "restore_task", "update_task"}, names)
	for _, tool := range tools.Tools {
		assert.NotEmpty(t, tool.Description, tool.Name)
		assert.NotNil(t, tool.InputSchema, tool.Name)
		assert.NotNil(t, tool.OutputSchema, tool.Name)
		require.NotNil(t, tool.Annotations, tool.Name)
	}
	assert.True(t, byName["list_tasks"].Annotations.ReadOnlyHint)
	assert.True(t, byName["list_tags"].Annotations.ReadOnlyHint)
	assert.False(t, byName["add_task"].Annotations.ReadOnlyHint)
	assert.True(t, *byName["delete_task"].Annotations.DestructiveHint)
	assert.False(t, *byName["add_task"].Annotations.DestructiveHint)
	assert.True(t, byName["delete_task"].Annotations.IdempotentHint)
	assert.False(t, byName["add_task"].Annotations.IdempotentHint)

	schema, err := json.Marshal(byName["add_task"].InputSchema)
	require.NoError(t, err)
	assert.Contains(t, string(schema), `"required":["title"]`)
}

func TestEveryToolAgainstTheDatabase(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	rest, auth := b.SignUp(t, "mcp@example.com")
	cs := connect(t, b.URL, auth.Token)
	ctx := context.Background()

	var added struct {
		Task struct {
			ID   int64    `json:"id"`
			Due  string   `json:"due"`
			Tags []string `json:"tags"`
		} `json:"task"`
	}
	res := callTool(t, cs, "add_task", map[string]any{
		"title": "Buy groceries", "due": "2030-03-04", "priority": "high", "tags": []string{"home", "errands"},
	}, &added)
	require.False(t, res.IsError, resultText(res))
	assert.Contains(t, resultText(res), "Added #")
	assert.Equal(t, "2030-03-04", added.Task.Due) // an all-day date: the day itself

	// The REST API sees exactly what the tool wrote.
	task, err := rest.GetTask(ctx, added.Task.ID)
	require.NoError(t, err)
	assert.Equal(t, "Buy groceries", task.Title)
	assert.Equal(t, "high", task.Priority)
	assert.Equal(t, []string{"errands", "home"}, task.Tags)

	var sync struct {
		Task struct{ ID int64 } `json:"task"`
	}
	res = callTool(t, cs, "add_task", map[string]any{"title": "Team sync", "due": "2030-03-02T09:00:00+01:00", "recurrence": "weekly", "user_id": auth.User.ID}, &sync)
	require.False(t, res.IsError, resultText(res))

	var list struct {
		Tasks []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"tasks"`
		Total int `json:"total"`
	}
	res = callTool(t, cs, "list_tasks", map[string]any{}, &list)
	require.False(t, res.IsError)
	require.Equal(t, 2, list.Total)
	assert.Equal(t, "Team sync", list.Tasks[0].Title, "soonest due first")
	res = callTool(t, cs, "list_tasks", map[string]any{"tag": "home"}, &list)
	require.False(t, res.IsError)
	assert.Equal(t, 1, list.Total)
	res = callTool(t, cs, "list_tasks", map[string]any{"query": "groc", "priority": "high", "status": "pending", "due_from": "2030-03-01", "due_to": "2030-03-05", "limit": 10}, &list)
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, 1, list.Total)

	var upd struct {
		Task struct {
			Title string   `json:"title"`
			Due   string   `json:"due"`
			Tags  []string `json:"tags"`
		} `json:"task"`
	}
	res = callTool(t, cs, "update_task", map[string]any{"task_id": added.Task.ID, "title": "Buy food", "clear_due": true, "tags": []string{"shopping"}}, &upd)
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, "Buy food", upd.Task.Title)
	assert.Empty(t, upd.Task.Due)
	task, err = rest.GetTask(ctx, added.Task.ID)
	require.NoError(t, err)
	assert.Nil(t, task.DueAt)
	assert.Equal(t, []string{"shopping"}, task.Tags)

	var done struct {
		Task struct{ Completed bool } `json:"task"`
		Next *struct{ ID int64 }      `json:"next"`
	}
	res = callTool(t, cs, "complete_task", map[string]any{"task_id": sync.Task.ID}, &done)
	require.False(t, res.IsError, resultText(res))
	assert.True(t, done.Task.Completed)
	require.NotNil(t, done.Next, "weekly task gets a next occurrence")
	assert.Contains(t, resultText(res), "Next occurrence")
	res = callTool(t, cs, "complete_task", map[string]any{"task_id": sync.Task.ID, "completed": false}, &done)
	require.False(t, res.IsError)
	assert.False(t, done.Task.Completed)

	var tags struct {
		Tags []struct {
			Name      string `json:"name"`
			TaskCount int    `json:"task_count"`
		} `json:"tags"`
	}
	res = callTool(t, cs, "list_tags", nil, &tags)
	require.False(t, res.IsError)
	names := []string{}
	for _, g := range tags.Tags {
		names = append(names, g.Name)
	}
	assert.Contains(t, names, "shopping")

	var del struct {
		DeletedID int64 `json:"deleted_id"`
	}
	res = callTool(t, cs, "delete_task", map[string]any{"task_id": added.Task.ID}, &del)
	require.False(t, res.IsError)
	assert.Equal(t, added.Task.ID, del.DeletedID)
	_, err = rest.GetTask(ctx, added.Task.ID)
	assert.True(t, apierror.IsNotFound(err))

	var restored todomcp.TaskOutput
	res = callTool(t, cs, "restore_task", map[string]any{"task_id": added.Task.ID}, &restored)
	require.False(t, res.IsError, resultText(res))
	assert.Equal(t, added.Task.ID, restored.Task.ID, "undo brings back the same task")
	assert.Equal(t, []string{"shopping"}, restored.Task.Tags)
	res = callTool(t, cs, "restore_task", map[string]any{"task_id": added.Task.ID}, nil)
	assert.True(t, res.IsError, "nothing to restore")
}

func TestToolErrorsAreResultsAModelCanActOn(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "errs@example.com")
	cs := connect(t, b.URL, auth.Token)
	cases := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"complete_task", map[string]any{"task_id": 42}, "task 42 not found; call list_tasks to see ids"},
		{"delete_task", map[string]any{"task_id": 42}, "task 42 not found"},
		{"update_task", map[string]any{"task_id": 42, "title": "x"}, "task 42 not found"},
		{"add_task", map[string]any{"title": "   "}, "title is required"},
		{"add_task", map[string]any{"title": "x", "due": "next blursday"}, "due must be an RFC 3339 timestamp"},
		{"add_task", map[string]any{"title": "x", "priority": "urgent"}, "priority must be one of low, medium, high"},
		{"add_task", map[string]any{"title": "x", "user_id": "someone-else"}, "user_id does not match"},
		{"list_tasks", map[string]any{"status": "finished"}, "status must be one of"},
		{"update_task", map[string]any{"task_id": 1, "due": "2030-01-01", "clear_due": true}, "either due or clear_due"},
		{"add_task", map[string]any{}, "title"},
		// The input schema (no other properties) is checked before the
		// handler runs: a misspelt argument is not silently dropped.
		{"add_task", map[string]any{"title": "x", "colour": "red"}, `validating "arguments"`},
		{"list_tasks", map[string]any{"limit": "ten"}, `validating "arguments"`},
	}
	for _, tc := range cases {
		res := callTool(t, cs, tc.tool, tc.args, nil)
		assert.True(t, res.IsError, "%s %v", tc.tool, tc.args)
		assert.Contains(t, resultText(res), tc.want, "%s %v", tc.tool, tc.args)
	}
	var n int
	require.NoError(t, b.App.Store.DB.NewRaw("SELECT count(*) FROM tasks").Scan(context.Background(), &n))
	assert.Zero(t, n, "failed calls wrote nothing")
}

func TestUsersCannotReachEachOthersTasks(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	alice, aliceAuth := b.SignUp(t, "alice@example.com")
	_, bobAuth := b.SignUp(t, "bob@example.com")
	secret, err := alice.CreateTask(context.Background(), api.TaskInput{Title: "alice's secret", Tags: []string{"private"}})
	require.NoError(t, err)
	bob := connect(t, b.URL, bobAuth.Token)

	var list struct{ Total int }
	res := callTool(t, bob, "list_tasks", map[string]any{}, &list)
	require.False(t, res.IsError)
	assert.Zero(t, list.Total)
	assert.NotContains(t, resultText(res), "secret")
	var tags struct{ Tags []any }
	callTool(t, bob, "list_tags", nil, &tags)
	assert.Empty(t, tags.Tags)
	for _, call := range []struct {
		tool string
		args map[string]any
	}{
		{"complete_task", map[string]any{"task_id": secret.ID}},
		{"update_task", map[string]any{"task_id": secret.ID, "title": "pwned"}},
		{"delete_task", map[string]any{"task_id": secret.ID}},
		{"list_tasks", map[string]any{"user_id": aliceAuth.User.ID}},
		{"add_task", map[string]any{"title": "planted", "user_id": aliceAuth.User.ID}},
	} {
		res := callTool(t, bob, call.tool, call.args, nil)
		assert.True(t, res.IsError, call.tool)
	}
	after, err := alice.GetTask(context.Background(), secret.ID)
	require.NoError(t, err)
	assert.Equal(t, "alice's secret", after.Title)
	assert.False(t, after.Completed)
	all, err := alice.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	assert.Equal(t, 1, all.Total)
}

func TestMissingOrBadTokenGets401(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`
	for name, header := range map[string]string{"missing": "", "garbage": "Bearer nope", "basic": "Basic dXNlcjpwYXNz"} {
		req, _ := http.NewRequest(http.MethodPost, b.URL+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
		assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer", name)
	}
	// And the SDK client cannot even initialize.
	client := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	_, err := client.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint: b.URL + "/mcp", HTTPClient: &http.Client{Transport: bearer{"bad", http.DefaultTransport}}, MaxRetries: -1, DisableStandaloneSSE: true,
	}, nil)
	assert.Error(t, err)
}

// The Streamable HTTP transport's DNS rebinding rule: a browser Origin
// must be one of ours, whatever the token.
func TestOriginIsValidated(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg, func(c *config.Config) { c.MCPAllowedOrigins = []string{"vscode-webview://abc"} })
	_, me := b.SignUp(t, "origin@example.com")
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`
	status := func(origin, host string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, b.URL+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+me.Token)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	code, raw := status("http://evil.example", "evil.example")
	assert.Equal(t, http.StatusForbidden, code, "the conformance suite's rebinding case")
	assert.Contains(t, raw, `"code":"forbidden"`)
	code, _ = status("https://todo.example.net", "")
	assert.Equal(t, http.StatusForbidden, code)
	for _, ok := range []string{"", "http://localhost:3000", "HTTP://LOCALHOST:3000", "vscode-webview://abc", "http://127.0.0.1:6274"} {
		code, raw = status(ok, "")
		assert.Equal(t, http.StatusOK, code, "origin %q: %s", ok, raw)
	}
}

func TestProtocolErrorsGetJSONRPCCodes(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "rpc@example.com")
	post := func(body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, b.URL+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+auth.Token)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, out := post(`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`)
	assert.Equal(t, http.StatusOK, status)
	require.NotNil(t, out["error"], out)
	assert.EqualValues(t, -32602, out["error"].(map[string]any)["code"], "invalid params: unknown tool")

	status, _ = post(`{"jsonrpc":"2.0",`)
	assert.Equal(t, http.StatusBadRequest, status, "unparseable JSON-RPC")

	// The SDK refuses methods it does not know before dispatch, in stateless mode with a 400.
	status, _ = post(`{"jsonrpc":"2.0","id":7,"method":"no/such/method","params":{}}`)
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestCallsBeyondTheInFlightLimitWaitTheirTurn(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg, func(c *config.Config) { c.MCPMaxInFlight = 1 })
	_, auth := b.SignUp(t, "queue@example.com")
	cs := connect(t, b.URL, auth.Token)
	const n = 12
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "add_task", Arguments: map[string]any{"title": "queued"}})
			if err == nil && res.IsError {
				err = errors.New(resultText(res))
			}
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		require.NoError(t, <-errs, "queued, not rejected")
	}
	var count int
	require.NoError(t, b.App.Store.DB.NewRaw("SELECT count(*) FROM tasks").Scan(context.Background(), &count))
	assert.Equal(t, n, count)
}

// Reminders speak the same shape through the tools: add_task sets them,
// list_tasks shows them, update_task replaces or clears them, and a bad
// one is a tool error naming it.
func TestRemindersThroughTheTools(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "remind@example.com")
	cs := connect(t, b.URL, auth.Token)
	due := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
	var added todomcp.TaskOutput
	res := callTool(t, cs, "add_task", map[string]any{"title": "Call the bank", "due": due.Format(time.RFC3339),
		"reminders": []map[string]any{{"before_minutes": 60}, {"before_minutes": 1440, "at_time": "09:00"}}}, &added)
	require.False(t, res.IsError, resultText(res))
	require.Len(t, added.Task.Reminders, 2)
	assert.Equal(t, due.Add(-24*time.Hour).Format("2006-01-02")+"T09:00:00Z", added.Task.Reminders[0].FireAt, "the day before at 09:00 (UTC here)")
	assert.Equal(t, due.Add(-time.Hour).Format(time.RFC3339), added.Task.Reminders[1].FireAt)
	assert.Contains(t, resultText(res), "reminder "+added.Task.Reminders[0].FireAt)

	var list todomcp.ListTasksOutput
	callTool(t, cs, "list_tasks", map[string]any{}, &list)
	require.Len(t, list.Tasks, 1)
	assert.Equal(t, added.Task.Reminders, list.Tasks[0].Reminders)

	var upd todomcp.TaskOutput
	res = callTool(t, cs, "update_task", map[string]any{"task_id": added.Task.ID, "reminders": []map[string]any{}}, &upd)
	require.False(t, res.IsError, resultText(res))
	assert.Empty(t, upd.Task.Reminders, "an empty list removes them")

	res = callTool(t, cs, "add_task", map[string]any{"title": "No due", "reminders": []map[string]any{{"before_minutes": 10}}}, nil)
	assert.True(t, res.IsError)
	assert.Contains(t, resultText(res), "needs a due time")
}

// A plain tools/call (one request, a client past initialize: the
// Mcp-Protocol-Version header) is answered without the SDK's session
// machinery; the answer is the one the SDK gives the same call (sent
// without the header, it takes the SDK's path), success and error alike.
func TestPlainToolCallsAnswerAsTheSDKDoes(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ada, auth := b.SignUp(t, "plain@example.com")
	due := "2030-05-01"
	_, err := ada.CreateTask(context.Background(), api.TaskInput{Title: "Plan trip", DueAt: &due, Tags: []string{"travel"}, Priority: "high"})
	require.NoError(t, err)
	post := func(body string, plain bool) (int, map[string]any) {
		req, err := http.NewRequest(http.MethodPost, b.URL+"/mcp", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+auth.Token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if plain {
			req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, "application/json", strings.Split(resp.Header.Get("Content-Type"), ";")[0])
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	for _, call := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{"status":"pending"}}}`,
		`{"jsonrpc":"2.0","id":"two","method":"tools/call","params":{"name":"list_tags","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"complete_task","arguments":{"task_id":999}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"add_task","arguments":{"title":"x","colour":"red"}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"add_task","arguments":{"title":"  "}}}`,
		`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"list_tasks"}}`,
	} {
		plainStatus, plain := post(call, true)
		sdkStatus, sdk := post(call, false)
		assert.Equal(t, sdkStatus, plainStatus, call)
		assert.Equal(t, sdk, plain, call)
	}
}
