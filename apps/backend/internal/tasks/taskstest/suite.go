package taskstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
)

// Store is a tasks.Storage under test, and how to add a person to it.
type Store interface {
	tasks.Storage
	// AddUser adds a person with a time zone ("" is UTC) and a default
	// reminder in minutes before the due time (nil: none).
	AddUser(ctx context.Context, zone string, defaultReminder *int) (string, error)
	// AddProject adds a project, last among the person's; AddSection a
	// section, last in one of their projects.
	AddProject(ctx context.Context, userID, name string, archived bool) (int64, error)
	AddSection(ctx context.Context, userID string, projectID int64, name string) (int64, error)
}

// Open returns a fresh, empty Store for one case. now is the case's clock,
// for a Store that sets row times itself (Memory); PostgreSQL keeps its
// own, so no case depends on the two agreeing beyond the clock's start,
// which is the real time.
type Open func(t *testing.T, now func() time.Time) Store

// RunRules runs every rule case on a Service over stores from open, each
// case in parallel on its own store. A case passes on Memory and on
// PostgreSQL alike, or the two have drifted.
func RunRules(t *testing.T, open Open) {
	t.Helper()
	for _, c := range ruleCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newEnv(t, open))
		})
	}
}

type ruleCase struct {
	name string
	run  func(t *testing.T, e *env)
}

// env is one case's service, store and clock.
type env struct {
	ctx   context.Context
	st    Store
	svc   *tasks.Service
	clock *clock
}

func newEnv(t *testing.T, open Open) *env {
	// The real time, as PostgreSQL's now() is: deletion times come from it
	// there, and the retention case ages them with this clock.
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	st := open(t, c.Now)
	return &env{ctx: context.Background(), st: st, svc: tasks.NewService(st, c.Now), clock: c}
}

// clock is a case's time: it moves only when the case moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
}

func (c *clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

func (e *env) person(t *testing.T, zone string, defaultReminder *int) string {
	t.Helper()
	id, err := e.st.AddUser(e.ctx, zone, defaultReminder)
	require.NoError(t, err)
	return id
}

func (e *env) create(t *testing.T, user string, in api.TaskInput) api.Task {
	t.Helper()
	task, err := e.svc.Create(e.ctx, user, in)
	require.NoError(t, err)
	return task
}

func (e *env) get(t *testing.T, user string, id int64) api.Task {
	t.Helper()
	task, err := e.svc.Get(e.ctx, user, id)
	require.NoError(t, err)
	return task
}

func (e *env) total(t *testing.T, user string, in tasks.ListInput) int {
	t.Helper()
	l, err := e.svc.List(e.ctx, user, in)
	require.NoError(t, err)
	return l.Total
}

func (e *env) titles(t *testing.T, user string, in tasks.ListInput) []string {
	t.Helper()
	l, err := e.svc.List(e.ctx, user, in)
	require.NoError(t, err)
	return titlesOf(l.Tasks)
}

func titlesOf(ts []api.Task) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Title)
	}
	return out
}

// view is what a person sees of a task, times as RFC 3339 text, so that a
// difference reads plainly and times compare by instant.
type view struct {
	Title, Description, DueDate, Due, Priority, Recurrence string
	Interval                                               int
	Completed                                              bool
	CompletedAt                                            string
	Tags                                                   []string
	Reminders                                              []string
}

func viewOf(t api.Task) view {
	v := view{Title: t.Title, Description: t.Description, Due: stamp(t.DueAt), Priority: t.Priority,
		Recurrence: t.Recurrence, Interval: t.RecurrenceInterval, Completed: t.Completed,
		CompletedAt: stamp(t.CompletedAt), Tags: append([]string{}, t.Tags...), Reminders: []string{}}
	if t.DueDate != nil {
		v.DueDate = t.DueDate.String()
	}
	for _, r := range t.Reminders {
		v.Reminders = append(v.Reminders, reminder(r))
	}
	return v
}

func reminder(r api.Reminder) string {
	s := "at " + stamp(r.At)
	if r.BeforeMinutes != nil {
		s = fmt.Sprintf("%d min before", *r.BeforeMinutes)
		if r.AtTime != "" {
			s += " at " + r.AtTime
		}
		s += ", fires " + stamp(r.FireAt)
	}
	if r.FiredAt != nil {
		s += ", fired"
	}
	return s
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func ts(t time.Time) string  { return t.UTC().Format(time.RFC3339Nano) }
func str(s string) *string   { return &s }
func num(n int) *int         { return &n }
func yes(b bool) *bool       { return &b }
func at(t time.Time) *string { return str(t.Format(time.RFC3339)) }
func before(n int) api.ReminderInput {
	return api.ReminderInput{BeforeMinutes: num(n)}
}

func reminders(rs ...api.ReminderInput) *[]api.ReminderInput { return &rs }

func requireInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	var inv *domain.Invalid
	require.ErrorAs(t, err, &inv)
	assert.ElementsMatch(t, fields, slices.Collect(maps.Keys(inv.Fields)), "fields named: %v", inv.Fields)
}

func requireNotFound(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, domain.ErrNotFound)
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// soon is a due time in whole minutes, d from the case's now.
func (e *env) soon(d time.Duration) time.Time { return e.clock.Now().Add(d).Truncate(time.Minute) }

func ruleCases() []ruleCase {
	cs := []ruleCase{
		{"create names every invalid field and stores nothing", createInvalid},
		{"create checks each reminder by its place", createInvalidReminders},
		{"create stores cleaned values and defaults", createCleans},
		{"a date-only due is the end of that day in the person's zone, without the default reminder", dateOnlyDue},
		{"a timed due gets the person's default reminder unless the request says otherwise", timedDueDefaultReminder},
		{"a due is a day (due_date, or a date in due_at) or a time, never both; bad ones are named and nothing is written", dueDayOrTime},
		{"a reminder on an all-day task is a time of day on that day or days before", allDayReminders},
		{"patch turns a day into a time and back, and clears either", patchDayAndTime},
		{"an all-day series stays on its dates: a month's last day clamps, never a day late", allDaySeries},
		{"a timed series keeps its local time across a DST change", timedSeriesAcrossDST},
		{"a series keeps its days of the week and its day of the month", seriesDays},
		{"a task for a person the store does not know is refused", unknownPerson},
		{"patch of nothing changes nothing", patchNothing},
		{"patch refuses invalid values by field and changes nothing", patchInvalid},
		{"moving the due time moves relative reminders, not absolute ones", patchMovesReminders},
		{"replace overwrites every field and keeps completion", replaceKeepsCompletion},
		{"completing a recurring task creates the next occurrence with its fields, tags and relative reminders", completeRecurring},
		{"an overdue recurring task's next occurrence lies ahead", completeOverdueRecurring},
		{"a one-off task toggles without another task", completeOneOff},
		{"reopening removes the untouched next occurrence", reopenRemovesUntouched},
		{"reopening keeps an occurrence someone changed or completed", reopenKeepsTouched},
		{"reopening by patch removes the untouched next occurrence too", reopenByPatch},
		{"a deleted task is gone until restored, then the same task", deleteRestore},
		{"a deleted task can be restored for 30 days, not after the purge", restoreRetention},
		{"another person's task ids are not found", isolation},
		{"tags are one per person, named without regard to case", tagsIgnoreCase},
		{"list names invalid filters and puts undated tasks last", listOrder},
		{"the agenda's days and overdue tasks are read in the person's zone", agendaInZone},
		{"an agenda in a zone a day away from the person's places all-day dates by date", agendaFarZone},
		{"the summary counts in the person's zone", summaryInZone},
		{"snooze takes 1 to 1440 minutes and keeps at most five reminders", snooze},
		{"a failed transaction writes nothing", failedTransaction},
	}
	cs = append(cs, placeCases()...)
	return append(cs, patchFieldCases()...)
}

