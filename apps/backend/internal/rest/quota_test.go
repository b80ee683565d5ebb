package rest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// The quotas per person, on every path that writes: past one, 403
// quota_exceeded naming the setting, nothing written; a deleted task stops
// counting; completing a recurring task always makes its next occurrence;
// an import past the quota imports nothing; another person's room is
// theirs.
func TestQuotasPerPerson(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg, func(c *config.Config) {
		c.MaxTasks, c.MaxTags, c.MaxConversations, c.MaxMessages = 3, 2, 1, 2
	})
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")
	quota := func(err error, setting string) {
		t.Helper()
		e, ok := apierror.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, http.StatusForbidden, e.Status)
		assert.Equal(t, apierror.CodeQuotaExceeded, e.Code)
		assert.Contains(t, e.Message, setting)
	}

	first, err := ada.CreateTask(ctx, api.TaskInput{Title: "one", Tags: []string{"home", "work"}})
	require.NoError(t, err)
	series, err := ada.CreateTask(ctx, api.TaskInput{Title: "two", DueDate: ptr("2030-01-01"), Recurrence: "daily"})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "three"})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "four"})
	quota(err, "MAX_TASKS")
	_, err = bob.CreateTask(ctx, api.TaskInput{Title: "bob's"})
	require.NoError(t, err, "quotas are per person")

	// Completing a recurring task at the quota still makes its next one.
	res, err := ada.CompleteTask(ctx, series.ID, ptr(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)

	// A third tag, by a create or a patch: refused, the task unchanged.
	require.NoError(t, ada.DeleteTask(ctx, res.Next.ID))
	_, err = ada.PatchTask(ctx, first.ID, api.TaskPatch{Tags: &[]string{"home", "work", "errands"}})
	quota(err, "MAX_TAGS")
	got, err := ada.GetTask(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"home", "work"}, got.Tags)

	// An import past the quota imports nothing.
	doc := `{"kind":"todo-app-export","version":2,"tasks":[{"key":"k1","title":"a"},{"key":"k2","title":"b"}]}`
	_, err = ada.Import(ctx, api.FormatJSON, false, strings.NewReader(doc))
	quota(err, "MAX_TASKS")
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Equal(t, 3, list.Total, "nothing imported")

	// Deleted tasks stop counting at once.
	require.NoError(t, ada.DeleteTask(ctx, first.ID))
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "room again"})
	require.NoError(t, err)
	// A restore brings a task back into the count: refused at the quota.
	_, err = ada.RestoreTask(ctx, first.ID)
	quota(err, "MAX_TASKS")

	// Conversations and their messages.
	conv, err := ada.CreateConversation(ctx, api.ConversationInput{Title: "plans"})
	require.NoError(t, err)
	_, err = ada.CreateConversation(ctx, api.ConversationInput{Title: "more"})
	quota(err, "MAX_CONVERSATIONS")
	for range 2 {
		_, err = ada.AddMessage(ctx, conv.ID, api.MessageInput{Role: api.RoleUser, Content: "hi"})
		require.NoError(t, err)
	}
	_, err = ada.AddMessage(ctx, conv.ID, api.MessageInput{Role: api.RoleUser, Content: "one more"})
	quota(err, "MAX_MESSAGES")
}
