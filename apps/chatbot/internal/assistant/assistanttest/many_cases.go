package assistanttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Several tasks in one message (assistant's many.go, intent's many.go):
// each with its own date and project, one reply listing them, one undo
// removing them all; nothing added when a part is no task.
func manyCases() []decisionCase {
	return []decisionCase{
		{"SeveralTasksInOneMessageAndOneUndo", severalTasksAndOneUndo},
		{"SeveralTasksAddNothingWhenAPartIsNoTask", severalTasksAddNothingWhenAPartIsNoTask},
		{"AndInsideATaskStaysOneTask", andInsideATaskStaysOneTask},
	}
}

// projectIDs are the account's projects by name.
func (e *env) projectIDs(t *testing.T) map[string]int64 {
	t.Helper()
	out, res, err := todomcp.Call(context.Background(), e.tools, todomcp.ListProjects, todomcp.ListProjectsInput{})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	ids := map[string]int64{}
	for _, p := range out.Projects {
		ids[p.Name] = p.ID
	}
	return ids
}

func severalTasksAndOneUndo(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add project Groceries")
	c.say(t, "add project Party")
	groceries, party := e.projectIDs(t)["Groceries"], e.projectIDs(t)["Party"]
	require.NotZero(t, groceries)

	reply := c.say(t, "add to groceries: apples, rice and olive oil")
	assert.Len(t, reply.Cards, 3, "one card per task, in one reply")
	assert.Contains(t, reply.Text, "Added 3 tasks")
	for _, title := range []string{"Apples", "Rice", "Olive oil"} {
		assert.Equal(t, groceries, e.only(t, title).ProjectID, title)
	}

	// Each its own date; a time alone takes the day before it.
	c.say(t, "call the plumber tomorrow and pay the nanny on saturday")
	assert.Equal(t, "2030-06-06", e.day(t, e.only(t, "Call the plumber")))
	assert.Equal(t, "2030-06-08", e.day(t, e.only(t, "Pay the nanny")))
	c.say(t, "friday 9am dentist, then at 5pm haircut")
	assert.Equal(t, time.Date(2030, 6, 7, 9, 0, 0, 0, e.loc), e.due(t, e.only(t, "Dentist")))
	assert.Equal(t, time.Date(2030, 6, 7, 17, 0, 0, 0, e.loc), e.due(t, e.only(t, "Haircut")))
	c.say(t, "clean the oven (thursday), sort the recycling (sunday) #home")
	assert.Equal(t, "2030-06-06", e.day(t, e.only(t, "Clean the oven")))
	assert.Equal(t, []string{"home"}, e.only(t, "Sort the recycling").Tags)
	c.say(t, "put order a cake and buy candles in party")
	assert.Equal(t, party, e.only(t, "Order a cake").ProjectID)
	assert.Equal(t, party, e.only(t, "Buy candles").ProjectID)
	c.say(t, "add 'send invites' and 'book a room' to Party, both for monday")
	assert.Equal(t, party, e.only(t, "Send invites").ProjectID, "a place after the last task is all of theirs")
	assert.Equal(t, "2030-06-10", e.day(t, e.only(t, "Book a room")))

	before := len(e.tasks(t, ""))
	reply = c.say(t, "1. renew passport\n2. buy a plug adapter\n3. print boarding passes")
	assert.Len(t, reply.Cards, 3)
	assert.Len(t, e.tasks(t, ""), before+3)
	reply = c.say(t, "undo")
	assert.Len(t, reply.Cards, 3, "one undo takes back every task of the message")
	assert.Len(t, e.tasks(t, ""), before)
	for _, x := range e.tasks(t, "") {
		assert.NotContains(t, []string{"Renew passport", "Buy a plug adapter", "Print boarding passes"}, x.Title)
	}
}

func severalTasksAddNothingWhenAPartIsNoTask(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add gym session friday")
	for _, said := range []string{
		"add these tasks: feed the cat, high priority",                           // a part that is no task
		"add two tasks: wash windows, buy bread, call Tim",                       // three, not two
		"add these: buy bread, , call Tim",                                       // an empty part
		"1. buy bread 2. delete the old list",                                    // a command in a list
		"put order a cake and buy candles in Nowhere",                            // no such project
		"add buy new shoes, cancel the gym session",                              // a change to a task
		"call the bank tomorrow\nrenew the visa friday, remind me 1 hour before", // no time to remind before
	} {
		reply := c.say(t, said)
		assert.Contains(t, reply.Text, "added n", said)
		assert.Len(t, e.tasks(t, "all"), 1, "nothing added for %q", said)
	}
}

func andInsideATaskStaysOneTask(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "buy salt and pepper tomorrow")
	c.say(t, "add call Anna and Ben on friday")
	c.say(t, "add call Nora, Tim and Eve")
	var titles []string
	for _, x := range e.tasks(t, "") {
		titles = append(titles, x.Title)
	}
	assert.ElementsMatch(t, []string{"Buy salt and pepper", "Call Anna and Ben", "Call Nora, Tim and Eve"}, titles)
}