func createInvalid(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	_, err := e.svc.Create(e.ctx, u, api.TaskInput{
		Title: "   ", Description: "a\x00b", DueAt: str("next tuesday"), Priority: "urgent",
		Tags: []string{"a,b"}, Recurrence: "hourly", RecurrenceInterval: 5000,
	})
	requireInvalid(t, err, "title", "description", "due_at", "priority", "tags", "recurrence", "recurrence_interval")
	_, err = e.svc.Create(e.ctx, u, api.TaskInput{Title: "far", DueAt: str("10000-01-01T00:00:00Z")})
	requireInvalid(t, err, "due_at")
	_, err = e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", Tags: make([]string, tasks.MaxTags+1)})
	requireInvalid(t, err, "tags")
	assert.Zero(t, e.total(t, u, tasks.ListInput{}), "nothing stored")
}

func createInvalidReminders(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	past, future := e.clock.Now().Add(-time.Minute), e.clock.Now().Add(time.Hour)
	_, err := e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", Reminders: reminders(
		before(30), // no due time to be before
		api.ReminderInput{At: at(past)},
		api.ReminderInput{At: at(future), BeforeMinutes: num(5)},
		api.ReminderInput{At: at(future)}, // fine
	)})
	requireInvalid(t, err, "reminders[0]", "reminders[1]", "reminders[2]")
	due := at(e.soon(48 * time.Hour))
	_, err = e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", DueAt: due, Reminders: reminders(
		before(tasks.MaxBeforeMinutes+1), api.ReminderInput{BeforeMinutes: num(1440), AtTime: "9am"},
		api.ReminderInput{BeforeMinutes: num(90), AtTime: "09:00"}, before(0))})
	requireInvalid(t, err, "reminders[0]", "reminders[1]", "reminders[2]")
	_, err = e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", DueAt: due, Reminders: reminders(
		before(1), before(2), before(3), before(4), before(5), before(6))})
	requireInvalid(t, err, "reminders")
	assert.Zero(t, e.total(t, u, tasks.ListInput{}), "nothing stored")
}

func createCleans(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	got := e.create(t, u, api.TaskInput{Title: "  Buy milk  ", Description: "two litres \n ", Priority: "",
		Tags: []string{"#Home", "home", " errands  "}})
	want := view{Title: "Buy milk", Description: "two litres", Priority: api.PriorityMedium, Recurrence: api.RecurNone,
		Interval: 1, Tags: []string{"errands", "Home"}, Reminders: []string{}}
	assert.Equal(t, want, viewOf(got))
	assert.Equal(t, want, viewOf(e.get(t, u, got.ID)), "as stored")
	assert.Equal(t, u, got.UserID)
}

func dateOnlyDue(t *testing.T, e *env) {
	ny := zone(t, "America/New_York")
	u := e.person(t, "America/New_York", num(30))
	// 10 March 2030 is the day New York moves its clocks forward.
	got := e.create(t, u, api.TaskInput{Title: "file taxes", DueAt: str("2030-03-10")})
	assert.Equal(t, ts(time.Date(2030, 3, 10, 23, 59, 59, 0, ny)), stamp(got.DueAt))
	assert.Empty(t, got.Reminders, "a day without a time gets no default reminder")
	assert.Empty(t, e.get(t, u, got.ID).Reminders)
	// Asked for, a reminder the day before at 09:00 is 09:00 in New York
	// (still winter time then).
	got = e.create(t, u, api.TaskInput{Title: "file taxes", DueAt: str("2030-03-10"),
		Reminders: reminders(api.ReminderInput{BeforeMinutes: num(1440), AtTime: "09:00"})})
	assert.Equal(t, []string{"1440 min before at 09:00, fires " + ts(time.Date(2030, 3, 9, 9, 0, 0, 0, ny))}, viewOf(got).Reminders)
}

func timedDueDefaultReminder(t *testing.T, e *env) {
	u := e.person(t, "America/New_York", num(30))
	due := time.Date(2030, 3, 10, 15, 0, 0, 0, time.UTC)
	got := e.create(t, u, api.TaskInput{Title: "call", DueAt: at(due)})
	want := []string{"30 min before, fires " + ts(due.Add(-30*time.Minute))}
	assert.Equal(t, want, viewOf(got).Reminders)
	assert.Equal(t, want, viewOf(e.get(t, u, got.ID)).Reminders, "as stored")

	none := e.create(t, u, api.TaskInput{Title: "call", DueAt: at(due), Reminders: reminders()})
	assert.Empty(t, none.Reminders, "an explicit empty list means none")
	undated := e.create(t, u, api.TaskInput{Title: "call"})
	assert.Empty(t, undated.Reminders, "no due time, nothing to be before")
	other := e.person(t, "America/New_York", nil)
	assert.Empty(t, e.create(t, other, api.TaskInput{Title: "call", DueAt: at(due)}).Reminders, "no default chosen")
}

func dueDayOrTime(t *testing.T, e *env) {
	tokyo := zone(t, "Asia/Tokyo")
	u := e.person(t, "Asia/Tokyo", num(15))
	byDate := e.create(t, u, api.TaskInput{Title: "pay rent", DueDate: str("2030-02-28")})
	old := e.create(t, u, api.TaskInput{Title: "pay rent", DueAt: str("2030-02-28")})
	want := view{Title: "pay rent", DueDate: "2030-02-28", Due: ts(time.Date(2030, 2, 28, 23, 59, 59, 0, tokyo)),
		Priority: api.PriorityMedium, Recurrence: api.RecurNone, Interval: 1, Tags: []string{}, Reminders: []string{}}
	assert.Equal(t, want, viewOf(byDate), "a day, without the default reminder")
	assert.Equal(t, want, viewOf(old), "a date in due_at is the same day (the deprecated shape)")
	assert.Equal(t, want, viewOf(e.get(t, u, byDate.ID)), "as stored")
	timed := e.create(t, u, api.TaskInput{Title: "call", DueAt: str("2030-02-28T23:59:59+09:00")})
	assert.Empty(t, viewOf(timed).DueDate, "a time is a time, even at 23:59:59")
	assert.Len(t, timed.Reminders, 1, "and gets the default reminder")

	for _, c := range []struct {
		in    api.TaskInput
		field string
	}{
		{api.TaskInput{Title: "x", DueDate: str("2030-02-30")}, "due_date"},
		{api.TaskInput{Title: "x", DueDate: str("2030-02-28T09:00:00Z")}, "due_date"},
		{api.TaskInput{Title: "x", DueDate: str("12/08/2030")}, "due_date"},
		{api.TaskInput{Title: "x", DueDate: str("10000-01-01")}, "due_date"},
		{api.TaskInput{Title: "x", DueAt: str("09:00")}, "due_at"},
		{api.TaskInput{Title: "x", DueAt: str("2030-02-30")}, "due_at"},
		{api.TaskInput{Title: "x", DueDate: str("2030-02-28"), DueAt: str("2030-02-28T09:00:00Z")}, "due_date"},
	} {
		_, err := e.svc.Create(e.ctx, u, c.in)
		requireInvalid(t, err, c.field)
	}
	assert.Equal(t, 3, e.total(t, u, tasks.ListInput{}), "nothing more stored")
}

