package assistanttest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
)

// A task named with a typo is found (assistant's fuzzy.go): used when it
// is the only one the misspelt words fit, asked about when several do.
func typoCases() []decisionCase {
	return []decisionCase{
		{"ATypoFindsTheOneTaskItFits", aTypoFindsTheOneTask},
		{"ATypoFittingSeveralTasksAsksWhichOne", aTypoFittingSeveralAsks},
	}
}

func aTypoFindsTheOneTask(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add write the quarterly report", nil)
	e.say(t, b, "add book the dentist appointment", nil)
	e.say(t, b, "add pay the electricity bill", nil)

	reply, _ := e.say(t, b, "finish the quartely report", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "Completed", reply.Cards[0].Action)
	assert.True(t, e.only(t, "Write the quarterly report").Completed)

	c := &conversation{e: e, b: b}
	reply = c.say(t, "delete teh dentsit appointment")
	assert.Empty(t, reply.Cards, "found by a typo: a delete asks first")
	assert.Contains(t, reply.Text, "Delete “Book the dentist appointment”")
	e.only(t, "Book the dentist appointment")

	reply, _ = e.say(t, b, "tick off the pill", nil)
	assert.Empty(t, reply.Cards, "“pill” is not “bill”: the first letter is kept")
	assert.False(t, e.only(t, "Pay the electricity bill").Completed)
	assert.Len(t, e.tasks(t, "all"), 3, "nothing added")
}

func aTypoFittingSeveralAsks(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add email the landlord about the boiler", nil)
	e.say(t, b, "add email the landlord about the rent", nil)
	e.say(t, b, "add call the plumber", nil)

	reply, _ := e.say(t, b, "done with emial landlord", nil)
	assert.Empty(t, reply.Cards)
	assert.Contains(t, reply.Text, "Several tasks match “emial landlord”")
	assert.Contains(t, reply.Text, "Email the landlord about the boiler")
	assert.Contains(t, reply.Text, "Email the landlord about the rent")
	for _, x := range e.tasks(t, "all") {
		assert.False(t, x.Completed, x.Title)
	}

	reply, _ = e.say(t, b, "tick off the caal", nil)
	assert.Empty(t, reply.Cards, "a name made only of a near-word is not guessed")
	assert.False(t, e.only(t, "Call the plumber").Completed)

	reply, _ = e.say(t, b, "done with the plumbr call", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.True(t, e.only(t, "Call the plumber").Completed)
	assert.Len(t, e.tasks(t, "all"), 3, "nothing added")
}
