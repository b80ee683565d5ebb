package assistant_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/api"
)

func TestBuiltinManagesTasks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := &assistant.Builtin{WebURL: "http://web.example"}
	local := func(tt *time.Time) time.Time { return tt.In(e.loc) }

	reply, events := e.say(t, b, "Add task tomorrow: Buy groceries", nil)
	require.Len(t, reply.Cards, 1)
	assert.Equal(t, "Added", reply.Cards[0].Action)
	assert.Equal(t, "Buy groceries", reply.Cards[0].Title)
	assert.Equal(t, "due tomorrow", reply.Cards[0].Detail)
	assert.Contains(t, reply.Cards[0].URL, "http://web.example/tasks/")
	assert.Contains(t, reply.Text, "Added “Buy groceries”")
	assert.Equal(t, "card", events[0].Type, "the card streams before the words")
	g := e.only(t, "Buy groceries")
	require.NotNil(t, g.DueAt)
	assert.Equal(t, "2030-06-06", local(g.DueAt).Format(time.DateOnly))

	e.say(t, b, "remind me to call mom on Friday at 5pm, high priority #family", nil)
	m := e.only(t, "Call mom")
	assert.Equal(t, time.Date(2030, 6, 7, 17, 0, 0, 0, e.loc), local(m.DueAt))
	assert.Equal(t, "high", m.Priority)
	assert.Equal(t, []string{"family"}, m.Tags)

	e.say(t, b, "every Monday: team sync", nil)
	s := e.only(t, "Team sync")
	assert.Equal(t, "weekly", s.Recurrence)
	assert.Equal(t, time.Monday, local(s.DueAt).Weekday())

	reply, _ = e.say(t, b, "what's due this week?", nil)
	assert.Contains(t, reply.Text, "You have 2 open tasks")
	assert.Contains(t, reply.Text, "Buy groceries — due tomorrow")
	assert.Contains(t, reply.Text, "Call mom — due Friday at 17:00, high priority, #family")
	assert.NotContains(t, reply.Text, "Team sync", "next Monday is next week")

	reply, _ = e.say(t, b, "what's due on Sunday?", nil)
	assert.Contains(t, reply.Text, "due on Sun 9 Jun", "one day is one day")
	assert.NotContains(t, reply.Text, "between")

	reply, _ = e.say(t, b, "tasks tagged family", nil)
	assert.Contains(t, reply.Text, "Call mom")
	assert.NotContains(t, reply.Text, "groceries")

	reply, _ = e.say(t, b, "mark buy groceries done", nil)
	assert.Equal(t, "Completed", reply.Cards[0].Action)
	assert.True(t, e.only(t, "Buy groceries").Completed)

	reply, _ = e.say(t, b, "I finished the team sync", nil)
	require.Len(t, reply.Cards, 2, "completing a weekly task shows its next occurrence")
	assert.Equal(t, "Next", reply.Cards[1].Action)
	assert.Contains(t, reply.Text, "The next one is due")

	e.say(t, b, "move call mom to next Tuesday", nil)
	assert.Equal(t, "2030-06-11", local(e.only(t, "Call mom").DueAt).Format(time.DateOnly))
	e.say(t, b, "set priority of call mom to low", nil)
	assert.Equal(t, "low", e.only(t, "Call mom").Priority)
	e.say(t, b, "rename call mom to call mom and dad", nil)
	e.only(t, "Call mom and dad")

	reply, _ = e.say(t, b, "delete call mom and dad", nil)
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
	assert.Empty(t, reply.Cards[0].URL, "no link to a deleted task")
	for _, x := range e.tasks(t, api.TaskQuery{Status: "all"}) {
		assert.NotEqual(t, "Call mom and dad", x.Title)
	}

	reply, _ = e.say(t, b, "what's overdue?", nil)
	assert.Contains(t, reply.Text, "You have no overdue tasks")
	reply, _ = e.say(t, b, "complete the unicorn", nil)
	assert.Contains(t, reply.Text, "I couldn't find a task matching “unicorn”")
	assert.Empty(t, reply.Cards)
}

func TestBuiltinAsksWhichOneAndRemembersTheQuestion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := &assistant.Builtin{}
	e.say(t, b, "add buy milk", nil)
	e.say(t, b, "add buy bread", nil)

	reply, _ := e.say(t, b, "delete buy", nil)
	assert.Contains(t, reply.Text, "Several tasks match “buy”. Which one do you mean?")
	assert.Contains(t, reply.Text, "1. Buy")
	assert.Empty(t, reply.Cards, "nothing done yet")
	require.NotEmpty(t, reply.Pending)
	assert.Len(t, e.tasks(t, api.TaskQuery{}), 2)

	// The question lives in the stored conversation, not in the server.
	stored, _ := json.Marshal(assistant.Stored{Engine: b.Name(), Pending: reply.Pending})
	history := []api.Message{
		{Role: api.RoleUser, Content: "delete buy"},
		{Role: api.RoleAssistant, Content: reply.Text, ToolCalls: stored},
	}
	reply2, _ := e.say(t, b, "9", history)
	assert.Contains(t, reply2.Text, "Please answer with a number from 1 to 2")
	reply2, _ = e.say(t, b, "the second one", history)
	require.Len(t, reply2.Cards, 1)
	assert.Equal(t, "Deleted", reply2.Cards[0].Action)
	left := e.tasks(t, api.TaskQuery{})
	require.Len(t, left, 1)
	assert.NotEqual(t, reply2.Cards[0].Title, left[0].Title)
}

func TestBuiltinHelpAndNonsense(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := &assistant.Builtin{}
	reply, _ := e.say(t, b, "what can you do?", nil)
	assert.Contains(t, reply.Text, "Add task tomorrow: buy groceries")
	reply, _ = e.say(t, b, "purple elephants", nil)
	assert.Contains(t, reply.Text, "Should I add “Purple elephants” as a task?")
	reply, _ = e.say(t, b, "is it raining today?", nil)
	assert.Contains(t, reply.Text, "I didn't understand")
	assert.Empty(t, e.tasks(t, api.TaskQuery{Status: "all"}), "nothing was added by accident")
}
