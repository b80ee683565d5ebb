package assistanttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
)

// The junk guard (assistant's junk.go) and the edits that used to become
// junk tasks: notes and reminders on an existing task.
func junkCases() []decisionCase {
	return []decisionCase{
		{"ASentenceNamingATaskEditsIt", aSentenceNamingATaskEditsIt},
		{"AnEditVerbWithoutATaskAsksWhich", anEditVerbWithoutATaskAsksWhich},
		{"WordsLeftOverAreNotATitle", wordsLeftOverAreNotATitle},
		{"NotesAndRemindersOnAnExistingTask", notesAndRemindersOnAnExistingTask},
		{"MoreWaysOfSayingAnEdit", moreWaysOfSayingAnEdit},
		{"FromTheColdReview", fromTheColdReview},
	}
}

func aSentenceNamingATaskEditsIt(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add choir practice friday at 7pm", nil)
	e.say(t, b, "add pick up the dry cleaning", nil)
	e.say(t, b, "choir practice at 8pm instead", nil)
	assert.Equal(t, time.Date(2030, 6, 7, 20, 0, 0, 0, e.loc), e.due(t, e.only(t, "Choir practice")), "the time alone: the day kept")
	e.say(t, b, "the choir practice is on saturday now", nil)
	assert.Equal(t, time.Date(2030, 6, 8, 20, 0, 0, 0, e.loc), e.due(t, e.only(t, "Choir practice")), "the day alone: the time kept")
	// A task named by fewer than half its words, without an edit word:
	// asked, not guessed.
	c := &conversation{e: e, b: b}
	reply := c.say(t, "dry cleaning monday")
	assert.Contains(t, reply.Text, "Change “Pick up the dry cleaning”")
	assert.Len(t, e.tasks(t, "all"), 2, "no task called “Dry cleaning”")
	c.say(t, "yes")
	assert.Equal(t, "2030-06-10", e.day(t, e.only(t, "Pick up the dry cleaning")))
	assert.Len(t, e.tasks(t, "all"), 2)
}

func anEditVerbWithoutATaskAsksWhich(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add submit the tax form tomorrow", nil)
	c := &conversation{e: e, b: b}
	reply := c.say(t, "change the time to 4pm")
	assert.Contains(t, reply.Text, "Which task")
	assert.Len(t, e.tasks(t, "all"), 1, "no task called “Change the time”")
	c.say(t, "the tax form")
	assert.Equal(t, time.Date(2030, 6, 6, 16, 0, 0, 0, e.loc), e.due(t, e.only(t, "Submit the tax form")))
}

func wordsLeftOverAreNotATitle(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	reply := c.say(t, "feed the neighbour's cat on sunday at 10:00, remind me sometime")
	assert.Contains(t, reply.Text, "I didn't understand “remind me sometime”")
	assert.Contains(t, reply.Text, "Should I add “Feed the neighbour's cat”")
	assert.Empty(t, e.tasks(t, "all"), "nothing added yet")
	c.say(t, "sure")
	assert.Equal(t, time.Date(2030, 6, 9, 10, 0, 0, 0, e.loc), e.due(t, e.only(t, "Feed the neighbour's cat")))

	reply, _ = e.say(t, &assistant.Builtin{}, "i'm so hungry today", nil)
	assert.Contains(t, reply.Text, "not sure what you meant")
	reply, _ = e.say(t, &assistant.Builtin{}, "could you add mow the lawn by the 12th? thanks!", nil)
	assert.Contains(t, reply.Text, "Should I add “Mow the lawn”")
	assert.Len(t, e.tasks(t, "all"), 1, "no junk task")
}

