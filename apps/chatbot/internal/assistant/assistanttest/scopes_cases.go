package assistanttest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
)

// Projects and tags as scopes (assistant's scopes.go): listed by their
// name in everyday words; a change to all of one is listed and asked.
func scopeCases() []decisionCase {
	return []decisionCase{
		{"AProjectOrTagNamedIsAList", aProjectOrTagNamedIsAList},
		{"AChangeToAllOfAScopeAsksFirst", aChangeToAllOfAScopeAsksFirst},
		{"DeletingAllTakesSubtasksWithTheirParent", deletingAllTakesSubtasksWithTheirParent},
	}
}

func aProjectOrTagNamedIsAList(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add project Garden", nil)
	e.say(t, b, "add prune the roses to Garden", nil)
	e.say(t, b, "add order seeds #garden", nil)
	e.say(t, b, "add renew the car tax #errands", nil)
	e.say(t, b, "add fix the fence", nil)

	reply, _ := e.say(t, b, "my garden things pls", nil)
	assert.Equal(t, "list", reply.Intent)
	assert.Contains(t, reply.Text, "Prune the roses", "the project, before the tag of the same name")
	assert.NotContains(t, reply.Text, "Renew the car tax")
	reply, _ = e.say(t, b, "errands stuff?", nil)
	assert.Contains(t, reply.Text, "Renew the car tax")
	assert.NotContains(t, reply.Text, "Prune the roses")
	e.say(t, b, "add return the library books friday", nil)
	reply, _ = e.say(t, b, "friday?", nil)
	assert.Equal(t, "list", reply.Intent)
	assert.Contains(t, reply.Text, "Return the library books", "a day alone, asked: what is on it")
	assert.NotContains(t, reply.Text, "Fix the fence")
	reply, _ = e.say(t, b, "which tasks have no date?", nil)
	assert.Contains(t, reply.Text, "Fix the fence")
	assert.Len(t, e.tasks(t, "all"), 5, "nothing added by a list")
}

func aChangeToAllOfAScopeAsksFirst(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add write the minutes #board", nil)
	e.say(t, b, "add book the venue #board", nil)
	e.say(t, b, "add walk the dog tomorrow", nil)
	e.say(t, b, "add water the lawn tomorrow", nil)

	c := &conversation{e: e, b: b}
	reply := c.say(t, "delete all board tasks")
	assert.Contains(t, reply.Text, "Delete these 2 tasks?")
	assert.Len(t, e.tasks(t, "all"), 4, "nothing deleted before the yes")
	c.say(t, "yes")
	assert.Len(t, e.tasks(t, "all"), 2)

	c = &conversation{e: e, b: b}
	reply = c.say(t, "push everything due tomorrow to friday")
	assert.Contains(t, reply.Text, "Change these 2 tasks?")
	c.say(t, "ok")
	for _, x := range e.tasks(t, "") {
		require.Equal(t, "2030-06-07", e.day(t, x), x.Title)
	}
}

// "delete everything" with a task and its subtasks: each subtask goes with
// its parent (never "task not found" for it), and undo brings all back.
func deletingAllTakesSubtasksWithTheirParent(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add paint the shed", nil)
	e.say(t, b, "add a subtask to paint the shed: buy primer", nil)
	e.say(t, b, "add a subtask to buy primer: compare prices", nil)
	e.say(t, b, "add water the lawn", nil)
	c := &conversation{e: e, b: b}
	c.say(t, "delete everything")
	reply := c.say(t, "yes")
	assert.NotContains(t, reply.Text, "didn't work")
	assert.Empty(t, e.tasks(t, "all"))
	c.say(t, "undo")
	assert.Len(t, e.tasks(t, "all"), 4)
	assert.Equal(t, e.only(t, "Buy primer").ID, e.only(t, "Compare prices").ParentID)
}
