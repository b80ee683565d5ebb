package assistanttest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Backend is where the assistant's decisions are tested: Memory, or the
// real backend reached over MCP.
type Backend interface {
	// Account signs a new person up in time zone zone ("" is the
	// backend's default) holding seed, and returns the tools acting as
	// them.
	Account(ctx context.Context, zone string, seed Seed) (mcpclient.Tools, error)
	// SetZone makes zone the person's time zone, chosen in Settings: the
	// instants of their all-day dates follow it, the dates stay.
	SetZone(ctx context.Context, tools mcpclient.Tools, zone string) error
}

// Seed is what a new account holds: projects (the one marked Inbox is the
// account's own) and tasks placed by their keys, as an export file does.
type Seed struct {
	Projects []api.ExportProject
	Tasks    []api.ExportTask
}

// RunDecisions runs every decision case of the two engines on b, each in
// parallel in an account of its own. A case passes on Memory and on the
// backend alike, or the two have drifted.
func RunDecisions(t *testing.T, b Backend) {
	t.Helper()
	for _, c := range append(builtinCases(), modelCases()...) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newEnv(t, b))
		})
	}
}

type decisionCase struct {
	name string
	run  func(t *testing.T, e *env)
}

// env is one case's account and clock: a Wednesday in Paris, in the
// future, so that nothing the cases add is overdue. The account's zone is
// Paris too: one zone per person, the one the chat reads "today" in and
// the backend reads their dates in.
type env struct {
	b     Backend
	tools mcpclient.Tools
	now   time.Time
	loc   *time.Location
}

func newEnv(t *testing.T, b Backend) *env {
	t.Helper()
	const zone = "Europe/Paris"
	tools, err := b.Account(context.Background(), zone, Seed{})
	require.NoError(t, err)
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	return &env{b: b, tools: tools, now: time.Date(2030, 6, 5, 10, 0, 0, 0, loc), loc: loc}
}

// moveTo makes zone the person's zone (Settings → time zone) and the one
// the chat reads in from now on; the clock's instant stays.
func (e *env) moveTo(t *testing.T, zone string) {
	t.Helper()
	require.NoError(t, e.b.SetZone(context.Background(), e.tools, zone))
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	e.loc, e.now = loc, e.now.In(loc)
}

// say sends one message through engine with the given history.
func (e *env) say(t *testing.T, engine assistant.Engine, text string, history []api.Message) (assistant.Reply, []assistant.Event) {
	t.Helper()
	var events []assistant.Event
	reply, err := engine.Respond(context.Background(), assistant.Turn{Message: text, History: history, Now: e.now, Loc: e.loc, Tools: e.tools},
		func(ev assistant.Event) { events = append(events, ev) })
	require.NoError(t, err)
	return reply, events
}

// tasks are the account's tasks of a status ("" is the open ones), as
// list_tasks gives them.
func (e *env) tasks(t *testing.T, status string) []todomcp.Task {
	t.Helper()
	if status == "" {
		status = "pending"
	}
	out, res, err := todomcp.Call(context.Background(), e.tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: status, Limit: 100})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	return out.Tasks
}

func (e *env) only(t *testing.T, title string) todomcp.Task {
	t.Helper()
	for _, x := range e.tasks(t, "all") {
		if x.Title == title {
			return x
		}
	}
	t.Fatalf("no task titled %q", title)
	return todomcp.Task{}
}

// due is x's due time in the case's zone; x must have a time (an
// all-day task's due is a date: see day).
func (e *env) due(t *testing.T, x todomcp.Task) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC3339, x.Due)
	require.NoError(t, err, "task %q has no due time (due %q)", x.Title, x.Due)
	return d.In(e.loc)
}

// day is x's all-day date as the tools give it ("2030-06-06": the date
// alone, the backend's due_date); x must be an all-day task.
func (e *env) day(t *testing.T, x todomcp.Task) string {
	t.Helper()
	_, err := dates.ParseDate(x.Due)
	require.NoError(t, err, "task %q is not all day (due %q)", x.Title, x.Due)
	return x.Due
}

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

