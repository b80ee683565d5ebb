package assistanttest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Moves to a project, subtasks, and a project made with its tasks
// (assistant's places.go).
func placeCases() []decisionCase {
	return []decisionCase{
		{"MovesToAProjectAndUnderATask", movesToAProjectAndUnderATask},
		{"AProjectMadeWithItsTasks", aProjectMadeWithItsTasks},
		{"PutAddsUnlessATaskIsCalledSo", putAddsUnlessATaskIsCalledSo},
	}
}

// projectNamed is the id of the person's project called name.
func (e *env) projectNamed(t *testing.T, name string) int64 {
	t.Helper()
	out, res, err := todomcp.Call(context.Background(), e.tools, todomcp.ListProjects, todomcp.ListProjectsInput{})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	for _, p := range out.Projects {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no project %q", name)
	return 0
}

func movesToAProjectAndUnderATask(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add project Health", nil)
	e.say(t, b, "add book the physio", nil)
	e.say(t, b, "add plan the trip", nil)
	e.say(t, b, "add renew the ferry pass", nil)

	e.say(t, b, "move book the physio to health", nil)
	assert.Equal(t, e.projectNamed(t, "Health"), e.only(t, "Book the physio").ProjectID)
	e.say(t, b, "put renew the ferry pass in a new project called Travel", nil)
	assert.Equal(t, e.projectNamed(t, "Travel"), e.only(t, "Renew the ferry pass").ProjectID)
	e.say(t, b, "make renew the ferry pass a subtask of plan the trip", nil)
	assert.Equal(t, e.only(t, "Plan the trip").ID, e.only(t, "Renew the ferry pass").ParentID)

	e.say(t, b, "add a subtask to plan the trip: pack the tent", nil)
	e.say(t, b, "under plan the trip add print the tickets", nil)
	e.say(t, b, "add 'buy sun cream' as a subtask of plan the trip", nil)
	trip := e.only(t, "Plan the trip").ID
	for _, title := range []string{"Pack the tent", "Print the tickets", "Buy sun cream"} {
		assert.Equal(t, trip, e.only(t, title).ParentID, title)
	}
	// "move X to friday" is still a date, not a project.
	e.say(t, b, "move book the physio to friday", nil)
	assert.Equal(t, "2030-06-07", e.day(t, e.only(t, "Book the physio")))
	assert.Len(t, e.tasks(t, "all"), 6, "no junk task on the way")
}

func aProjectMadeWithItsTasks(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "new project Allotment, add sow the beans on saturday to it", nil)
	beans := e.only(t, "Sow the beans")
	assert.Equal(t, e.projectNamed(t, "Allotment"), beans.ProjectID)
	assert.Equal(t, "2030-06-08", e.day(t, beans))
	e.say(t, b, "make a project called Attic with sort the boxes and sell the lamp", nil)
	for _, title := range []string{"Sort the boxes", "Sell the lamp"} {
		assert.Equal(t, e.projectNamed(t, "Attic"), e.only(t, title).ProjectID, title)
	}
	c := &conversation{e: e, b: b}
	reply := c.say(t, "add to allotment")
	assert.Contains(t, reply.Text, "What should I add?")
	c.say(t, "water the seedlings")
	assert.Equal(t, e.projectNamed(t, "Allotment"), e.only(t, "Water the seedlings").ProjectID)
	assert.Len(t, e.tasks(t, "all"), 4)
	reply, _ = e.say(t, b, "whats in my attic", nil)
	assert.Contains(t, reply.Text, "Sell the lamp", "“my” is no tag: the project")
}

// "put" adds, unless a task is called exactly that; "under" a project's
// name is that project; a project is made only when named as one.
func putAddsUnlessATaskIsCalledSo(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add project Shopping", nil)
	e.say(t, b, "add go shopping", nil)
	e.say(t, b, "add make bread pudding", nil)
	e.say(t, b, "add plan the party", nil)
	e.say(t, b, "add email alex", nil)

	e.say(t, b, "put bread in shopping", nil)
	assert.Equal(t, e.projectNamed(t, "Inbox"), e.only(t, "Make bread pudding").ProjectID, "not moved by part of its title")
	assert.Equal(t, e.projectNamed(t, "Shopping"), e.only(t, "Bread").ProjectID)
	e.say(t, b, "put milk under shopping", nil)
	assert.Equal(t, e.projectNamed(t, "Shopping"), e.only(t, "Milk").ProjectID)
	assert.Zero(t, e.only(t, "Milk").ParentID, "the project, not the task “Go shopping”")
	e.say(t, b, "put email alex under plan the party", nil)
	assert.Equal(t, e.only(t, "Plan the party").ID, e.only(t, "Email alex").ParentID, "moved, not a second “Email alex”")
	e.say(t, b, "under plan the party, add éclairs for everyone", nil)
	assert.Equal(t, e.only(t, "Plan the party").ID, e.only(t, "Éclairs for everyone").ParentID, "capitalised by letter, not byte")
	reply, _ := e.say(t, b, "delete the shopping project", nil)
	assert.Contains(t, reply.Text, "Milk", "what the project holds is listed")
	assert.Contains(t, reply.Text, "can't delete a project from the chat yet")
	e.say(t, b, "start project kickoff with the team on monday", nil)
	for _, x := range e.tasks(t, "all") {
		assert.NotEqual(t, "The team", x.Title)
	}
	assert.Len(t, e.tasks(t, "all"), 7)
}
