package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

func TestConversations(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, auth := b.SignUp(t, "chat@example.com")
	ctx := context.Background()

	first, err := c.CreateConversation(ctx, api.ConversationInput{})
	require.NoError(t, err)
	assert.Equal(t, "", first.Title)
	long := "Please add a task to buy groceries tomorrow and also remind me about the dentist appointment"
	m1, err := c.AddMessage(ctx, first.ID, api.MessageInput{Role: "user", Content: long})
	require.NoError(t, err)
	assert.Equal(t, "user", m1.Role)
	calls := json.RawMessage(`[{"name":"add_task","arguments":{"title":"Buy groceries"}}]`)
	m2, err := c.AddMessage(ctx, first.ID, api.MessageInput{Role: "assistant", Content: "", ToolCalls: calls})
	require.NoError(t, err, "assistant message with only tool calls")
	_, err = c.AddMessage(ctx, first.ID, api.MessageInput{Role: "user", Content: "second message does not rename"})
	require.NoError(t, err)

	detail, err := c.GetConversation(ctx, first.ID)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(detail.Title, "Please add a task to buy groceries"), detail.Title)
	assert.True(t, strings.HasSuffix(detail.Title, "…"))
	require.Len(t, detail.Messages, 3)
	assert.Equal(t, m1.ID, detail.Messages[0].ID, "oldest first")
	assert.JSONEq(t, string(calls), string(detail.Messages[1].ToolCalls))
	assert.Equal(t, m2.ID, detail.Messages[1].ID)

	second, err := c.CreateConversation(ctx, api.ConversationInput{Title: "Named"})
	require.NoError(t, err)
	list, err := c.ListConversations(ctx)
	require.NoError(t, err)
	require.Len(t, list.Conversations, 2)
	assert.Equal(t, second.ID, list.Conversations[0].ID, "most recent activity first")
	_, err = c.AddMessage(ctx, first.ID, api.MessageInput{Role: "user", Content: "bump"})
	require.NoError(t, err)
	list, err = c.ListConversations(ctx)
	require.NoError(t, err)
	assert.Equal(t, first.ID, list.Conversations[0].ID)

	msgs, err := c.ListMessages(ctx, first.ID)
	require.NoError(t, err)
	assert.Len(t, msgs.Messages, 4)

	base := fmt.Sprintf("%s/api/%s/conversations", b.URL, auth.User.ID)
	for body, field := range map[string]string{
		`{"role":"system","content":"x"}`:         "role",
		`{"content":"x"}`:                         "role",
		`{"role":"user","content":"   "}`:         "content",
		`{"role":"user","content":5}`:             "content",
		`{"role":"user","content":"x","extra":1}`: "extra",
	} {
		r := jsonCall(t, http.MethodPost, fmt.Sprintf("%s/%d/messages", base, first.ID), auth.Token, body)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, body)
		assert.Contains(t, r.errFields(), field, body)
	}
	r := jsonCall(t, http.MethodPost, base, auth.Token, `{"title":"`+strings.Repeat("t", 201)+`"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	r = jsonCall(t, http.MethodPost, base+"/999999/messages", auth.Token, `{"role":"user","content":"x"}`)
	assert.Equal(t, http.StatusNotFound, r.Status)

	require.NoError(t, c.DeleteConversation(ctx, first.ID))
	_, err = c.GetConversation(ctx, first.ID)
	assert.True(t, apierror.IsNotFound(err))
	_, err = c.ListMessages(ctx, first.ID)
	assert.True(t, apierror.IsNotFound(err))
	var n int
	require.NoError(t, b.App.Store.DB.NewRaw("SELECT count(*) FROM messages").Scan(ctx, &n))
	assert.Zero(t, n, "messages deleted with their conversation")
}
