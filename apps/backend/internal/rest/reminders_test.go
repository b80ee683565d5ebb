package rest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

func minutes(n int) *int { return &n }

func stamp(t time.Time) *string {
	s := t.Format(time.RFC3339)
	return &s
}

// Reminders are part of a task: set with it, listed with it in firing
// order, moved with its due time, replaced or cleared by a patch.
func TestRemindersFollowTheirTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	due := time.Now().Add(48 * time.Hour).Truncate(time.Minute).UTC()
	at := due.Add(-36 * time.Hour)
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "Dentist", DueAt: stamp(due),
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(30)}, {At: stamp(at)}}})
	require.NoError(t, err)
	require.Len(t, task.Reminders, 2)
	assert.Equal(t, at, *task.Reminders[0].FireAt, "in firing order: the absolute one is first")
	assert.Equal(t, due.Add(-30*time.Minute), *task.Reminders[1].FireAt)
	assert.Equal(t, 30, *task.Reminders[1].BeforeMinutes)
	assert.Nil(t, task.Reminders[1].FiredAt)

	later := due.Add(24 * time.Hour)
	moved, err := ada.PatchTask(ctx, task.ID, api.TaskPatch{DueAt: api.Value(later.Format(time.RFC3339))})
	require.NoError(t, err)
	require.Len(t, moved.Reminders, 2)
	assert.Equal(t, at, *moved.Reminders[0].FireAt, "an absolute reminder stays")
	assert.Equal(t, later.Add(-30*time.Minute), *moved.Reminders[1].FireAt, "a relative one follows the due time")

	got, err := ada.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, moved.Reminders, got.Reminders)
	list, err := ada.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	assert.Equal(t, moved.Reminders, list.Tasks[0].Reminders, "lists carry them too")

	cleared, err := ada.PatchTask(ctx, task.ID, api.TaskPatch{Reminders: &[]api.ReminderInput{}})
	require.NoError(t, err)
	assert.Empty(t, cleared.Reminders)
	assert.NotNil(t, cleared.Reminders, "an empty list, not null")

	// A PUT without reminders keeps them; with some, replaces them.
	withOne, err := ada.PatchTask(ctx, task.ID, api.TaskPatch{Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(60)}}})
	require.NoError(t, err)
	require.Len(t, withOne.Reminders, 1)
	put, err := ada.ReplaceTask(ctx, task.ID, api.TaskInput{Title: "Dentist (moved)", DueAt: stamp(later)})
	require.NoError(t, err)
	assert.Equal(t, withOne.Reminders, put.Reminders)
}

// "The day before at 9:00" is in the person's zone.
func TestReminderAtAClockTimeIsInThePersonsZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "paris@example.com", Password: "correct horse battery", TimeZone: "Europe/Paris"})
	require.NoError(t, err)
	ada := b.Client.WithAuth(res)
	paris, _ := time.LoadLocation("Europe/Paris")
	due := time.Date(time.Now().Year()+1, 3, 10, 15, 0, 0, 0, paris)
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "Exam", DueAt: stamp(due),
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(24 * 60), AtTime: "09:00"}}})
	require.NoError(t, err)
	require.Len(t, task.Reminders, 1)
	assert.Equal(t, time.Date(due.Year(), 3, 9, 9, 0, 0, 0, paris).UTC(), *task.Reminders[0].FireAt)
	assert.Equal(t, "09:00", task.Reminders[0].AtTime)
}

func TestReminderRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	due := stamp(time.Now().Add(24 * time.Hour))
	past := stamp(time.Now().Add(-time.Hour))
	cases := []struct {
		name  string
		in    api.TaskInput
		field string
		says  string
	}{
		{"in the past", api.TaskInput{Title: "x", Reminders: &[]api.ReminderInput{{At: past}}}, "reminders[0]", "must be in the future"},
		{"not a time", api.TaskInput{Title: "x", Reminders: &[]api.ReminderInput{{At: ptr("tomorrow")}}}, "reminders[0]", "RFC 3339"},
		{"before with no due time", api.TaskInput{Title: "x", Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(10)}}}, "reminders[0]", "needs a due time"},
		{"both", api.TaskInput{Title: "x", DueAt: due, Reminders: &[]api.ReminderInput{{At: due, BeforeMinutes: minutes(10)}}}, "reminders[0]", "either at"},
		{"neither", api.TaskInput{Title: "x", Reminders: &[]api.ReminderInput{{}}}, "reminders[0]", "either at"},
		{"too far before", api.TaskInput{Title: "x", DueAt: due, Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(50000)}}}, "reminders[0]", "between 0 and 43200"},
		{"a clock time on a part day", api.TaskInput{Title: "x", DueAt: due, Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(90), AtTime: "09:00"}}}, "reminders[0]", "whole days"},
		{"a bad clock time", api.TaskInput{Title: "x", DueAt: due, Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(1440), AtTime: "25:00"}}}, "reminders[0]", "HH:MM"},
		{"too many", api.TaskInput{Title: "x", DueAt: due, Reminders: ptr(make([]api.ReminderInput, 6))}, "reminders", "at most 5"},
	}
	for _, c := range cases {
		_, err := ada.CreateTask(ctx, c.in)
		e, ok := apierror.As(err)
		require.True(t, ok, "%s: %v", c.name, err)
		assert.Equal(t, http.StatusUnprocessableEntity, e.Status, c.name)
		assert.Contains(t, e.Fields[c.field], c.says, c.name)
	}
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Zero(t, list.Total, "nothing half-written")

	// Clearing the due time of a task with a relative reminder is refused
	// when the patch keeps that reminder … and the reminder simply stops
	// firing when the patch does not mention reminders.
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "y", DueAt: due, Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(5)}}})
	require.NoError(t, err)
	_, err = ada.PatchTask(ctx, task.ID, api.TaskPatch{DueAt: api.Null[string](), Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(5)}}})
	assert.Equal(t, http.StatusUnprocessableEntity, status(err))
	undated, err := ada.PatchTask(ctx, task.ID, api.TaskPatch{DueAt: api.Null[string]()})
	require.NoError(t, err)
	require.Len(t, undated.Reminders, 1)
	assert.Nil(t, undated.Reminders[0].FireAt, "kept, but with nothing to be before it does not fire")
}

