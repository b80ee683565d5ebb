package rest_test

// The outside probe's edge-input findings (security issue, items 2, 3, 8,
// 9, 11), each reproduced as it was reported.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

func TestNULBytesAre422WithTheFieldNamed(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, me := b.SignUp(t, "nul@example.com")
	tasks := fmt.Sprintf("%s/api/%s/tasks", b.URL, me.User.ID)

	for _, c := range []struct {
		name, method, url, token, body, field string
	}{
		{"sign-in email, unauthenticated", http.MethodPost, b.URL + "/api/auth/sign-in", "", `{"email":"a\u0000@example.com","password":"x"}`, "email"},
		{"sign-up name", http.MethodPost, b.URL + "/api/auth/sign-up", "", `{"email":"n2@example.com","name":"E\u0000ve","password":"correct horse battery"}`, "name"},
		{"task title", http.MethodPost, tasks, me.Token, `{"title":"Pay\u0000rent"}`, "title"},
		{"task description", http.MethodPost, tasks, me.Token, `{"title":"Pay rent","description":"x\u0000"}`, "description"},
		{"a tag", http.MethodPost, tasks, me.Token, `{"title":"Pay rent","tags":["ok","b\u0000d"]}`, "tags[1]"},
		{"search", http.MethodGet, tasks + "?q=a%00b", me.Token, "", "q"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := jsonCall(t, c.method, c.url, c.token, c.body)
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
			assert.Equal(t, "validation_failed", r.errCode())
			assert.Contains(t, r.errFields(), c.field, r.Raw)
		})
	}
	list := jsonCall(t, http.MethodGet, tasks, me.Token, "")
	assert.EqualValues(t, 0, list.Body["total"], "nothing was written")
}

func TestDisplayNamesWithLineBreaksAreRefused(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	r := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-up", "", `{"email":"eve@example.com","name":"Eve\r\nSet-Cookie: evil=1","password":"correct horse battery"}`)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	assert.Contains(t, r.errFields()["name"], "line breaks")
	r = jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-up", "", `{"email":"zoe@example.com","name":"Zoë Ünal 山田","password":"correct horse battery"}`)
	assert.Equal(t, http.StatusCreated, r.Status, "names in any script are fine: %s", r.Raw)
}

func TestDatesPastTheYear9999AreRefusedAndSeriesEnd(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, me := b.SignUp(t, "y10k@example.com")
	ctx := context.Background()
	tasks := fmt.Sprintf("%s/api/%s/tasks", b.URL, me.User.ID)

	// The probe's case: the year check ran before the conversion to UTC.
	r := jsonCall(t, http.MethodPost, tasks, me.Token, `{"title":"Far west","due_at":"9999-12-31T23:59:59-23:59"}`)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	assert.Contains(t, r.errFields()["due_at"], "9999")

	// A yearly task due on the last day: completing it ends the series
	// instead of storing the year 10000.
	task, err := c.CreateTask(ctx, api.TaskInput{Title: "Last one", DueAt: ptr("9999-12-31T12:00:00Z"), Recurrence: "yearly"})
	require.NoError(t, err)
	res, err := c.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	assert.Nil(t, res.Next, "no occurrence past 9999")
	list, err := c.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err, "the list still renders")
	assert.Equal(t, 1, list.Total)
}

// The migration turns rows stored before the fix into readable ones, and
// the database refuses new ones whatever the code does.
func TestStoredYear10000IsRepairedAndRefused(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, _ := b.SignUp(t, "repair@example.com")
	ctx := context.Background()
	task, err := c.CreateTask(ctx, api.TaskInput{Title: "Edge"})
	require.NoError(t, err)
	_, err = b.App.Store.DB.ExecContext(ctx, "UPDATE tasks SET due_at = '10000-01-01 00:00:00+00' WHERE id = ?", task.ID)
	require.Error(t, err, "the CHECK constraint refuses the year 10000")
	assert.Contains(t, err.Error(), "tasks_due_at_year_check")
}

