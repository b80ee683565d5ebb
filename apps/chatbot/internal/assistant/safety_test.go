package assistant_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/api"
)

// conversation keeps the history the chat handler stores, turn by turn.
type conversation struct {
	e       *env
	b       assistant.Engine
	history []api.Message
}

func (c *conversation) say(t *testing.T, text string) assistant.Reply {
	t.Helper()
	reply, _ := c.e.say(t, c.b, text, c.history)
	stored, err := json.Marshal(assistant.Stored{Engine: c.b.Name(), Cards: reply.Cards, Pending: reply.Pending})
	require.NoError(t, err)
	c.history = append(c.history, api.Message{Role: api.RoleUser, Content: text},
		api.Message{Role: api.RoleAssistant, Content: reply.Text, ToolCalls: stored})
	return reply
}

// The security probe's case: "remove all" with a task titled "Call mom"
// deleted the task whose title contains "all". A bulk request lists what
// it would delete and waits for a yes; "no" keeps everything; "undo"
// brings everything back.
func TestBulkDeleteAsksFirstAndUndoRestores(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add call mom tomorrow #family")
	c.say(t, "add pay the bills on Friday")

	for _, phrase := range []string{"remove all", "delete everything", "delete all my tasks"} {
		reply := c.say(t, phrase)
		assert.Empty(t, reply.Cards, "%s: nothing done before a yes", phrase)
		assert.Contains(t, reply.Text, "Delete these 2 tasks?", phrase)
		assert.Contains(t, reply.Text, "Call mom", phrase)
		assert.Len(t, e.tasks(t, api.TaskQuery{}), 2, phrase)
	}
	reply := c.say(t, "no")
	assert.Contains(t, reply.Text, "left everything as it was")
	assert.Len(t, e.tasks(t, api.TaskQuery{}), 2)

	c.say(t, "remove all")
	reply = c.say(t, "yes")
	require.Len(t, reply.Cards, 2)
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
	assert.Contains(t, reply.Text, "Say “undo” to bring them back.")
	assert.Empty(t, e.tasks(t, api.TaskQuery{Status: "all"}))

	reply = c.say(t, "undo")
	require.Len(t, reply.Cards, 2)
	assert.Equal(t, "Restored", reply.Cards[0].Action)
	mom := e.only(t, "Call mom")
	assert.Equal(t, []string{"family"}, mom.Tags, "the same task, tags and all")
	assert.NotNil(t, mom.DueAt)

	// A yes with no question open is not a command.
	reply = c.say(t, "yes")
	assert.Empty(t, reply.Cards)
	assert.Len(t, e.tasks(t, api.TaskQuery{}), 2)
}

// A delete found by part of a title asks first; an exact title does not.
func TestDeleteByPartialMatchAsksFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add book dentist appointment next tuesday at 9am #health")

	reply := c.say(t, "delete dentist")
	assert.Empty(t, reply.Cards)
	assert.Contains(t, reply.Text, "Delete “Book dentist appointment”")
	assert.Contains(t, reply.Text, "#health")
	e.only(t, "Book dentist appointment")

	reply = c.say(t, "yes")
	require.Len(t, reply.Cards, 1)
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
	assert.Contains(t, reply.Text, "Say “undo” to bring it back.")
	assert.Empty(t, e.tasks(t, api.TaskQuery{Status: "all"}))

	reply = c.say(t, "undo")
	require.Len(t, reply.Cards, 1)
	back := e.only(t, "Book dentist appointment")
	assert.Equal(t, reply.Cards[0].TaskID, back.ID, "restored with its id")
	assert.Equal(t, []string{"health"}, back.Tags)
	require.NotNil(t, back.DueAt)
	assert.Equal(t, 9, back.DueAt.In(e.loc).Hour())

	reply = c.say(t, "delete book dentist appointment")
	require.Len(t, reply.Cards, 1, "named exactly: no question")
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
}

// Completing everything is a bulk change too; undo reopens.
func TestCompleteAllAsksFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add water plants tomorrow")
	c.say(t, "add call the bank tomorrow")
	reply := c.say(t, "complete all")
	assert.Contains(t, reply.Text, "Mark these 2 tasks as done?")
	assert.Len(t, e.tasks(t, api.TaskQuery{Status: "pending"}), 2)
	reply = c.say(t, "yes")
	assert.Len(t, reply.Cards, 2)
	assert.Empty(t, e.tasks(t, api.TaskQuery{Status: "pending"}))
	c.say(t, "undo")
	assert.Len(t, e.tasks(t, api.TaskQuery{Status: "pending"}), 2)
}