// A due reminder fires once, from the backend; a completed task's does
// not; a recurring task's next occurrence carries its relative reminders.
func TestRemindersFire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	soon := time.Now().Add(1500 * time.Millisecond)
	fires, err := ada.CreateTask(ctx, api.TaskInput{Title: "Fires", Reminders: &[]api.ReminderInput{{At: stamp(soon.Add(time.Second))}}})
	require.NoError(t, err)
	quiet, err := ada.CreateTask(ctx, api.TaskInput{Title: "Done already", Reminders: &[]api.ReminderInput{{At: stamp(soon.Add(time.Second))}}})
	require.NoError(t, err)
	_, err = ada.CompleteTask(ctx, quiet.ID, nil)
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		got, err := ada.GetTask(ctx, fires.ID)
		return err == nil && got.Reminders[0].FiredAt != nil
	}, 10*time.Second, 100*time.Millisecond)
	got, err := ada.GetTask(ctx, fires.ID)
	require.NoError(t, err)
	assert.False(t, got.Reminders[0].Late)
	time.Sleep(500 * time.Millisecond) // a few more polls: nothing fires twice
	var fired, silent int
	require.NoError(t, b.App.Store.DB.NewRaw(`SELECT count(*) FROM notifications WHERE task_id = ?`, fires.ID).Scan(ctx, &fired))
	require.NoError(t, b.App.Store.DB.NewRaw(`SELECT count(*) FROM notifications WHERE task_id = ?`, quiet.ID).Scan(ctx, &silent))
	assert.Equal(t, 1, fired, "fired once")
	assert.Zero(t, silent, "a completed task's reminder does not fire")

	due := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	daily, err := ada.CreateTask(ctx, api.TaskInput{Title: "Pills", DueAt: stamp(due), Recurrence: "daily",
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(15)}, {At: stamp(due.Add(-10 * time.Minute))}}})
	require.NoError(t, err)
	res, err := ada.CompleteTask(ctx, daily.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	require.Len(t, res.Next.Reminders, 1, "the relative reminder is carried, the absolute one is not")
	assert.Equal(t, res.Next.DueAt.Add(-15*time.Minute), *res.Next.Reminders[0].FireAt)
}

// The default reminder (Settings) is given to a new task due at a time
// when the request says nothing about reminders — not to a date alone,
// not when it asks for none, not to tasks made before.
func TestDefaultReminder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	due := stamp(time.Now().Add(72 * time.Hour).Truncate(time.Minute))
	before, err := ada.CreateTask(ctx, api.TaskInput{Title: "Before", DueAt: due})
	require.NoError(t, err)
	assert.Empty(t, before.Reminders)

	zone := "America/New_York"
	me, err := ada.SetPreferences(ctx, api.Preferences{TimeZone: &zone, DefaultReminderMinutes: api.Value(15)})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", me.TimeZone)
	assert.Equal(t, 15, *me.DefaultReminderMinutes)

	timed, err := ada.CreateTask(ctx, api.TaskInput{Title: "Timed", DueAt: due})
	require.NoError(t, err)
	require.Len(t, timed.Reminders, 1)
	assert.Equal(t, 15, *timed.Reminders[0].BeforeMinutes)
	dated, err := ada.CreateTask(ctx, api.TaskInput{Title: "A date alone", DueAt: ptr(time.Now().AddDate(0, 0, 3).Format(time.DateOnly))})
	require.NoError(t, err)
	assert.Empty(t, dated.Reminders)
	none, err := ada.CreateTask(ctx, api.TaskInput{Title: "None, thanks", DueAt: due, Reminders: &[]api.ReminderInput{}})
	require.NoError(t, err)
	assert.Empty(t, none.Reminders)
	got, err := ada.GetTask(ctx, before.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Reminders, "tasks made before are left alone")

	me, err = ada.SetPreferences(ctx, api.Preferences{DefaultReminderMinutes: api.Null[int]()})
	require.NoError(t, err)
	assert.Nil(t, me.DefaultReminderMinutes)
	assert.Equal(t, "America/New_York", me.TimeZone, "a field left out stays")
	off, err := ada.CreateTask(ctx, api.TaskInput{Title: "Off", DueAt: due})
	require.NoError(t, err)
	assert.Empty(t, off.Reminders)

	bad := "Mars/Olympus"
	_, err = ada.SetPreferences(ctx, api.Preferences{TimeZone: &bad, DefaultReminderMinutes: api.Value(-5)})
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Contains(t, e.Fields["time_zone"], "IANA time zone")
	assert.Contains(t, e.Fields["default_reminder_minutes"], "between 0 and 43200")
}

