package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// An all-day task on the wire, as any HTTP client sees it: due_date is the
// day, in every zone the person moves to; due_at is the end of that day in
// their zone of the moment (deprecated to read); bad dues are 422 in the
// envelope, naming the field, with nothing written.
func TestAllDayTaskOnTheWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "ny@example.com", Password: "correct horse battery", TimeZone: "America/New_York"})
	require.NoError(t, err)
	c := b.Client.WithAuth(res)

	send := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, b.URL+path, bytes.NewBufferString(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+res.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	tasks := "/api/" + res.User.ID + "/tasks"
	status, task := send(http.MethodPost, tasks, `{"title":"pay phone bill","due_date":"2026-12-08"}`)
	require.Equal(t, http.StatusCreated, status, "%v", task)
	assert.Equal(t, "2026-12-08", task["due_date"])
	assert.Equal(t, "2026-12-09T04:59:59Z", task["due_at"])
	id := int64(task["id"].(float64))

	// The person moves to Berlin: the day stays, its end follows them.
	_, err = c.SetPreferences(ctx, api.Preferences{TimeZone: ptr("Europe/Berlin")})
	require.NoError(t, err)
	got, err := c.GetTask(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "2026-12-08", got.DueDate.String())
	assert.Equal(t, "2026-12-08T22:59:59Z", got.DueAt.UTC().Format("2006-01-02T15:04:05Z"))

	for _, bad := range []struct{ body, field string }{
		{`{"title":"x","due_date":"2026-02-30"}`, "due_date"},
		{`{"title":"x","due_at":"09:00"}`, "due_at"},
		{`{"title":"x","due_date":"2026-12-08","due_at":"2026-12-08T09:00:00Z"}`, "due_date"},
		{`{"title":"x","due_date":"2026-12-08","reminders":[{"before_minutes":30}]}`, "reminders[0]"},
	} {
		status, body := send(http.MethodPost, tasks, bad.body)
		assert.Equal(t, http.StatusUnprocessableEntity, status, bad.body)
		raw, _ := json.Marshal(body)
		var env apierror.Envelope
		require.NoError(t, json.Unmarshal(raw, &env), bad.body)
		assert.Equal(t, "validation_failed", env.Error.Code, bad.body)
		assert.NotEmpty(t, env.Error.Fields[bad.field], "%s names %s: %s", bad.body, bad.field, raw)
	}
	status, body := send(http.MethodPatch, "/api/auth/me", `{"time_zone":"Mars/Olympus"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body["error"].(map[string]any)["fields"], "time_zone")
	list, err := c.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Len(t, list.Tasks, 1, "nothing written by the refused requests")
}