func allDayReminders(t *testing.T, e *env) {
	berlin := zone(t, "Europe/Berlin")
	u := e.person(t, "Europe/Berlin", nil)
	// 29 March 2030 is a Friday; Berlin moves its clocks forward on
	// Sunday 31 March: a reminder at 09:00 that day is 07:00 UTC, the day
	// before 08:00 UTC.
	got := e.create(t, u, api.TaskInput{Title: "clocks", DueDate: str("2030-03-31"), Reminders: reminders(
		api.ReminderInput{BeforeMinutes: num(0), AtTime: "09:00"},
		api.ReminderInput{BeforeMinutes: num(1440), AtTime: "09:00"})})
	assert.Equal(t, []string{
		"1440 min before at 09:00, fires " + ts(time.Date(2030, 3, 30, 9, 0, 0, 0, berlin)),
		"0 min before at 09:00, fires " + ts(time.Date(2030, 3, 31, 9, 0, 0, 0, berlin)),
	}, viewOf(got).Reminders)
	assert.Equal(t, "2030-03-31T07:00:00Z", stamp(got.Reminders[1].FireAt))
	_, err := e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", DueDate: str("2030-03-31"), Reminders: reminders(before(30))})
	requireInvalid(t, err, "reminders[0]")
	_, err = e.svc.Patch(e.ctx, u, got.ID, api.TaskPatch{Reminders: reminders(before(15))})
	requireInvalid(t, err, "reminders[0]")
	assert.Equal(t, viewOf(got), viewOf(e.get(t, u, got.ID)), "unchanged")
}

func patchDayAndTime(t *testing.T, e *env) {
	sydney := zone(t, "Australia/Sydney")
	u := e.person(t, "Australia/Sydney", nil)
	base := e.create(t, u, api.TaskInput{Title: "dentist", DueAt: str("2030-07-01T10:00:00+10:00"),
		Reminders: reminders(before(60), api.ReminderInput{BeforeMinutes: num(1440), AtTime: "18:00"})})
	// To a day: the day-before reminder moves with it, the minutes-before
	// one waits for a time again.
	day, err := e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueDate: api.Value("2030-07-02")})
	require.NoError(t, err)
	assert.Equal(t, "2030-07-02", viewOf(day).DueDate)
	assert.Equal(t, ts(time.Date(2030, 7, 2, 23, 59, 59, 0, sydney)), stamp(day.DueAt))
	assert.Equal(t, []string{
		"1440 min before at 18:00, fires " + ts(time.Date(2030, 7, 1, 18, 0, 0, 0, sydney)),
		"60 min before, fires ",
	}, viewOf(e.get(t, u, base.ID)).Reminders)
	// Back to a time: both fire again.
	timed, err := e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueAt: api.Value("2030-07-02T10:00:00+10:00")})
	require.NoError(t, err)
	assert.Empty(t, viewOf(timed).DueDate)
	assert.Equal(t, "2030-07-02T00:00:00Z", stamp(timed.DueAt))
	assert.Contains(t, viewOf(timed).Reminders, "60 min before, fires 2030-07-01T23:00:00Z")
	// A date in due_at (the deprecated shape) is a day; null clears.
	day, err = e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueAt: api.Value("2030-07-03")})
	require.NoError(t, err)
	assert.Equal(t, "2030-07-03", viewOf(day).DueDate)
	cleared, err := e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueDate: api.Null[string]()})
	require.NoError(t, err)
	assert.Empty(t, viewOf(cleared).DueDate)
	assert.Nil(t, cleared.DueAt)
	// A client of the API before 1.7.0 writes back what it read, the
	// all-day date's instant in due_at: the task stays all day.
	day, err = e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueDate: api.Value("2030-07-03")})
	require.NoError(t, err)
	read := day.DueAt.Format(time.RFC3339)
	kept, err := e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueAt: api.Value(read)})
	require.NoError(t, err)
	assert.Equal(t, "2030-07-03", viewOf(kept).DueDate, "patch of what was read")
	kept, err = e.svc.Replace(e.ctx, u, base.ID, api.TaskInput{Title: "dentist", DueAt: &read})
	require.NoError(t, err)
	assert.Equal(t, "2030-07-03", viewOf(kept).DueDate, "put of what was read")
	moved, err := e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueAt: api.Value("2030-07-03T23:58:00+10:00")})
	require.NoError(t, err)
	assert.Empty(t, viewOf(moved).DueDate, "another time is a time")
	_, err = e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueDate: api.Value("2030-07-03"), DueAt: api.Value("2030-07-03T10:00:00Z")})
	requireInvalid(t, err, "due_date")
	_, err = e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{DueDate: api.Value("")})
	requireInvalid(t, err, "due_date")
}