// The zone follows the browser signed in from until the person chooses
// one; sign-in then keeps it (a trip does not move the date rule), and
// "automatic" gives the browser the say again.
func TestTimeZoneChoiceSurvivesSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, res := b.SignUp(t, "zone@example.com")
	assert.True(t, res.User.TimeZoneAutomatic, "automatic from the start")
	signIn := func(zone string) api.User {
		t.Helper()
		r, err := b.Client.SignIn(ctx, api.SignInRequest{Email: "zone@example.com", Password: "correct horse battery", TimeZone: zone})
		require.NoError(t, err)
		return r.User
	}
	assert.Equal(t, "Asia/Tokyo", signIn("Asia/Tokyo").TimeZone, "automatic: the browser's zone")

	berlin := "Europe/Berlin"
	me, err := ada.SetPreferences(ctx, api.Preferences{TimeZone: &berlin})
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", me.TimeZone)
	assert.False(t, me.TimeZoneAutomatic, "chosen")
	u := signIn("America/Chicago")
	assert.Equal(t, "Europe/Berlin", u.TimeZone, "sign-in keeps a chosen zone")
	assert.False(t, u.TimeZoneAutomatic)
	got, err := ada.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", got.TimeZone)

	yes := true
	me, err = ada.SetPreferences(ctx, api.Preferences{TimeZoneAutomatic: &yes})
	require.NoError(t, err)
	assert.True(t, me.TimeZoneAutomatic)
	assert.Equal(t, "Europe/Berlin", me.TimeZone, "until the next sign-in")
	assert.Equal(t, "America/Chicago", signIn("America/Chicago").TimeZone)
}

// What fired is listed for the pages (after an id, or what is unseen),
// marked seen once shown, and snoozed into a new reminder; nobody sees
// anyone else's.
func TestNotificationsSeenAndSnooze(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")
	empty, err := ada.Notifications(ctx, -1)
	require.NoError(t, err)
	assert.Empty(t, empty.Notifications)
	assert.Zero(t, empty.LastID)

	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "Stretch", DueAt: stamp(time.Now().Add(time.Hour)),
		Reminders: &[]api.ReminderInput{{At: stamp(time.Now().Add(1500 * time.Millisecond))}}})
	require.NoError(t, err)
	var unseen api.NotificationList
	require.Eventually(t, func() bool {
		unseen, err = ada.Notifications(ctx, -1)
		return err == nil && len(unseen.Notifications) == 1
	}, 10*time.Second, 100*time.Millisecond)
	n := unseen.Notifications[0]
	assert.Equal(t, task.ID, n.TaskID)
	assert.Equal(t, "Stretch", n.Title)
	assert.False(t, n.Seen)
	assert.Equal(t, n.ID, unseen.LastID)
	after, err := ada.Notifications(ctx, n.ID)
	require.NoError(t, err)
	assert.Empty(t, after.Notifications, "nothing after the newest")
	others, err := bob.Notifications(ctx, -1)
	require.NoError(t, err)
	assert.Empty(t, others.Notifications, "bob sees none of ada's")
	require.NoError(t, bob.MarkSeen(ctx, []int64{n.ID}))
	still, err := ada.Notifications(ctx, -1)
	require.NoError(t, err)
	assert.Len(t, still.Notifications, 1, "bob cannot mark ada's seen")

	require.NoError(t, ada.MarkSeen(ctx, []int64{n.ID}))
	seen, err := ada.Notifications(ctx, -1)
	require.NoError(t, err)
	assert.Empty(t, seen.Notifications, "shown once")
	all, err := ada.Notifications(ctx, 0)
	require.NoError(t, err)
	require.Len(t, all.Notifications, 1)
	assert.True(t, all.Notifications[0].Seen)

	snoozed, err := ada.Snooze(ctx, task.ID, 10)
	require.NoError(t, err)
	require.Len(t, snoozed.Reminders, 1, "the fired one made room")
	assert.WithinDuration(t, time.Now().Add(10*time.Minute), *snoozed.Reminders[0].FireAt, 5*time.Second)
	_, err = ada.Snooze(ctx, task.ID, 0)
	assert.Equal(t, http.StatusUnprocessableEntity, status(err))
	_, err = bob.Snooze(ctx, task.ID, 10)
	assert.Equal(t, http.StatusNotFound, status(err))
}