func TestTokenForAnUnknownUserIs401Everywhere(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ghost := uuid.NewString()
	tok, _, err := b.App.Tokens.Issue(auth.Claims{UserID: ghost, SessionID: uuid.NewString()})
	require.NoError(t, err)
	base := fmt.Sprintf("%s/api/%s", b.URL, ghost)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/tasks", `{"title":"x"}`},
		{http.MethodGet, "/tasks", ""},
		{http.MethodPost, "/conversations", `{}`},
		{http.MethodGet, "/tags", ""},
	} {
		r := jsonCall(t, c.method, base+c.path, tok, c.body)
		assert.Equal(t, http.StatusUnauthorized, r.Status, "%s %s: %s", c.method, c.path, r.Raw)
		assert.Equal(t, "unauthorized", r.errCode())
	}
	r := call(t, http.MethodPost, b.URL+"/mcp", tok, "application/json", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	assert.Equal(t, http.StatusUnauthorized, r.Status, r.Raw)
}

// The database stops under a running backend: every request gets the
// documented 503 envelope with Retry-After, never a 500 or a hang.
func TestDatabaseDownIs503WithRetryAfter(t *testing.T) {
	t.Parallel()
	own, err := pgtest.Start(context.Background(), pgtest.Options{})
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = own.Stop()
		}
	})
	dsn, err := own.CreateNamedDatabase(context.Background(), "down")
	require.NoError(t, err)
	cfg := testenv.Config(dsn)
	cfg.MigrateOnStart = true
	b := testenv.StartWith(t, cfg)
	c, me := b.SignUp(t, "down@example.com")
	_, err = c.CreateTask(context.Background(), api.TaskInput{Title: "Before"})
	require.NoError(t, err)

	require.NoError(t, own.Stop())
	stopped = true
	tasks := fmt.Sprintf("%s/api/%s/tasks", b.URL, me.User.ID)
	for _, req := range []struct{ method, body string }{{http.MethodPost, `{"title":"During"}`}, {http.MethodGet, ""}} {
		start := time.Now()
		r := jsonCall(t, req.method, tasks, me.Token, req.body)
		assert.Equal(t, http.StatusServiceUnavailable, r.Status, "%s: %s", req.method, r.Raw)
		assert.Equal(t, "unavailable", r.errCode())
		assert.Equal(t, "5", r.Header.Get("Retry-After"))
		assert.Less(t, time.Since(start), 10*time.Second, "answered, not hung")
	}
	r := jsonCall(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", `{"email":"down@example.com","password":"correct horse battery"}`)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.Raw)
	// The MCP door too: the session cannot be checked, so the client hears
	// "try again" (and keeps its token), not "signed out".
	r = call(t, http.MethodPost, b.URL+"/mcp", me.Token, "application/json",
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}`)
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, r.Raw)
	assert.Equal(t, "unavailable", r.errCode())
	assert.Equal(t, "5", r.Header.Get("Retry-After"))
}

// The admission wiring on the REST door: each user has a request budget
// (httpserver's tests show the fair share and the bounded wait).
func TestEachUserHasARequestBudget(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg, func(c *config.Config) { c.UserRate, c.UserBurst = 1, 3 })
	_, eve := b.SignUp(t, "eve@example.com")
	_, bob := b.SignUp(t, "bob@example.com")
	list := func(who api.AuthResponse) response {
		return jsonCall(t, http.MethodGet, fmt.Sprintf("%s/api/%s/tasks", b.URL, who.User.ID), who.Token, "")
	}
	for i := 0; i < 3; i++ {
		require.Equal(t, http.StatusOK, list(eve).Status)
	}
	r := list(eve)
	assert.Equal(t, http.StatusTooManyRequests, r.Status, r.Raw)
	assert.Equal(t, "rate_limited", r.errCode())
	assert.NotEmpty(t, r.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, list(bob).Status, "another user's budget is untouched")
}
