package chat_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
)

// TestBrowserChat: sign in, type a task in plain words, see the card,
// find the task through the API and in the web app (one sign-in serves
// both), reload and see the history.
func TestBrowserChat(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	ctx := browsertest.New(t)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.chatbot.URL+"/signup"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
	))
	browsertest.CheckA11y(t, ctx, "chatbot sign up")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#name", "Alex", chromedp.ByQuery),
		chromedp.SendKeys("#email", "alex@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("#message", chromedp.ByQuery),
	))
	browsertest.CheckA11y(t, ctx, "chat")

	var card string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#message", "Add task tomorrow: Buy groceries\n", chromedp.ByQuery), // Enter sends
		chromedp.WaitVisible(".msg.assistant .tool-card", chromedp.ByQuery),
		chromedp.Text(".msg.assistant .tool-card", &card, chromedp.ByQuery),
	))
	assert.Contains(t, card, "Added:")
	assert.Contains(t, card, "Buy groceries")
	assert.Contains(t, card, "due tomorrow")
	var bubble string
	require.NoError(t, chromedp.Run(ctx, chromedp.Poll(`!document.querySelector(".msg.assistant .bubble").classList.contains("typing")`, nil),
		chromedp.Text(".msg.assistant .bubble", &bubble, chromedp.ByQuery)))
	assert.Contains(t, bubble, "Added “Buy groceries”")
	var sidebar string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text("#convs .current", &sidebar, chromedp.ByQuery)))
	assert.Contains(t, sidebar, "Add task tomorrow: Buy groceries", "the new conversation appears in the sidebar at once")

	// Through the backend API: due tomorrow in the browser's zone (UTC here).
	c := client.New(s.backend.URL, nil)
	res, err := c.SignIn(context.Background(), api.SignInRequest{Email: "alex@example.com", Password: "correct horse"})
	require.NoError(t, err)
	list, err := c.WithAuth(res).ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Equal(t, 1, list.Total)
	assert.Equal(t, "Buy groceries", list.Tasks[0].Title)
	assert.Equal(t, time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly), list.Tasks[0].DueAt.UTC().Format(time.DateOnly))

	// Reload: the conversation and its card are still there.
	var loc string
	require.NoError(t, chromedp.Run(ctx, chromedp.Location(&loc)))
	assert.Contains(t, loc, "/?c=")
	require.NoError(t, chromedp.Run(ctx, chromedp.Reload(), chromedp.WaitVisible(".msg.user", chromedp.ByQuery)))
	text := browsertest.BodyText(t, ctx)
	assert.Contains(t, text, "Add task tomorrow: Buy groceries")
	assert.Contains(t, text, "Added “Buy groceries”")
	assert.Contains(t, text, "Add task tomorrow: Buy groceries", "the conversation is titled in the sidebar")

	// A second message, then screenshots in light and dark.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#message", "remind me to call mom on Friday at 5pm, high priority #family\n", chromedp.ByQuery),
		chromedp.WaitVisible(".msg.assistant:nth-of-type(4) .tool-card", chromedp.ByQuery),
		chromedp.SendKeys("#message", "what's due this week?\n", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll(".msg.assistant").length === 3 && !document.querySelector(".typing")`, nil),
	))
	for _, scheme := range []string{"light", "dark"} {
		require.NoError(t, chromedp.Run(ctx, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}})))
		browsertest.Screenshot(t, ctx, "chatbot-"+scheme)
	}

	// Delete by part of a title: it asks; yes deletes; undo brings the
	// same task back (the web app below still lists it, tags and all).
	turn := func(msg string, n int) string {
		require.NoError(t, chromedp.Run(ctx,
			chromedp.SendKeys("#message", msg+"\n", chromedp.ByQuery),
			chromedp.Poll(fmt.Sprintf(`document.querySelectorAll(".msg.assistant").length === %d && !document.querySelector(".typing")`, n), nil),
		))
		var last string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll(".msg.assistant")].pop().innerText`, &last)))
		return last
	}
	assert.Contains(t, turn("delete mom", 4), "Delete “Call mom”", "asks first")
	last := turn("yes", 5)
	assert.Contains(t, last, "Deleted")
	assert.Contains(t, last, "Say “undo” to bring it back.")
	// The reply that deleted it offers Undo: clicking it is saying "undo".
	// (It appears when the answer's stream has ended, just after its words.)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Poll(`[...document.querySelectorAll(".msg.assistant")].pop().querySelector(".undo-form button") !== null`, nil),
		chromedp.Evaluate(`[...document.querySelectorAll(".msg.assistant")].pop().querySelector(".undo-form button").click()`, nil),
		chromedp.Poll(`document.querySelectorAll(".msg.assistant").length === 6 && !document.querySelector(".typing")`, nil),
	))
	var undone string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll(".msg.assistant")].pop().innerText`, &undone)))
	assert.Contains(t, undone, "Undone: restored “Call mom”")
	var undoButtons int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll(".undo-form").length`, &undoButtons)))
	assert.Equal(t, 1, undoButtons, "only the last change offers Undo")
	// Without the page script the button is a form that posts "undo".
	require.NoError(t, chromedp.Run(ctx, chromedp.Reload(), chromedp.WaitVisible(".undo-form", chromedp.ByQuery)))
	var field string
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector(".undo-form input[name=message]").value`, &field)))
	assert.Equal(t, "undo", field)

	// The same sign-in opens the web app, where the task is listed.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.web.URL+"/tasks"),
		chromedp.WaitVisible(".tasks", chromedp.ByQuery),
	))
	web := browsertest.BodyText(t, ctx)
	assert.Contains(t, web, "Buy groceries")
	assert.Contains(t, web, "Call mom")
	assert.True(t, strings.Contains(web, "#family"))
}