func builtinCases() []decisionCase {
	return append([]decisionCase{
		{"BuiltinManagesTasks", builtinManagesTasks},
		{"BuiltinAsksWhichOneAndRemembersTheQuestion", builtinAsksWhichOne},
		{"BuiltinHelpAndNonsense", builtinHelpAndNonsense},
		{"BulkDeleteAsksFirstAndUndoRestores", bulkDeleteAsksFirst},
		{"DeleteByPartialMatchAsksFirst", deleteByPartialMatchAsksFirst},
		{"CompleteAllAsksFirst", completeAllAsksFirst},
		{"RecurringCompletionAndUndo", recurringCompletionAndUndo},
		{"ToolErrors", toolErrors},
		{"TagsKeepTheirFirstSpelling", tagsKeepTheirFirstSpelling},
		{"AllDayDateStaysOnItsDayWhenThePersonMoves", allDayDateStaysOnItsDay},
		{"AllDayEditsAndReminders", allDayEditsAndReminders},
		{"NextOccurrencesInThePersonsZone", nextOccurrencesInThePersonsZone},
		{"AReminderWaitingForATime", aReminderWaitingForATime},
		{"BuiltinProjects", builtinProjects},
	}, slices.Concat(answerCases(), typoCases(), junkCases(), manyCases(), scopeCases(), placeCases())...)
}

// Projects by name: made, added to (by "to Name" only when that project
// exists, or ^Name), listed; a ^ naming no project adds nothing.
func builtinProjects(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	reply, _ := e.say(t, b, "add project Shopping", nil)
	assert.Contains(t, reply.Text, "Made the project “Shopping”")
	reply, _ = e.say(t, b, "add milk to shopping", nil)
	assert.Contains(t, reply.Text, "Added “Milk” to Shopping")
	reply, _ = e.say(t, b, "add call to mom", nil)
	assert.Contains(t, reply.Text, "Added “Call to mom”", "no project called mom: the words stay the title")
	reply, _ = e.say(t, b, "add buy stamps ^Shopping", nil)
	assert.Contains(t, reply.Text, "Added “Buy stamps” to Shopping")
	reply, _ = e.say(t, b, "add buy bread ^Nowhere", nil)
	assert.Contains(t, reply.Text, "no project “Nowhere”")
	projects, res, err := todomcp.Call(context.Background(), e.tools, todomcp.ListProjects, todomcp.ListProjectsInput{})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	var shopping int64
	for _, p := range projects.Projects {
		if p.Name == "Shopping" {
			shopping = p.ID
		}
	}
	require.NotZero(t, shopping)
	in := map[string]int64{}
	for _, task := range e.tasks(t, "") {
		in[task.Title] = task.ProjectID
	}
	assert.Equal(t, shopping, in["Milk"])
	assert.Equal(t, shopping, in["Buy stamps"])
	assert.NotEqual(t, shopping, in["Call to mom"])
	_, added := in["Buy bread"]
	assert.False(t, added, "nothing added for a project that does not exist")
	reply, _ = e.say(t, b, "what's in Shopping?", nil)
	assert.Contains(t, reply.Text, "Shopping has 2 open task(s)")
	assert.Contains(t, reply.Text, "Milk")
	assert.NotContains(t, reply.Text, "Call to mom")
	reply, _ = e.say(t, b, "add project shopping", nil)
	assert.Contains(t, reply.Text, "already have a project “Shopping”")
}

