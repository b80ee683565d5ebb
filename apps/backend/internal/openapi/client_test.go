package openapi_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/google/uuid"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/openapi"
	"github.com/todo-app/todo-app/apps/backend/internal/openapi/genclient"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/testkit/icalcheck"
)

const generatedClient = "genclient/client.gen.go"

// The client oapi-codegen generates from the document today is the one
// committed (UPDATE_OPENAPI=1 rewrites it).
func TestGeneratedClientIsCurrent(t *testing.T) {
	doc, err := openapi.Build()
	require.NoError(t, err)
	code, err := codegen.Generate(doc, codegen.Configuration{PackageName: "genclient",
		Generate: codegen.GenerateOptions{Client: true, Models: true}}.UpdateDefaults())
	require.NoError(t, err)
	if os.Getenv("UPDATE_OPENAPI") != "" {
		require.NoError(t, os.WriteFile(generatedClient, []byte(code), 0o644))
		return
	}
	got, err := os.ReadFile(generatedClient)
	require.NoError(t, err)
	assert.True(t, bytes.Equal([]byte(code), got), "%s is stale: run UPDATE_OPENAPI=1 go test ./apps/backend/internal/openapi/", generatedClient)
}

// The generated client does a day's calls against a real backend.
func TestGeneratedClientWorks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	anon, err := genclient.NewClientWithResponses(b.URL)
	require.NoError(t, err)

	up, err := anon.SignUpWithResponse(ctx, genclient.SignUpRequest{Email: "gen@example.com", Password: "correct horse battery"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, up.StatusCode(), string(up.Body))
	in, err := anon.SignInWithResponse(ctx, genclient.SignInRequest{Email: "gen@example.com", Password: "correct horse battery"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, in.StatusCode(), string(in.Body))
	user, token := uuid.MustParse(in.JSON200.User.Id), in.JSON200.Token

	c, err := genclient.NewClientWithResponses(b.URL, genclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	require.NoError(t, err)
	priority, tags := genclient.TaskInputPriority("high"), []string{"gen"}
	key := "gen-create-1"
	input := genclient.TaskInput{Title: "Generated task", Priority: &priority, Tags: &tags}
	created, err := c.CreateTaskWithResponse(ctx, user, &genclient.CreateTaskParams{IdempotencyKey: &key}, input)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	task := created.JSON201
	// Sent again with its key: the same task, made once.
	again, err := c.CreateTaskWithResponse(ctx, user, &genclient.CreateTaskParams{IdempotencyKey: &key}, input)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, again.StatusCode(), string(again.Body))
	assert.Equal(t, task.Id, again.JSON201.Id)
	assert.Equal(t, "true", again.HTTPResponse.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, "Generated task", task.Title)
	assert.Equal(t, []string{"gen"}, task.Tags)

	status := genclient.ListTasksParamsStatus("pending")
	listed, err := c.ListTasksWithResponse(ctx, user, &genclient.ListTasksParams{Status: &status, Tag: &tags})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, listed.StatusCode(), string(listed.Body))
	require.Len(t, listed.JSON200.Tasks, 1)
	assert.Equal(t, task.Id, listed.JSON200.Tasks[0].Id)

	done, err := c.CompleteTaskWithResponse(ctx, user, task.Id, nil, genclient.CompleteRequest{})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, done.StatusCode(), string(done.Body))
	assert.True(t, done.JSON200.Task.Completed)

	gone, err := c.DeleteTaskWithResponse(ctx, user, task.Id, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, gone.StatusCode())
	// The calendar feed by its token: a UUID-typed parameter before, so
	// the generated client could not send a real token at all.
	feed, err := c.EnableCalendarFeedWithResponse(ctx, user, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, feed.StatusCode(), string(feed.Body))
	require.NotNil(t, feed.JSON200.Token)
	for _, token := range []string{*feed.JSON200.Token, *feed.JSON200.Token + ".ics"} {
		ics, err := anon.CalendarICSWithResponse(ctx, token)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, ics.StatusCode(), string(ics.Body))
		_, err = icalcheck.Check(ics.Body)
		require.NoError(t, err, "%s", ics.Body)
	}

	missing, err := c.GetTaskWithResponse(ctx, user, task.Id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, missing.StatusCode())
	require.NotNil(t, missing.JSON404, "errors decode as the envelope")
	assert.Equal(t, "not_found", missing.JSON404.Error.Code)
}