func allDaySeries(t *testing.T, e *env) {
	la := zone(t, "America/Los_Angeles")
	u := e.person(t, "America/Los_Angeles", nil)
	e.clock.Set(time.Date(2030, 1, 20, 12, 0, 0, 0, time.UTC))
	task := e.create(t, u, api.TaskInput{Title: "invoice", DueDate: str("2030-01-31"), Recurrence: "monthly",
		Reminders: reminders(api.ReminderInput{BeforeMinutes: num(0), AtTime: "08:30"})})
	res, err := e.svc.Complete(e.ctx, u, task.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	assert.Equal(t, "2030-02-28", viewOf(*res.Next).DueDate, "the last day of February")
	assert.Equal(t, ts(time.Date(2030, 2, 28, 23, 59, 59, 0, la)), stamp(res.Next.DueAt))
	assert.Equal(t, []string{"0 min before at 08:30, fires " + ts(time.Date(2030, 2, 28, 8, 30, 0, 0, la))}, viewOf(*res.Next).Reminders)
	// Weekly across the spring DST change (10 March 2030 in Los Angeles):
	// still Sundays.
	weekly := e.create(t, u, api.TaskInput{Title: "plan the week", DueDate: str("2030-03-03"), Recurrence: "weekly"})
	e.clock.Set(time.Date(2030, 3, 4, 12, 0, 0, 0, time.UTC))
	res, err = e.svc.Complete(e.ctx, u, weekly.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	assert.Equal(t, "2030-03-10", viewOf(*res.Next).DueDate)
	res, err = e.svc.Complete(e.ctx, u, res.Next.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	assert.Equal(t, "2030-03-17", viewOf(*res.Next).DueDate)
	assert.Equal(t, ts(time.Date(2030, 3, 17, 23, 59, 59, 0, la)), stamp(res.Next.DueAt), "23:59:59 on the day, in summer time")
}

func timedSeriesAcrossDST(t *testing.T, e *env) {
	santiago := zone(t, "America/Santiago")
	u := e.person(t, "America/Santiago", nil)
	// Chile leaves summer time on the first Sunday of April 2030 (6 April,
	// 24:00 → 23:00): a weekly 09:00 meeting stays at 09:00.
	e.clock.Set(time.Date(2030, 3, 30, 12, 0, 0, 0, time.UTC))
	due := time.Date(2030, 4, 3, 9, 0, 0, 0, santiago)
	task := e.create(t, u, api.TaskInput{Title: "standup", DueAt: at(due), Recurrence: "weekly"})
	res, err := e.svc.Complete(e.ctx, u, task.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	next := res.Next.DueAt.In(santiago)
	assert.Equal(t, "2030-04-10 09:00", next.Format("2006-01-02 15:04"), "09:00 on Santiago's clock")
	assert.NotEqual(t, due.Sub(due.UTC().Truncate(24*time.Hour)), res.Next.DueAt.Sub(res.Next.DueAt.UTC().Truncate(24*time.Hour)),
		"a different time of day in UTC: the offset changed between the two")
}

func seriesDays(t *testing.T, e *env) {
	u := e.person(t, "Europe/Berlin", nil)
	e.clock.Set(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC))
	// Gym every Mon, Wed, Fri at 07:00, from Friday 4 January 2030.
	gym := e.create(t, u, api.TaskInput{Title: "gym", DueAt: str("2030-01-04T07:00:00+01:00"), Recurrence: "weekly",
		RecurrenceWeekdays: []string{"fri", "MON", "wed"}})
	assert.Equal(t, []string{"mon", "wed", "fri"}, gym.RecurrenceWeekdays.Names())
	res, err := e.svc.Complete(e.ctx, u, gym.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	assert.Equal(t, "2030-01-07T06:00:00Z", stamp(res.Next.DueAt), "Monday at 07:00")
	assert.Equal(t, gym.RecurrenceWeekdays, res.Next.RecurrenceWeekdays, "the next one keeps the days")

	// Rent on the 31st, all day: February clamps, March is the 31st again.
	rent := e.create(t, u, api.TaskInput{Title: "rent", DueDate: str("2030-01-31"), Recurrence: "monthly"})
	res, err = e.svc.Complete(e.ctx, u, rent.ID, yes(true))
	require.NoError(t, err)
	assert.Equal(t, "2030-02-28", viewOf(*res.Next).DueDate)
	assert.Equal(t, 31, res.Next.RecurrenceMonthDay, "the series remembers the 31st")
	e.clock.Set(time.Date(2030, 2, 20, 12, 0, 0, 0, time.UTC))
	res, err = e.svc.Complete(e.ctx, u, res.Next.ID, yes(true))
	require.NoError(t, err)
	assert.Equal(t, "2030-03-31", viewOf(*res.Next).DueDate)

	// The last day of each month, and a patch of the days.
	last := e.create(t, u, api.TaskInput{Title: "close the books", DueDate: str("2030-04-30"), Recurrence: "monthly", RecurrenceMonthDay: -1})
	res, err = e.svc.Complete(e.ctx, u, last.ID, yes(true))
	require.NoError(t, err)
	assert.Equal(t, "2030-05-31", viewOf(*res.Next).DueDate)
	patched, err := e.svc.Patch(e.ctx, u, gym.ID, api.TaskPatch{RecurrenceWeekdays: &[]string{"tue"}, RecurrenceMonthDay: num(15)})
	require.NoError(t, err)
	assert.Equal(t, []string{"tue"}, patched.RecurrenceWeekdays.Names())
	assert.Equal(t, 15, patched.RecurrenceMonthDay)

	_, err = e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", Recurrence: "weekly", RecurrenceWeekdays: []string{"mon", "funday"}, RecurrenceMonthDay: 32})
	requireInvalid(t, err, "recurrence_weekdays", "recurrence_month_day")
	_, err = e.svc.Patch(e.ctx, u, gym.ID, api.TaskPatch{RecurrenceMonthDay: num(-2)})
	requireInvalid(t, err, "recurrence_month_day")
}

func unknownPerson(t *testing.T, e *env) {
	_, err := e.svc.Create(e.ctx, "00000000-0000-4000-8000-999999999999", api.TaskInput{Title: "x"})
	require.Error(t, err)
	assert.ErrorIs(t, store.Classify(err), store.ErrUnknownUser)
}

// patchBase is the task every patch case starts from.
func patchBase(t *testing.T, e *env) (string, api.Task) {
	u := e.person(t, "", nil)
	return u, e.create(t, u, api.TaskInput{Title: "Base", Description: "about it", DueAt: at(e.soon(48 * time.Hour)),
		Priority: "low", Tags: []string{"one"}, Recurrence: "weekly", RecurrenceInterval: 1})
}

// patchFieldCases patch one field each and expect that field alone to
// change, in the answer and as stored.
func patchFieldCases() []ruleCase {
	type field struct {
		name  string
		patch func(e *env) api.TaskPatch
		want  func(e *env, v *view)
	}
	fields := []field{
		{"title", func(*env) api.TaskPatch { return api.TaskPatch{Title: str("  Renamed ")} },
			func(_ *env, v *view) { v.Title = "Renamed" }},
		{"description", func(*env) api.TaskPatch { return api.TaskPatch{Description: str("new words")} },
			func(_ *env, v *view) { v.Description = "new words" }},
		{"due_at", func(e *env) api.TaskPatch { return api.TaskPatch{DueAt: api.Value(*at(e.soon(120 * time.Hour)))} },
			func(e *env, v *view) { v.Due = ts(e.soon(120 * time.Hour)) }},
		{"due_at to null", func(*env) api.TaskPatch { return api.TaskPatch{DueAt: api.Null[string]()} },
			func(_ *env, v *view) { v.Due = "" }},
		{"priority", func(*env) api.TaskPatch { return api.TaskPatch{Priority: str("HIGH")} },
			func(_ *env, v *view) { v.Priority = api.PriorityHigh }},
		{"tags", func(*env) api.TaskPatch { return api.TaskPatch{Tags: &[]string{"Two", "#one"}} },
			func(_ *env, v *view) { v.Tags = []string{"one", "Two"} }},
		{"recurrence", func(*env) api.TaskPatch { return api.TaskPatch{Recurrence: str("Monthly")} },
			func(_ *env, v *view) { v.Recurrence = api.RecurMonthly }},
		{"recurrence_interval", func(*env) api.TaskPatch { return api.TaskPatch{RecurrenceInterval: num(3)} },
			func(_ *env, v *view) { v.Interval = 3 }},
		{"completed", func(*env) api.TaskPatch { return api.TaskPatch{Completed: yes(true)} },
			func(e *env, v *view) { v.Completed, v.CompletedAt = true, ts(e.clock.Now()) }},
		{"reminders", func(*env) api.TaskPatch { return api.TaskPatch{Reminders: reminders(before(15))} },
			func(e *env, v *view) {
				v.Reminders = []string{"15 min before, fires " + ts(e.soon(48*time.Hour).Add(-15*time.Minute))}
			}},
	}
	out := make([]ruleCase, len(fields))
	for i, f := range fields {
		out[i] = ruleCase{"patch of " + f.name + " changes it alone", func(t *testing.T, e *env) {
			u, base := patchBase(t, e)
			want := viewOf(base)
			f.want(e, &want)
			got, err := e.svc.Patch(e.ctx, u, base.ID, f.patch(e))
			require.NoError(t, err)
			assert.Equal(t, want, viewOf(got))
			assert.Equal(t, want, viewOf(e.get(t, u, base.ID)), "as stored")
		}}
	}
	return out
}

func patchNothing(t *testing.T, e *env) {
	u, base := patchBase(t, e)
	got, err := e.svc.Patch(e.ctx, u, base.ID, api.TaskPatch{})
	require.NoError(t, err)
	assert.Equal(t, viewOf(base), viewOf(got))
	assert.Equal(t, viewOf(base), viewOf(e.get(t, u, base.ID)))
}

func patchInvalid(t *testing.T, e *env) {
	u, base := patchBase(t, e)
	past := e.clock.Now().Add(-time.Hour)
	for _, c := range []struct {
		patch api.TaskPatch
		field string
	}{
		{api.TaskPatch{Title: str(" ")}, "title"},
		{api.TaskPatch{Priority: str(" ")}, "priority"},
		{api.TaskPatch{DueAt: api.Value("soon")}, "due_at"},
		{api.TaskPatch{Recurrence: str("")}, "recurrence"},
		{api.TaskPatch{RecurrenceInterval: num(0)}, "recurrence_interval"},
		{api.TaskPatch{Tags: &[]string{""}}, "tags"},
		// Found wrong inside the transaction, after the title was applied
		// to the row read: the title must not be written either.
		{api.TaskPatch{Title: str("changed"), RecurrenceInterval: num(tasks.MaxInterval + 1)}, "recurrence_interval"},
		{api.TaskPatch{Title: str("changed"), Reminders: reminders(api.ReminderInput{At: at(past)})}, "reminders[0]"},
	} {
		_, err := e.svc.Patch(e.ctx, u, base.ID, c.patch)
		requireInvalid(t, err, c.field)
	}
	assert.Equal(t, viewOf(base), viewOf(e.get(t, u, base.ID)), "unchanged")
}

func patchMovesReminders(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	due, alarm := e.soon(48*time.Hour), e.soon(24*time.Hour)
	task := e.create(t, u, api.TaskInput{Title: "x", DueAt: at(due), Reminders: reminders(before(60), api.ReminderInput{At: at(alarm)})})
	assert.Equal(t, []string{"at " + ts(alarm), "60 min before, fires " + ts(due.Add(-time.Hour))}, viewOf(task).Reminders)
	later := due.Add(24 * time.Hour)
	got, err := e.svc.Patch(e.ctx, u, task.ID, api.TaskPatch{DueAt: api.Value(*at(later))})
	require.NoError(t, err)
	want := []string{"at " + ts(alarm), "60 min before, fires " + ts(later.Add(-time.Hour))}
	assert.Equal(t, want, viewOf(got).Reminders)
	assert.Equal(t, want, viewOf(e.get(t, u, task.ID)).Reminders, "as stored")
}

func replaceKeepsCompletion(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	due, due2 := e.soon(48*time.Hour), e.soon(72*time.Hour)
	task := e.create(t, u, api.TaskInput{Title: "A", Description: "d", DueAt: at(due), Priority: "high",
		Tags: []string{"x", "y"}, Reminders: reminders(before(30))})
	_, err := e.svc.Complete(e.ctx, u, task.ID, yes(true))
	require.NoError(t, err)
	got, err := e.svc.Replace(e.ctx, u, task.ID, api.TaskInput{Title: "B", DueAt: at(due2), Tags: []string{"z"}})
	require.NoError(t, err)
	want := view{Title: "B", Due: ts(due2), Priority: api.PriorityMedium, Recurrence: api.RecurNone, Interval: 1,
		Completed: true, CompletedAt: ts(e.clock.Now()), Tags: []string{"z"},
		// Not given: kept, and moved with the due time.
		Reminders: []string{"30 min before, fires " + ts(due2.Add(-30*time.Minute))}}
	assert.Equal(t, want, viewOf(got))
	assert.Equal(t, want, viewOf(e.get(t, u, task.ID)), "as stored")
	got, err = e.svc.Replace(e.ctx, u, task.ID, api.TaskInput{Title: "B", DueAt: at(due2), Reminders: reminders()})
	require.NoError(t, err)
	assert.Empty(t, got.Reminders, "[] removes them")
	assert.Empty(t, got.Tags, "no tags given replaces them with none")
}

func completeRecurring(t *testing.T, e *env) {
	berlin := zone(t, "Europe/Berlin")
	u := e.person(t, "Europe/Berlin", nil)
	due := e.soon(3 * time.Hour)
	task := e.create(t, u, api.TaskInput{Title: "Water plants", Description: "balcony", DueAt: at(due), Priority: "high",
		Tags: []string{"Home", "garden"}, Recurrence: "weekly", RecurrenceInterval: 2,
		Reminders: reminders(before(30), api.ReminderInput{BeforeMinutes: num(1440), AtTime: "08:00"},
			api.ReminderInput{At: at(e.soon(time.Hour))})})
	res, err := e.svc.Complete(e.ctx, u, task.ID, nil)
	require.NoError(t, err)
	assert.True(t, res.Task.Completed)
	assert.Equal(t, ts(e.clock.Now()), stamp(res.Task.CompletedAt))
	require.NotNil(t, res.Next, "the next occurrence")
	next := due.In(berlin).AddDate(0, 0, 14) // 14 days on Berlin's clock
	day := next.In(berlin).AddDate(0, 0, -1)
	want := view{Title: "Water plants", Description: "balcony", Due: ts(next), Priority: api.PriorityHigh,
		Recurrence: api.RecurWeekly, Interval: 2, Tags: []string{"garden", "Home"},
		// The relative reminders, timed from the new due time (08:00 in
		// Berlin the day before); the one at a fixed time is not carried.
		Reminders: []string{
			"1440 min before at 08:00, fires " + ts(time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, berlin)),
			"30 min before, fires " + ts(next.Add(-30*time.Minute)),
		}}
	assert.Equal(t, want, viewOf(*res.Next))
	assert.Equal(t, want, viewOf(e.get(t, u, res.Next.ID)), "as stored")
	assert.NotEqual(t, task.ID, res.Next.ID)
	assert.Equal(t, []string{"Water plants"}, e.titles(t, u, tasks.ListInput{Status: "pending"}))
	assert.Equal(t, 2, e.total(t, u, tasks.ListInput{}))
}

func completeOverdueRecurring(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	due := e.soon(-10*24*time.Hour + 2*time.Hour)
	task := e.create(t, u, api.TaskInput{Title: "stretch", DueAt: at(due), Recurrence: "daily"})
	res, err := e.svc.Complete(e.ctx, u, task.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	assert.Equal(t, ts(due.AddDate(0, 0, 10)), stamp(res.Next.DueAt), "the first day still ahead")
}

func completeOneOff(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	task := e.create(t, u, api.TaskInput{Title: "once"})
	res, err := e.svc.Complete(e.ctx, u, task.ID, nil)
	require.NoError(t, err)
	assert.True(t, res.Task.Completed)
	assert.Equal(t, ts(e.clock.Now()), stamp(res.Task.CompletedAt))
	assert.Nil(t, res.Next)
	res, err = e.svc.Complete(e.ctx, u, task.ID, nil)
	require.NoError(t, err)
	assert.False(t, res.Task.Completed, "no value toggles")
	assert.Nil(t, res.Task.CompletedAt)
	assert.Nil(t, res.RemovedNextID)
	res, err = e.svc.Complete(e.ctx, u, task.ID, yes(false))
	require.NoError(t, err)
	assert.False(t, res.Task.Completed, "false on an open task leaves it open")
	assert.Equal(t, 1, e.total(t, u, tasks.ListInput{}))
}

// completed completes a new daily task and returns it and its next
// occurrence.
func (e *env) completed(t *testing.T, u string) (api.Task, api.Task) {
	t.Helper()
	task := e.create(t, u, api.TaskInput{Title: "daily", DueAt: at(e.soon(time.Hour)), Recurrence: "daily",
		Tags: []string{"t"}, Reminders: reminders(before(10))})
	res, err := e.svc.Complete(e.ctx, u, task.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	return res.Task, *res.Next
}

func reopenRemovesUntouched(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	task, next := e.completed(t, u)
	res, err := e.svc.Complete(e.ctx, u, task.ID, yes(false))
	require.NoError(t, err)
	assert.False(t, res.Task.Completed)
	require.NotNil(t, res.RemovedNextID, "the answer names what it removed")
	assert.Equal(t, next.ID, *res.RemovedNextID)
	_, err = e.svc.Get(e.ctx, u, next.ID)
	requireNotFound(t, err)
	assert.Equal(t, 1, e.total(t, u, tasks.ListInput{}))
}

func reopenKeepsTouched(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	task, next := e.completed(t, u)
	_, err := e.svc.Patch(e.ctx, u, next.ID, api.TaskPatch{Title: str("daily, moved")})
	require.NoError(t, err)
	res, err := e.svc.Complete(e.ctx, u, task.ID, yes(false))
	require.NoError(t, err)
	assert.Nil(t, res.RemovedNextID)
	assert.Equal(t, "daily, moved", e.get(t, u, next.ID).Title, "an edited occurrence is kept")

	task, next = e.completed(t, u)
	_, err = e.svc.Complete(e.ctx, u, next.ID, yes(true))
	require.NoError(t, err)
	res, err = e.svc.Complete(e.ctx, u, task.ID, yes(false))
	require.NoError(t, err)
	assert.Nil(t, res.RemovedNextID)
	assert.True(t, e.get(t, u, next.ID).Completed, "a completed occurrence is kept")
}

func reopenByPatch(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	task, next := e.completed(t, u)
	got, err := e.svc.Patch(e.ctx, u, task.ID, api.TaskPatch{Completed: yes(false)})
	require.NoError(t, err)
	assert.False(t, got.Completed)
	_, err = e.svc.Get(e.ctx, u, next.ID)
	requireNotFound(t, err)
}

func deleteRestore(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	task := e.create(t, u, api.TaskInput{Title: "bin me", DueAt: at(e.soon(48 * time.Hour)), Tags: []string{"x"},
		Reminders: reminders(before(60))})
	require.NoError(t, e.svc.Delete(e.ctx, u, task.ID))
	_, err := e.svc.Get(e.ctx, u, task.ID)
	requireNotFound(t, err)
	assert.Zero(t, e.total(t, u, tasks.ListInput{}))
	tags, err := e.svc.Tags(e.ctx, u)
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1, "the tag stays")
	assert.Zero(t, tags.Tags[0].TaskCount, "counting no deleted task")
	requireNotFound(t, e.svc.Delete(e.ctx, u, task.ID))
	_, err = e.svc.Patch(e.ctx, u, task.ID, api.TaskPatch{Title: str("y")})
	requireNotFound(t, err)
	_, err = e.svc.Complete(e.ctx, u, task.ID, nil)
	requireNotFound(t, err)

	back, err := e.svc.Restore(e.ctx, u, task.ID)
	require.NoError(t, err)
	assert.Equal(t, task.ID, back.ID)
	assert.Equal(t, viewOf(task), viewOf(back), "the same task, tags and reminders")
	tags, err = e.svc.Tags(e.ctx, u)
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1)
	assert.Equal(t, 1, tags.Tags[0].TaskCount)
	_, err = e.svc.Restore(e.ctx, u, task.ID)
	requireNotFound(t, err)
}

func restoreRetention(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	kept := e.create(t, u, api.TaskInput{Title: "kept"})
	lost := e.create(t, u, api.TaskInput{Title: "lost"})
	require.NoError(t, e.svc.Delete(e.ctx, u, kept.ID))
	require.NoError(t, e.svc.Delete(e.ctx, u, lost.ID))
	e.clock.Advance(29 * 24 * time.Hour)
	n, err := e.svc.Purge(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "29 days on, nothing is purged")
	_, err = e.svc.Restore(e.ctx, u, kept.ID)
	require.NoError(t, err)
	e.clock.Advance(2 * 24 * time.Hour)
	n, err = e.svc.Purge(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "31 days on, the one still deleted is purged")
	_, err = e.svc.Restore(e.ctx, u, lost.ID)
	requireNotFound(t, err)
	assert.ErrorContains(t, err, "30 days")
	assert.Equal(t, []string{"kept"}, e.titles(t, u, tasks.ListInput{}))
}

func isolation(t *testing.T, e *env) {
	a, b := e.person(t, "", nil), e.person(t, "", nil)
	task := e.create(t, a, api.TaskInput{Title: "mine", DueAt: at(e.soon(2 * time.Hour)), Recurrence: "daily",
		Tags: []string{"secret"}, Reminders: reminders(before(10))})
	gone := e.create(t, a, api.TaskInput{Title: "binned"})
	require.NoError(t, e.svc.Delete(e.ctx, a, gone.ID))

	_, err := e.svc.Get(e.ctx, b, task.ID)
	requireNotFound(t, err)
	_, err = e.svc.Patch(e.ctx, b, task.ID, api.TaskPatch{Title: str("theirs")})
	requireNotFound(t, err)
	_, err = e.svc.Replace(e.ctx, b, task.ID, api.TaskInput{Title: "theirs"})
	requireNotFound(t, err)
	_, err = e.svc.Complete(e.ctx, b, task.ID, nil)
	requireNotFound(t, err)
	_, err = e.svc.Snooze(e.ctx, b, task.ID, 10)
	requireNotFound(t, err)
	requireNotFound(t, e.svc.Delete(e.ctx, b, task.ID))
	_, err = e.svc.Restore(e.ctx, b, gone.ID)
	requireNotFound(t, err)
	mine, err := e.svc.Tags(e.ctx, a)
	require.NoError(t, err)
	requireNotFound(t, e.svc.DeleteTag(e.ctx, b, mine.Tags[0].ID))

	assert.Zero(t, e.total(t, b, tasks.ListInput{}))
	theirs, err := e.svc.Tags(e.ctx, b)
	require.NoError(t, err)
	assert.Empty(t, theirs.Tags)
	sum, err := e.svc.Summary(e.ctx, b, "")
	require.NoError(t, err)
	assert.Zero(t, sum.Open)
	agenda, err := e.svc.Agenda(e.ctx, b, tasks.AgendaInput{})
	require.NoError(t, err)
	for _, d := range agenda.Days {
		assert.Empty(t, d.Items)
	}

	assert.Equal(t, viewOf(task), viewOf(e.get(t, a, task.ID)), "untouched")
	_, err = e.svc.Restore(e.ctx, a, gone.ID)
	require.NoError(t, err, "still restorable by its owner")
}

func tagsIgnoreCase(t *testing.T, e *env) {
	a, b := e.person(t, "", nil), e.person(t, "", nil)
	first := e.create(t, a, api.TaskInput{Title: "first", Tags: []string{"Home"}})
	second := e.create(t, a, api.TaskInput{Title: "second", Tags: []string{"HOME", "work"}})
	assert.Equal(t, []string{"Home", "work"}, second.Tags, "an existing tag keeps its spelling")
	e.create(t, b, api.TaskInput{Title: "theirs", Tags: []string{"home"}})

	list, err := e.svc.Tags(e.ctx, a)
	require.NoError(t, err)
	counts := func(l api.TagList) []string {
		out := []string{}
		for _, g := range l.Tags {
			out = append(out, fmt.Sprintf("%s %d/%d", g.Name, g.OpenCount, g.TaskCount))
		}
		return out
	}
	assert.Equal(t, []string{"Home 2/2", "work 1/1"}, counts(list))
	theirs, err := e.svc.Tags(e.ctx, b)
	require.NoError(t, err)
	assert.Equal(t, []string{"home 1/1"}, counts(theirs), "another person's tag of the same name is their own")

	assert.ElementsMatch(t, []string{"first", "second"}, e.titles(t, a, tasks.ListInput{Tags: []string{"hOmE"}}))
	assert.Equal(t, []string{"second"}, e.titles(t, a, tasks.ListInput{Tags: []string{"home", "WORK"}}))

	_, err = e.svc.Complete(e.ctx, a, first.ID, yes(true))
	require.NoError(t, err)
	list, err = e.svc.Tags(e.ctx, a)
	require.NoError(t, err)
	assert.Equal(t, []string{"Home 1/2", "work 1/1"}, counts(list))
	require.NoError(t, e.svc.DeleteTag(e.ctx, a, list.Tags[1].ID))
	assert.Equal(t, []string{"Home"}, e.get(t, a, second.ID).Tags)
}

func listOrder(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	_, err := e.svc.List(e.ctx, u, tasks.ListInput{Status: "done", Sort: "size", Order: "up", Limit: tasks.MaxLimit + 1,
		Offset: -1, DueFrom: "2030-02-01", DueTo: "2030-01-01"})
	requireInvalid(t, err, "status", "sort", "order", "limit", "offset", "due_to")
	e.create(t, u, api.TaskInput{Title: "later", DueAt: at(e.soon(72 * time.Hour))})
	e.create(t, u, api.TaskInput{Title: "undated"})
	e.create(t, u, api.TaskInput{Title: "sooner", DueAt: at(e.soon(24 * time.Hour))})
	assert.Equal(t, []string{"sooner", "later", "undated"}, e.titles(t, u, tasks.ListInput{Sort: "due"}))
	assert.Equal(t, []string{"later", "sooner", "undated"}, e.titles(t, u, tasks.ListInput{Sort: "due", Order: "desc"}))
	l, err := e.svc.List(e.ctx, u, tasks.ListInput{Sort: "due", Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, 3, l.Total)
	require.NotNil(t, l.NextOffset)
	assert.Equal(t, 2, *l.NextOffset)
}

// agendaNow is a Saturday morning in Auckland (UTC+12) while it is still
// Friday in UTC, so that a day read in the wrong zone lands elsewhere.
func agendaNow() time.Time { return time.Date(2030, 6, 14, 23, 30, 0, 0, time.UTC) }

func agendaInZone(t *testing.T, e *env) {
	e.clock.Set(agendaNow())
	u := e.person(t, "Pacific/Auckland", nil)
	add := func(title string, due time.Time, rule string) api.Task {
		return e.create(t, u, api.TaskInput{Title: title, DueAt: at(due), Recurrence: rule})
	}
	add("long overdue", time.Date(2030, 6, 10, 10, 0, 0, 0, time.UTC), "")
	add("earlier today", time.Date(2030, 6, 14, 20, 0, 0, 0, time.UTC), "") // 08:00 in Auckland
	add("later today", time.Date(2030, 6, 15, 5, 0, 0, 0, time.UTC), "")    // 17:00
	add("tomorrow", time.Date(2030, 6, 15, 13, 0, 0, 0, time.UTC), "")      // 01:00 on the 16th
	add("daily", time.Date(2030, 6, 15, 8, 0, 0, 0, time.UTC), "daily")     // 20:00
	add("last day", time.Date(2030, 6, 21, 11, 0, 0, 0, time.UTC), "")      // 23:00 on the 21st
	add("beyond", time.Date(2030, 6, 21, 12, 30, 0, 0, time.UTC), "")       // 00:30 on the 22nd
	done := add("done", time.Date(2030, 6, 15, 6, 0, 0, 0, time.UTC), "")
	_, err := e.svc.Complete(e.ctx, u, done.ID, yes(true))
	require.NoError(t, err)
	e.create(t, u, api.TaskInput{Title: "undated"})
	// All day on the 14th: over in Auckland, where it is the 15th; still
	// today in UTC, where it is 23:30 on the 14th. Weekly from the 16th.
	e.create(t, u, api.TaskInput{Title: "all day", DueDate: str("2030-06-14")})
	e.create(t, u, api.TaskInput{Title: "weekly all day", DueDate: str("2030-06-16"), Recurrence: "weekly"})

	days := func(a api.Agenda) map[string][]string {
		out := map[string][]string{}
		for _, d := range a.Days {
			for _, it := range d.Items {
				name := it.Task.Title
				if it.Occurrence {
					name += " (again)"
				}
				out[d.Date] = append(out[d.Date], name)
			}
		}
		return out
	}
	a, err := e.svc.Agenda(e.ctx, u, tasks.AgendaInput{})
	require.NoError(t, err)
	assert.Equal(t, "Pacific/Auckland", a.TimeZone)
	require.Len(t, a.Days, tasks.DefaultAgendaDays)
	assert.Equal(t, "2030-06-15", a.Days[0].Date)
	assert.Equal(t, []string{"long overdue", "all day", "earlier today"}, titlesOf(a.Overdue))
	assert.Equal(t, map[string][]string{
		"2030-06-15": {"later today", "daily"},
		"2030-06-16": {"tomorrow", "daily (again)", "weekly all day"},
		"2030-06-17": {"daily (again)"},
		"2030-06-18": {"daily (again)"},
		"2030-06-19": {"daily (again)"},
		"2030-06-20": {"daily (again)"},
		"2030-06-21": {"daily (again)", "last day"},
	}, days(a))
	for _, d := range a.Days {
		for _, it := range d.Items {
			if it.Task.Title == "weekly all day" {
				require.NotNil(t, it.DueDate)
				assert.Equal(t, d.Date, it.DueDate.String(), "an all-day item carries its date")
			}
		}
	}

	a, err = e.svc.Agenda(e.ctx, u, tasks.AgendaInput{Days: "2", TimeZone: "UTC"})
	require.NoError(t, err)
	assert.Equal(t, "2030-06-14", a.Days[0].Date)
	assert.Equal(t, []string{"long overdue", "earlier today"}, titlesOf(a.Overdue))
	assert.Equal(t, map[string][]string{"2030-06-14": {"all day"}, "2030-06-15": {"later today", "daily", "tomorrow"}}, days(a))

	_, err = e.svc.Agenda(e.ctx, u, tasks.AgendaInput{Days: "0", TimeZone: "Mars/Olympus"})
	requireInvalid(t, err, "days", "time_zone")
}

func agendaFarZone(t *testing.T, e *env) {
	e.clock.Set(agendaNow()) // 14 June 2030, 23:30 UTC
	// The person is in Etc/GMT+12 (14 June, 11:30); the agenda is asked in
	// Pacific/Kiritimati (15 June, 13:30), 26 hours ahead: its week is the
	// 15th to the 21st, and the instant stored for the 21st (its end in
	// Etc/GMT+12) lies 26 hours past the week's end there.
	u := e.person(t, "Etc/GMT+12", nil)
	for _, d := range []string{"2030-06-16", "2030-06-18", "2030-06-21", "2030-06-22"} {
		e.create(t, u, api.TaskInput{Title: d, DueDate: str(d)})
	}
	a, err := e.svc.Agenda(e.ctx, u, tasks.AgendaInput{Days: "7", TimeZone: "Pacific/Kiritimati"})
	require.NoError(t, err, "no day out of range")
	require.Len(t, a.Days, 7)
	assert.Equal(t, "2030-06-15", a.Days[0].Date)
	got := map[string][]string{}
	for _, d := range a.Days {
		for _, it := range d.Items {
			got[d.Date] = append(got[d.Date], it.Task.Title)
		}
	}
	assert.Equal(t, map[string][]string{"2030-06-16": {"2030-06-16"}, "2030-06-18": {"2030-06-18"}, "2030-06-21": {"2030-06-21"}}, got,
		"each on its date, the last day's too, the 22nd beyond the week")

	// The other way: a person in Kiritimati, the agenda in Etc/GMT+12.
	v := e.person(t, "Pacific/Kiritimati", nil)
	for _, d := range []string{"2030-06-14", "2030-06-20", "2030-06-21"} {
		e.create(t, v, api.TaskInput{Title: d, DueDate: str(d)})
	}
	a, err = e.svc.Agenda(e.ctx, v, tasks.AgendaInput{Days: "7", TimeZone: "Etc/GMT+12"})
	require.NoError(t, err, "no day out of range")
	got = map[string][]string{}
	for _, d := range a.Days {
		for _, it := range d.Items {
			got[d.Date] = append(got[d.Date], it.Task.Title)
		}
	}
	assert.Equal(t, map[string][]string{"2030-06-14": {"2030-06-14"}, "2030-06-20": {"2030-06-20"}}, got)
}

func summaryInZone(t *testing.T, e *env) {
	u := e.person(t, "Pacific/Auckland", nil)
	finish := func(title string, when time.Time) {
		e.clock.Set(when)
		task := e.create(t, u, api.TaskInput{Title: title})
		_, err := e.svc.Complete(e.ctx, u, task.ID, yes(true))
		require.NoError(t, err)
	}
	// The week begins on Monday 10 June in Auckland, 12:00 on the 9th in UTC.
	finish("done last week", time.Date(2030, 6, 9, 11, 0, 0, 0, time.UTC)) // Sunday 23:00 there
	finish("done on Monday", time.Date(2030, 6, 9, 13, 0, 0, 0, time.UTC)) // Monday 01:00 there, Sunday in UTC
	finish("done today", agendaNow())
	add := func(title string, due string, tags ...string) {
		e.create(t, u, api.TaskInput{Title: title, DueAt: &due, Tags: tags})
	}
	add("long overdue", "2030-06-10T10:00:00Z", "late")
	add("earlier today", "2030-06-14T20:00:00Z") // overdue, and due today in Auckland
	add("later today", "2030-06-15T05:00:00Z")
	add("any time today", "2030-06-15") // the end of the day in Auckland
	add("tomorrow", "2030-06-15T13:00:00Z")
	e.create(t, u, api.TaskInput{Title: "undated"})

	s, err := e.svc.Summary(e.ctx, u, "")
	require.NoError(t, err)
	assert.Equal(t, "Pacific/Auckland", s.TimeZone)
	assert.Equal(t, []int{6, 3, 2, 2}, []int{s.Open, s.DueToday, s.Overdue, s.DoneThisWeek}, "open, due today, overdue, done this week")
	assert.Equal(t, []string{"long overdue", "earlier today"}, titlesOf(s.OverdueTasks))
	assert.Equal(t, []string{"late"}, s.OverdueTasks[0].Tags, "the lists carry their tags")
	assert.Equal(t, []string{"later today", "any time today", "tomorrow"}, titlesOf(s.Upcoming))

	s, err = e.svc.Summary(e.ctx, u, "UTC")
	require.NoError(t, err)
	assert.Equal(t, []int{6, 1, 2, 1}, []int{s.Open, s.DueToday, s.Overdue, s.DoneThisWeek}, "the same tasks read in UTC")
}

func snooze(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	due := e.soon(48 * time.Hour)
	task := e.create(t, u, api.TaskInput{Title: "x", DueAt: at(due), Reminders: reminders(before(10), before(20), before(30), before(40), before(50))})
	for _, n := range []int{0, -5, 24*60 + 1} {
		_, err := e.svc.Snooze(e.ctx, u, task.ID, n)
		requireInvalid(t, err, "minutes")
	}
	assert.Equal(t, viewOf(task), viewOf(e.get(t, u, task.ID)), "unchanged")

	got, err := e.svc.Snooze(e.ctx, u, task.ID, 15)
	require.NoError(t, err)
	fires := func(n int) string {
		return fmt.Sprintf("%d min before, fires %s", n, ts(due.Add(-time.Duration(n)*time.Minute)))
	}
	want := []string{"at " + ts(e.clock.Now().Add(15*time.Minute)), fires(50), fires(40), fires(30), fires(20)}
	assert.Equal(t, want, viewOf(got).Reminders, "five at most: the oldest makes room")
	assert.Equal(t, want, viewOf(e.get(t, u, task.ID)).Reminders, "as stored")

	// A reminder that has fired makes room first.
	fired, future := e.clock.Now().Add(-time.Minute), e.clock.Now().Add(time.Hour)
	require.NoError(t, e.st.WithTx(e.ctx, func(ctx context.Context, tx tasks.Tx) error {
		row, err := tx.GetTaskForUpdate(ctx, u, task.ID)
		if err != nil {
			return err
		}
		return tx.SetReminders(ctx, &row, []store.Reminder{
			{At: &fired, FireAt: &fired, FiredAt: &fired}, {At: &future, FireAt: &future},
		})
	}))
	got, err = e.svc.Snooze(e.ctx, u, task.ID, 24*60)
	require.NoError(t, err)
	assert.Equal(t, []string{"at " + ts(future), "at " + ts(e.clock.Now().Add(24*time.Hour))}, viewOf(got).Reminders)
	_, err = e.svc.Snooze(e.ctx, u, task.ID, 1)
	require.NoError(t, err, "one minute is the least")
}

func failedTransaction(t *testing.T, e *env) {
	errBoom := errors.New("boom")
	u := e.person(t, "", nil)
	future := e.clock.Now().Add(time.Hour)
	write := func(title string, fail error) error {
		return e.st.WithTx(e.ctx, func(ctx context.Context, tx tasks.Tx) error {
			row := store.Task{UserID: u, TaskFields: api.TaskFields{Title: title, Priority: api.PriorityMedium,
				Recurrence: api.RecurNone, RecurrenceInterval: 1}}
			if err := tx.InsertTask(ctx, &row, []string{title + "-tag"}); err != nil {
				return err
			}
			if err := tx.SetReminders(ctx, &row, []store.Reminder{{At: &future, FireAt: &future}}); err != nil {
				return err
			}
			return fail
		})
	}
	require.ErrorIs(t, write("ghost", errBoom), errBoom)
	assert.Zero(t, e.total(t, u, tasks.ListInput{}), "no task")
	tags, err := e.svc.Tags(e.ctx, u)
	require.NoError(t, err)
	assert.Empty(t, tags.Tags, "no tag")

	require.NoError(t, write("real", nil))
	l, err := e.svc.List(e.ctx, u, tasks.ListInput{})
	require.NoError(t, err)
	require.Len(t, l.Tasks, 1)
	assert.Equal(t, []string{"real-tag"}, l.Tasks[0].Tags)
	assert.Len(t, l.Tasks[0].Reminders, 1)
}