func builtinManagesTasks(t *testing.T, e *env) {
	b := &assistant.Builtin{WebURL: "http://web.example"}

	reply, events := e.say(t, b, "Add task tomorrow: Buy groceries", nil)
	require.Len(t, reply.Cards, 1)
	assert.Equal(t, "Added", reply.Cards[0].Action)
	assert.Equal(t, "Buy groceries", reply.Cards[0].Title)
	assert.Equal(t, "due tomorrow", reply.Cards[0].Detail)
	assert.Contains(t, reply.Cards[0].URL, "http://web.example/tasks/")
	assert.Contains(t, reply.Text, "Added “Buy groceries”")
	assert.Equal(t, "card", events[0].Type, "the card streams before the words")
	assert.Equal(t, "2030-06-06", e.day(t, e.only(t, "Buy groceries")), "a date alone is all day")

	e.say(t, b, "remind me to call mom on Friday at 5pm, high priority #family", nil)
	m := e.only(t, "Call mom")
	assert.Equal(t, time.Date(2030, 6, 7, 17, 0, 0, 0, e.loc), e.due(t, m))
	assert.Equal(t, "high", m.Priority)
	assert.Equal(t, []string{"family"}, m.Tags)

	e.say(t, b, "every Monday: team sync", nil)
	s := e.only(t, "Team sync")
	assert.Equal(t, "weekly", s.Recurrence)
	assert.Equal(t, "2030-06-10", e.day(t, s), "the coming Monday, all day")

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
	assert.Contains(t, reply.Text, "The next one is due Mon 17 Jun, repeats every week.", "a week on, all day")
	var next []string
	for _, x := range e.tasks(t, "") {
		if x.Title == "Team sync" {
			next = append(next, e.day(t, x))
		}
	}
	assert.Equal(t, []string{"2030-06-17"}, next, "the open occurrence stays on the series' dates")

	e.say(t, b, "move call mom to next Tuesday", nil)
	assert.Equal(t, time.Date(2030, 6, 11, 17, 0, 0, 0, e.loc), e.due(t, e.only(t, "Call mom")), "a day alone keeps the time it had")
	e.say(t, b, "set priority of call mom to low", nil)
	assert.Equal(t, "low", e.only(t, "Call mom").Priority)
	e.say(t, b, "rename call mom to call mom and dad", nil)
	e.only(t, "Call mom and dad")

	reply, _ = e.say(t, b, "delete call mom and dad", nil)
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
	assert.Empty(t, reply.Cards[0].URL, "no link to a deleted task")
	for _, x := range e.tasks(t, "all") {
		assert.NotEqual(t, "Call mom and dad", x.Title)
	}

	reply, _ = e.say(t, b, "what's overdue?", nil)
	assert.Contains(t, reply.Text, "You have no overdue tasks")
	reply, _ = e.say(t, b, "complete the unicorn", nil)
	assert.Contains(t, reply.Text, "I couldn't find a task matching “unicorn”")
	assert.Empty(t, reply.Cards)
}

func builtinAsksWhichOne(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.say(t, b, "add buy milk", nil)
	e.say(t, b, "add buy bread", nil)

	reply, _ := e.say(t, b, "delete buy", nil)
	assert.Contains(t, reply.Text, "Several tasks match “buy”. Which one do you mean?")
	assert.Contains(t, reply.Text, "1. Buy")
	assert.Empty(t, reply.Cards, "nothing done yet")
	require.NotEmpty(t, reply.Pending)
	assert.Len(t, e.tasks(t, ""), 2)

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
	left := e.tasks(t, "")
	require.Len(t, left, 1)
	assert.NotEqual(t, reply2.Cards[0].Title, left[0].Title)
}

func builtinHelpAndNonsense(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	reply, _ := e.say(t, b, "what can you do?", nil)
	assert.Contains(t, reply.Text, "Add task tomorrow: buy groceries")
	reply, _ = e.say(t, b, "purple elephants", nil)
	assert.Contains(t, reply.Text, "Should I add “Purple elephants” as a task?")
	reply, _ = e.say(t, b, "is it raining today?", nil)
	assert.Contains(t, reply.Text, "I didn't understand")
	assert.Empty(t, e.tasks(t, "all"), "nothing was added by accident")
}