func notesAndRemindersOnAnExistingTask(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add book the campsite friday at 6pm", nil)
	e.say(t, b, "add a note to the campsite: pitch 14 near the lake", nil)
	e.say(t, b, "note for book the campsite: bring the booking code", nil)
	x := e.only(t, "Book the campsite")
	assert.Equal(t, "pitch 14 near the lake\nbring the booking code", x.Description, "notes are added, never replaced")

	e.say(t, b, "add a reminder to book the campsite 30 minutes before", nil)
	x = e.only(t, "Book the campsite")
	require.Len(t, x.Reminders, 1)
	assert.Equal(t, 30, *x.Reminders[0].BeforeMinutes)
	e.say(t, b, "set a reminder 2 hours before the campsite", nil)
	assert.Len(t, e.only(t, "Book the campsite").Reminders, 2)
	e.say(t, b, "change the campsite reminder to 1 day before", nil)
	x = e.only(t, "Book the campsite")
	require.Len(t, x.Reminders, 1, "the new reminder replaces the old ones")
	assert.Equal(t, 24*60, *x.Reminders[0].BeforeMinutes)
	e.say(t, b, "i don't need a reminder for the campsite anymore", nil)
	assert.Empty(t, e.only(t, "Book the campsite").Reminders)

	e.say(t, b, "pick up the keys saturday at 11am, remind me at 10", nil)
	keys := e.only(t, "Pick up the keys")
	require.Len(t, keys.Reminders, 1)
	assert.Equal(t, time.Date(2030, 6, 8, 10, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), keys.Reminders[0].At, "at that time, fixed")
	e.say(t, b, "practice the speech monday 6pm, reminders 30 min before and 1 day before", nil)
	assert.Len(t, e.only(t, "Practice the speech").Reminders, 2)
	assert.Len(t, e.tasks(t, "all"), 3, "no junk task on the way")
}

func moreWaysOfSayingAnEdit(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add project Work", nil)
	e.say(t, b, "add ring the insurer friday at 5pm", nil)
	e.say(t, b, "ring the insurer at 4pm instead of 5", nil)
	assert.Equal(t, time.Date(2030, 6, 7, 16, 0, 0, 0, e.loc), e.due(t, e.only(t, "Ring the insurer")), "the number said is not a word of the title")
	e.say(t, b, "draft the press release by friday, high priority, put it in Work", nil)
	assert.Equal(t, e.projectNamed(t, "Work"), e.only(t, "Draft the press release").ProjectID)
	e.say(t, b, "finally rang the insurer ✔", nil)
	assert.True(t, e.only(t, "Ring the insurer").Completed)
	reply, _ := e.say(t, b, "fix the router #home", nil)
	assert.Contains(t, reply.Text, "Added “Fix the router”", "a title with a tag is a task, not a list of the tag")
	c := &conversation{e: e, b: b}
	reply = c.say(t, "change the towels every two weeks")
	assert.Contains(t, reply.Text, "Should I add “Change the towels”")
	c.say(t, "yes")
	assert.Equal(t, "weekly", e.only(t, "Change the towels").Recurrence)
	reply, _ = e.say(t, b, "order printer paper and toner both pls", nil)
	assert.NotContains(t, reply.Text, "Added “Order printer paper and toner both pls”")
	assert.Len(t, e.tasks(t, "all"), 4, "no junk task on the way")
}

// Cases a cold review found: each once a wrong change.
func fromTheColdReview(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add email bob re invoice", nil)
	e.say(t, b, "add write report", nil)
	e.say(t, b, "add send report to bob", nil)

	// A noun that is also an edit verb does not make a new task an edit
	// unasked.
	reply, _ := e.say(t, b, "email bob about the move on friday", nil)
	assert.Empty(t, e.only(t, "Email bob re invoice").Due, "the invoice task keeps its (no) date")
	assert.Contains(t, reply.Text, "?")

	// "not the bob one": asked again, never the one it names.
	c := &conversation{e: e, b: b}
	c.say(t, "finish report")
	reply = c.say(t, "not the bob one, the other")
	assert.Contains(t, reply.Text, "Which one do you mean?")
	assert.False(t, e.only(t, "Send report to bob").Completed)
	assert.False(t, e.only(t, "Write report").Completed)

	// Answers to "what should I add?" are checked like any new task.
	for _, answer := range []string{"nothing", "nvm", "i'm not sure yet"} {
		c = &conversation{e: e, b: b}
		c.say(t, "add something for friday")
		c.say(t, answer)
	}
	// "clear everything", "start over": listed and asked, as "delete
	// everything" is; "complete all of them" is not the whole account.
	c = &conversation{e: e, b: b}
	reply = c.say(t, "clear everything")
	assert.Contains(t, reply.Text, "Delete these")
	c.say(t, "no")
	reply, _ = e.say(t, b, "start over", nil)
	assert.Contains(t, reply.Text, "Delete these")
	reply, _ = e.say(t, b, "complete all of them", nil)
	assert.NotContains(t, reply.Text, "Mark these")
	for _, x := range e.tasks(t, "all") {
		assert.False(t, x.Completed, x.Title)
	}
	assert.Len(t, e.tasks(t, "all"), 3, "nothing added on the way")
}
