package assistanttest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
)

// The assistant takes the answers to its own questions (assistant's
// answers.go), and a new command instead drops the question.
func answerCases() []decisionCase {
	return []decisionCase{
		{"AnswersYesToAnOfferToAdd", answersYesToAnOffer},
		{"AnswersWhichOneWithWords", answersWhichOneWithWords},
		{"AnswersWhichTaskKeepingTheChange", answersWhichTaskKeepingTheChange},
		{"AnswersWhatToAddKeepingTheDate", answersWhatToAddKeepingTheDate},
		{"AnswersWhenAfterAMoveWithoutADate", answersWhenAfterAMove},
		{"ANewCommandDropsTheQuestion", aNewCommandDropsTheQuestion},
	}
}

func answersYesToAnOffer(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	reply := c.say(t, "purple elephants")
	assert.Contains(t, reply.Text, "Should I add “Purple elephants” as a task?")
	assert.Empty(t, e.tasks(t, "all"))
	reply = c.say(t, "yes please")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "Purple elephants", e.only(t, "Purple elephants").Title)
	assert.Len(t, e.tasks(t, "all"), 1, "no task called “Yes please”")

	c = &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "orange giraffes")
	reply = c.say(t, "nah, leave it")
	assert.Contains(t, reply.Text, "left everything as it was")
	assert.Len(t, e.tasks(t, "all"), 1, "no nor “Nah, leave it” added")
}

func answersWhichOneWithWords(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add call the plumber", nil)
	e.say(t, b, "add call grandma", nil)
	c := &conversation{e: e, b: b}
	reply := c.say(t, "done with call")
	assert.Contains(t, reply.Text, "Which one do you mean?")
	reply = c.say(t, "the plumbr one")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "Completed", reply.Cards[0].Action)
	assert.True(t, e.only(t, "Call the plumber").Completed)
	assert.False(t, e.only(t, "Call grandma").Completed)
	assert.Len(t, e.tasks(t, "all"), 2, "the answer added nothing")
}

func answersWhichTaskKeepingTheChange(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add water the ferns", nil)
	c := &conversation{e: e, b: b}
	reply := c.say(t, "tag it garden")
	assert.Contains(t, reply.Text, "Which task")
	require.NotEmpty(t, reply.Pending, "the question stays open")
	c.say(t, "the ferns")
	assert.Equal(t, []string{"garden"}, e.only(t, "Water the ferns").Tags)
	assert.Len(t, e.tasks(t, "all"), 1)
}

func answersWhatToAddKeepingTheDate(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	reply := c.say(t, "add something for thursday")
	assert.Contains(t, reply.Text, "What should I add?")
	c.say(t, "collect the parcel")
	assert.Equal(t, "2030-06-06", e.day(t, e.only(t, "Collect the parcel")), "the question's Thursday")
	assert.Len(t, e.tasks(t, "all"), 1)
}

func answersWhenAfterAMove(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add vet checkup friday", nil)
	c := &conversation{e: e, b: b}
	reply := c.say(t, "reschedule the vet checkup")
	assert.Contains(t, reply.Text, "When should “Vet checkup” move to?")
	c.say(t, "monday")
	assert.Equal(t, "2030-06-10", e.day(t, e.only(t, "Vet checkup")))
	assert.Len(t, e.tasks(t, "all"), 1, "no task called “Reschedule the vet checkup” nor “Monday”")
}

func aNewCommandDropsTheQuestion(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add buy bulbs", nil)
	e.say(t, b, "add buy stamps", nil)
	c := &conversation{e: e, b: b}
	c.say(t, "delete buy")
	reply := c.say(t, "complete buy stamps")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "Completed", reply.Cards[0].Action, "the new command, not the question's delete")
	assert.Len(t, e.tasks(t, "all"), 2, "nothing deleted")
}