// The security probe's case: "remove all" with a task titled "Call mom"
// deleted the task whose title contains "all". A bulk request lists what
// it would delete and waits for a yes; "no" keeps everything; "undo"
// brings everything back.
func bulkDeleteAsksFirst(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add call mom tomorrow #family")
	c.say(t, "add pay the bills on Friday")

	for _, phrase := range []string{"remove all", "delete everything", "delete all my tasks"} {
		reply := c.say(t, phrase)
		assert.Empty(t, reply.Cards, "%s: nothing done before a yes", phrase)
		assert.Contains(t, reply.Text, "Delete these 2 tasks?", phrase)
		assert.Contains(t, reply.Text, "Call mom", phrase)
		assert.Len(t, e.tasks(t, ""), 2, phrase)
	}
	reply := c.say(t, "no")
	assert.Contains(t, reply.Text, "left everything as it was")
	assert.Len(t, e.tasks(t, ""), 2)

	c.say(t, "remove all")
	reply = c.say(t, "yes")
	require.Len(t, reply.Cards, 2)
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
	assert.Contains(t, reply.Text, "Say “undo” to bring them back.")
	assert.Empty(t, e.tasks(t, "all"))

	reply = c.say(t, "undo")
	require.Len(t, reply.Cards, 2)
	assert.Equal(t, "Restored", reply.Cards[0].Action)
	mom := e.only(t, "Call mom")
	assert.Equal(t, []string{"family"}, mom.Tags, "the same task, tags and all")
	assert.NotEmpty(t, mom.Due)

	// A yes with no question open is not a command.
	reply = c.say(t, "yes")
	assert.Empty(t, reply.Cards)
	assert.Len(t, e.tasks(t, ""), 2)
}

// A delete found by part of a title asks first; an exact title does not.
func deleteByPartialMatchAsksFirst(t *testing.T, e *env) {
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
	assert.Empty(t, e.tasks(t, "all"))

	reply = c.say(t, "undo")
	require.Len(t, reply.Cards, 1)
	back := e.only(t, "Book dentist appointment")
	assert.Equal(t, reply.Cards[0].TaskID, back.ID, "restored with its id")
	assert.Equal(t, []string{"health"}, back.Tags)
	assert.Equal(t, 9, e.due(t, back).Hour())

	reply = c.say(t, "delete book dentist appointment")
	require.Len(t, reply.Cards, 1, "named exactly: no question")
	assert.Equal(t, "Deleted", reply.Cards[0].Action)
}

// Completing everything is a bulk change too; undo reopens.
func completeAllAsksFirst(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add water plants tomorrow")
	c.say(t, "add call the bank tomorrow")
	reply := c.say(t, "complete all")
	assert.Contains(t, reply.Text, "Mark these 2 tasks as done?")
	assert.Len(t, e.tasks(t, ""), 2)
	reply = c.say(t, "yes")
	assert.Len(t, reply.Cards, 2)
	assert.Empty(t, e.tasks(t, ""))
	c.say(t, "undo")
	assert.Len(t, e.tasks(t, ""), 2)
}

// A tag and a reminder added to a recurring task join what it had;
// completing it creates the next occurrence with its tags and reminders,
// timed from the next due time; undo reopens the task and takes the
// untouched occurrence away.
func recurringCompletionAndUndo(t *testing.T, e *env) {
	c := &conversation{e: e, b: &assistant.Builtin{}}
	c.say(t, "add timesheet every friday at 4pm #work")
	reply := c.say(t, "tag timesheet with admin")
	require.Len(t, reply.Cards, 1, reply.Text)
	reply = c.say(t, "remind me about the timesheet 1 hour before")
	require.Len(t, reply.Cards, 1, reply.Text)
	reply = c.say(t, "I finished the timesheet")
	require.Len(t, reply.Cards, 2, reply.Text)
	assert.Equal(t, "Next", reply.Cards[1].Action)
	open := e.tasks(t, "")
	require.Len(t, open, 1)
	next := open[0]
	assert.Equal(t, time.Date(2030, 6, 14, 16, 0, 0, 0, e.loc), e.due(t, next), "a week after the due time")
	assert.Equal(t, []string{"admin", "work"}, next.Tags, "a tag added to the ones it had, and carried")
	require.Len(t, next.Reminders, 1)
	assert.Equal(t, time.Date(2030, 6, 14, 15, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), next.Reminders[0].FireAt)

	c.say(t, "undo")
	all := e.tasks(t, "all")
	require.Len(t, all, 1, "the untouched next occurrence went with the reopening")
	assert.False(t, all[0].Completed)
	assert.Equal(t, reply.Cards[0].TaskID, all[0].ID)
}

// The tools' failures as the engines see them: a tool error with its
// text, the same on both backends.
func toolErrors(t *testing.T, e *env) {
	ctx := context.Background()
	call := func(name string, args map[string]any) todomcp.Result {
		t.Helper()
		res, err := e.tools.Call(ctx, name, args)
		require.NoError(t, err, name)
		return res
	}
	const missing = "task 424242 not found; call list_tasks to see ids"
	for _, name := range []string{"complete_task", "delete_task", "restore_task", "update_task"} {
		res := call(name, map[string]any{"task_id": 424242})
		assert.True(t, res.IsError, name)
		assert.Equal(t, missing, res.Text, name)
	}
	added, res, err := todomcp.Call(ctx, e.tools, todomcp.AddTask, todomcp.AddTaskInput{Title: "Pay rent"})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	res = call("restore_task", map[string]any{"task_id": added.Task.ID})
	assert.Equal(t, "task "+strconv.FormatInt(added.Task.ID, 10)+" not found; call list_tasks to see ids", res.Text, "a task that is not deleted")

	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"add_task", map[string]any{"title": "  "}, "invalid input: title is required"},
		{"add_task", map[string]any{"title": "x", "priority": "urgent", "recurrence": "hourly"},
			"invalid input: priority must be one of low, medium, high; recurrence must be one of none, daily, weekly, monthly, yearly"},
		{"add_task", map[string]any{"title": "x", "due": "next week"},
			"invalid input: due must be an RFC 3339 timestamp such as 2026-12-08T09:00:00+01:00 (a day alone goes in due_date)"},
		{"add_task", map[string]any{"title": "x", "due": "2030-06-07", "reminders": []any{map[string]any{"before_minutes": 30}}},
			"invalid input: reminders[0] an all-day task is reminded at a time of day: give at_time (HH:MM) with before_minutes 0 for that day or whole days before (1440 the day before), or give at"},
		{"add_task", map[string]any{"title": "x", "reminders": []any{map[string]any{"before_minutes": 60}}},
			"invalid input: reminders[0] a reminder before the due time needs a due time: set due_at, or give at"},
		{"list_tasks", map[string]any{"status": "done"}, "invalid input: status must be one of all, pending, completed"},
		{"list_tasks", map[string]any{"limit": 500}, "invalid input: limit must be between 1 and 100"},
		{"update_task", map[string]any{"task_id": added.Task.ID, "due": "2030-06-07", "clear_due": true}, todomcp.ErrDueAndClearDue.Error()},
		{"update_task", map[string]any{"task_id": added.Task.ID, "priority": ""}, "invalid input: priority must be one of low, medium, high"},
		{"complete_task", map[string]any{"task_id": "seven"}, ""},
	} {
		res := call(c.tool, c.args)
		assert.True(t, res.IsError, "%s %v", c.tool, c.args)
		if c.want != "" {
			assert.Equal(t, c.want, res.Text, "%s %v", c.tool, c.args)
		} else {
			assert.Contains(t, res.Text, "validating \"arguments\"", "the schema refuses it: %s %v", c.tool, c.args)
		}
	}
	assert.Equal(t, []string{"Pay rent"}, titles(e.tasks(t, "all")), "nothing was written by a refused call")
}

func titles(ts []todomcp.Task) []string {
	out := make([]string, len(ts))
	for i, x := range ts {
		out[i] = x.Title
	}
	return out
}

// A tag keeps the spelling it was first given; list_tags counts the tasks
// that carry it, open or not, but not deleted ones.
func tagsKeepTheirFirstSpelling(t *testing.T, e *env) {
	ctx := context.Background()
	add := func(title string, tags ...string) todomcp.Task {
		out, res, err := todomcp.Call(ctx, e.tools, todomcp.AddTask, todomcp.AddTaskInput{Title: title, Tags: tags})
		require.NoError(t, err)
		require.False(t, res.IsError, res.Text)
		return out.Task
	}
	add("Plan the offsite", "Work")
	report := add("Write the report", "work", "#home", "HOME")
	assert.Equal(t, []string{"home", "Work"}, report.Tags, "by name ignoring case, the first spelling, once")
	gone := add("Old task", "work")
	_, res, err := todomcp.Call(ctx, e.tools, todomcp.CompleteTask, todomcp.CompleteTaskInput{TaskID: report.ID})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	_, res, err = todomcp.Call(ctx, e.tools, todomcp.DeleteTask, todomcp.DeleteTaskInput{TaskID: gone.ID})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)

	tags, res, err := todomcp.Call(ctx, e.tools, todomcp.ListTags, todomcp.ListTagsInput{})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	assert.Equal(t, []todomcp.Tag{{Name: "home", TaskCount: 1, OpenCount: 0}, {Name: "Work", TaskCount: 2, OpenCount: 1}}, tags.Tags)
	list, _, err := todomcp.Call(ctx, e.tools, todomcp.ListTasks, todomcp.ListTasksInput{Tag: "WORK", Status: "all"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Plan the offsite", "Write the report"}, titles(list.Tasks), "the tag filter ignores case")
}

// A date said without a time is an all-day task: the tools are sent the
// date alone (the backend stores due_date), and it is the same day once
// the person's zone changes — in the task and in what the assistant
// says. A time is an instant, shown in the zone of the moment. A
// reminder the day before is at a time of day there (issue 29).
func allDayDateStaysOnItsDay(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	e.moveTo(t, "America/New_York") // Wednesday 5 June, 04:00
	reply, _ := e.say(t, b, "pay phone bill tuesday", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "due Tuesday", reply.Cards[0].Detail)
	assert.Equal(t, "2030-06-11", e.day(t, e.only(t, "Pay phone bill")), "the date alone")
	reply, _ = e.say(t, b, "call mom friday at 5pm", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "due Friday at 17:00", reply.Cards[0].Detail)
	assert.Equal(t, time.Date(2030, 6, 7, 17, 0, 0, 0, e.loc), e.due(t, e.only(t, "Call mom")), "a time: an instant in New York")
	reply, _ = e.say(t, b, "remind me about the phone bill 1 day before", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	bill := e.only(t, "Pay phone bill")
	require.Len(t, bill.Reminders, 1)
	assert.Equal(t, "09:00", bill.Reminders[0].AtTime, "on an all-day date: a time of day")
	assert.Equal(t, time.Date(2030, 6, 10, 9, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), bill.Reminders[0].FireAt)

	e.moveTo(t, "Europe/Berlin") // Wednesday 5 June, 10:00
	bill = e.only(t, "Pay phone bill")
	assert.Equal(t, "2030-06-11", e.day(t, bill), "still Tuesday")
	require.Len(t, bill.Reminders, 1)
	assert.Equal(t, time.Date(2030, 6, 10, 9, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), bill.Reminders[0].FireAt,
		"the reminder at 09:00 where the person is now")
	reply, _ = e.say(t, b, "show my tasks", nil)
	assert.Contains(t, reply.Text, "• Pay phone bill — due Tuesday, reminder Monday at 09:00", "the same day, no time")
	assert.Contains(t, reply.Text, "• Call mom — due Friday at 23:00", "17:00 in New York")
	reply, _ = e.say(t, b, "what's due on tuesday?", nil)
	assert.Contains(t, reply.Text, "You have 1 open task due on Tue 11 Jun:\n• Pay phone bill")
	reply, _ = e.say(t, b, "what's due on wednesday?", nil)
	assert.Contains(t, reply.Text, "You have no open tasks due on Wed 12 Jun", "not the next morning in Berlin")
}

// Edits of an all-day task keep it all day unless they give it a time;
// what cannot be done on a date (minutes before it, hours later) is said,
// with nothing changed and no error.
func allDayEditsAndReminders(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	say := func(text string) assistant.Reply {
		t.Helper()
		reply, _ := e.say(t, b, text, nil)
		for _, c := range reply.Cards {
			assert.False(t, c.Error, "%s: %s", text, c.Title)
		}
		return reply
	}
	lawn := func() todomcp.Task { t.Helper(); return e.only(t, "Water the lawn") }
	say("add water the lawn tomorrow")
	assert.Equal(t, "2030-06-06", e.day(t, lawn()))
	reply := say("move water the lawn to friday")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "due Friday", reply.Cards[0].Detail, "a day alone: still all day")
	assert.Equal(t, "2030-06-07", e.day(t, lawn()))
	say("postpone water the lawn by two days")
	assert.Equal(t, "2030-06-09", e.day(t, lawn()), "moved by days, all day")

	reply = say("postpone water the lawn by 2 hours")
	assert.Empty(t, reply.Cards)
	assert.Contains(t, reply.Text, "“Water the lawn” is due Sunday, all day: it has no time to move by 2 hours.")
	reply = say("remind me about water the lawn 30 minutes before")
	assert.Empty(t, reply.Cards, "no reminder the backend would refuse")
	assert.Contains(t, reply.Text, "“Water the lawn” is due Sunday, all day, so there is no time to remind you 30 minutes before.")
	assert.Equal(t, "2030-06-09", e.day(t, lawn()))
	assert.Empty(t, lawn().Reminders, "nothing changed")

	reply = say("remind me about water the lawn 1 day before")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "due Sunday, reminder Saturday at 09:00", reply.Cards[0].Detail)
	reply = say("remind me about water the lawn on the day at 7am")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, "due Sunday, reminder Saturday at 09:00, reminder Sunday at 07:00", reply.Cards[0].Detail, "a time of day said")
	reply = say("move water the lawn to 6pm")
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.Equal(t, time.Date(2030, 6, 9, 18, 0, 0, 0, e.loc), e.due(t, lawn()), "a time alone: that time on its day")
	require.Len(t, lawn().Reminders, 2)
	assert.Equal(t, time.Date(2030, 6, 8, 9, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), lawn().Reminders[0].FireAt, "the reminders kept")
	assert.Equal(t, time.Date(2030, 6, 9, 7, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), lawn().Reminders[1].FireAt)

	reply = say("add pay the babysitter friday, remind me 30 minutes before")
	assert.Empty(t, reply.Cards)
	assert.Contains(t, reply.Text, "“Pay the babysitter” would be due Friday, all day, so there is no time to remind you 30 minutes before.")
	reply = say("add book club saturday, remind me a day before")
	require.Len(t, reply.Cards, 1, reply.Text)
	club := e.only(t, "Book club")
	assert.Equal(t, "2030-06-08", e.day(t, club))
	require.Len(t, club.Reminders, 1)
	assert.Equal(t, time.Date(2030, 6, 7, 9, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), club.Reminders[0].FireAt, "Friday at 09:00")
	reply = say("add pay the plumber monday, remind me the day before at 8pm")
	require.Len(t, reply.Cards, 1, reply.Text)
	plumber := e.only(t, "Pay the plumber")
	assert.Equal(t, "2030-06-10", e.day(t, plumber))
	require.Len(t, plumber.Reminders, 1)
	assert.Equal(t, time.Date(2030, 6, 9, 20, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), plumber.Reminders[0].FireAt, "Sunday at 20:00")
	assert.Equal(t, []string{"Book club", "Water the lawn", "Pay the plumber"}, titles(e.tasks(t, "all")), "soonest first; no babysitter task")
}

// A repeating task's next occurrence is computed in the person's zone,
// on the backend and on Memory alike (pkg/recurrence): an all-day series
// stays on dates (a monthly one clamped to a shorter month, and back to
// its day after) with its reminder at a time of day; a timed one keeps
// its local time across the end of summer time; a weekly one on named
// days goes to the next of them.
func nextOccurrencesInThePersonsZone(t *testing.T, e *env) {
	ctx := context.Background()
	add := func(in todomcp.AddTaskInput) todomcp.Task {
		t.Helper()
		out, res, err := todomcp.Call(ctx, e.tools, todomcp.AddTask, in)
		require.NoError(t, err)
		require.False(t, res.IsError, res.Text)
		return out.Task
	}
	complete := func(id int64) todomcp.Task {
		t.Helper()
		out, res, err := todomcp.Call(ctx, e.tools, todomcp.CompleteTask, todomcp.CompleteTaskInput{TaskID: id})
		require.NoError(t, err)
		require.False(t, res.IsError, res.Text)
		require.NotNil(t, out.Next, "task %d repeats", id)
		return *out.Next
	}
	before := 1440
	rent := add(todomcp.AddTaskInput{Title: "Pay rent", Due: "2030-08-31", Recurrence: "monthly",
		Reminders: []todomcp.ReminderInput{{BeforeMinutes: &before, AtTime: "08:30"}}})
	assert.Equal(t, "2030-08-31", e.day(t, rent))
	next := complete(rent.ID)
	assert.Equal(t, "2030-09-30", e.day(t, next), "all day, on the last day of September")
	require.Len(t, next.Reminders, 1)
	assert.Equal(t, time.Date(2030, 9, 29, 8, 30, 0, 0, e.loc).UTC().Format(time.RFC3339), next.Reminders[0].FireAt, "the day before at 08:30 in Paris")
	next = complete(next.ID)
	assert.Equal(t, "2030-10-31", e.day(t, next), "back on the 31st")

	grandma := add(todomcp.AddTaskInput{Title: "Call grandma", Due: "2030-10-26T18:00:00+02:00", Recurrence: "weekly"})
	next = complete(grandma.ID)
	assert.Equal(t, time.Date(2030, 11, 2, 18, 0, 0, 0, e.loc), e.due(t, next), "18:00 in Paris after summer time, not 17:00")

	standUp := add(todomcp.AddTaskInput{Title: "Stand-up", Due: "2030-06-07T09:30:00+02:00", Recurrence: "weekly",
		Weekdays: []string{"mon", "wed", "fri"}})
	assert.Equal(t, []string{"mon", "wed", "fri"}, standUp.RecurrenceWeekdays)
	next = complete(standUp.ID)
	assert.Equal(t, time.Date(2030, 6, 10, 9, 30, 0, 0, e.loc), e.due(t, next), "Friday, then Monday")
}

// A timed task given a date instead (in the web app, or by a tool) keeps
// its "minutes before" reminder, waiting for a time (the backend's rule):
// the assistant says so, and a reminder it adds at a time of day does not
// send the waiting one back, which the backend would refuse.
func aReminderWaitingForATime(t *testing.T, e *env) {
	b := &assistant.Builtin{}
	reply, _ := e.say(t, b, "add call the bank friday at 3pm, remind me 30 minutes before", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	bank := e.only(t, "Call the bank")
	day := "2030-06-07"
	_, res, err := todomcp.Call(context.Background(), e.tools, todomcp.UpdateTask, todomcp.UpdateTaskInput{TaskID: bank.ID, Due: &day})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	bank = e.only(t, "Call the bank")
	assert.Equal(t, day, e.day(t, bank))
	require.Len(t, bank.Reminders, 1)
	assert.Empty(t, bank.Reminders[0].FireAt, "minutes before a date: no time to fire at")

	reply, _ = e.say(t, b, "show my tasks", nil)
	assert.Contains(t, reply.Text, "• Call the bank — due Friday, reminder 30 minutes before (waits for a time)")
	reply, _ = e.say(t, b, "remind me about call the bank the day before at 6pm", nil)
	require.Len(t, reply.Cards, 1, reply.Text)
	assert.False(t, reply.Cards[0].Error, reply.Text)
	bank = e.only(t, "Call the bank")
	require.Len(t, bank.Reminders, 1, "the waiting one was not sent back")
	assert.Equal(t, "18:00", bank.Reminders[0].AtTime)
	assert.Equal(t, time.Date(2030, 6, 6, 18, 0, 0, 0, e.loc).UTC().Format(time.RFC3339), bank.Reminders[0].FireAt)
}
