package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/dates"
)

func TestAgenda(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	at := func(days, hour int) *string {
		s := today.AddDate(0, 0, days).Add(time.Duration(hour) * time.Hour).Format(time.RFC3339)
		return &s
	}
	dateOnly := today.Format(time.DateOnly)
	add := func(in api.TaskInput) api.Task {
		task, err := ada.CreateTask(ctx, in)
		require.NoError(t, err)
		return task
	}
	late := add(api.TaskInput{Title: "Late", DueAt: at(-1, 10)})
	earlier := now.Add(-time.Minute).Format(time.RFC3339)
	lateToday := add(api.TaskInput{Title: "Late today", DueAt: &earlier})
	todays := add(api.TaskInput{Title: "Today", DueAt: &dateOnly})
	soon := add(api.TaskInput{Title: "In two days", DueAt: at(2, 9)})
	daily := add(api.TaskInput{Title: "Stretch", DueAt: at(1, 8), Recurrence: "daily"})
	add(api.TaskInput{Title: "Far", DueAt: at(10, 9)})
	add(api.TaskInput{Title: "Someday"})
	done := add(api.TaskInput{Title: "Done today", DueAt: &dateOnly})
	_, err := ada.CompleteTask(ctx, done.ID, nil)
	require.NoError(t, err)

	ag, err := ada.Agenda(ctx, 0, "")
	require.NoError(t, err)
	assert.Equal(t, "UTC", ag.TimeZone)
	require.Len(t, ag.Days, 7, "a week by default")
	assert.Equal(t, today.Format(time.DateOnly), ag.Days[0].Date)
	require.Len(t, ag.Overdue, 2)
	assert.Equal(t, late.ID, ag.Overdue[0].ID)
	assert.Equal(t, lateToday.ID, ag.Overdue[1].ID, "due earlier today: overdue, and listed once")

	titles := func(d api.AgendaDay) []string {
		var out []string
		for _, it := range d.Items {
			s := it.Task.Title
			if it.Occurrence {
				s += " (next)"
			}
			out = append(out, s)
		}
		return out
	}
	assert.Equal(t, []string{todays.Title}, titles(ag.Days[0]), "open tasks due today; not the completed one")
	assert.Equal(t, []string{daily.Title}, titles(ag.Days[1]))
	assert.Equal(t, []string{daily.Title + " (next)", soon.Title}, titles(ag.Days[2]), "by due time: 08:00 before 09:00")
	for i := 3; i < 7; i++ {
		assert.Equal(t, []string{daily.Title + " (next)"}, titles(ag.Days[i]), "day %d: the daily task's future occurrences", i)
		assert.Equal(t, daily.ID, ag.Days[i].Items[0].Task.ID)
		assert.Equal(t, today.AddDate(0, 0, i).Add(8*time.Hour), ag.Days[i].Items[0].Due, "projected by the backend's own rule")
	}

	// Another zone moves the day boundaries; bad input is a 422.
	ag, err = ada.Agenda(ctx, 1, "Pacific/Kiritimati")
	require.NoError(t, err)
	assert.Len(t, ag.Days, 1)
	assert.Equal(t, "Pacific/Kiritimati", ag.TimeZone)
	_, err = ada.Agenda(ctx, 32, "")
	assert.Equal(t, http.StatusUnprocessableEntity, status(err))
	_, err = ada.Agenda(ctx, 3, "Mars/Olympus")
	assert.Equal(t, http.StatusUnprocessableEntity, status(err))
}

// The summary is the dashboard in one call: its counts and lists are
// what the five list queries it replaced give, for this person only.
func TestSummary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "sum@example.com")
	eve, _ := b.SignUp(t, "eve-sum@example.com")
	now := time.Now().UTC()
	at := func(d time.Duration) *string { s := now.Add(d).Format(time.RFC3339); return &s }
	today := now.Format(time.DateOnly)
	ten := 10
	for i, in := range []api.TaskInput{
		{Title: "Late 1", DueAt: at(-50 * time.Hour), Tags: []string{"work", "urgent"}}, {Title: "Late 2", DueAt: at(-3 * time.Hour)},
		{Title: "Today", DueAt: &today}, {Title: "Soon", DueAt: at(2 * time.Hour), Tags: []string{"home"}, Reminders: &[]api.ReminderInput{{BeforeMinutes: &ten}}},
		{Title: "Later", DueAt: at(30 * time.Hour)}, {Title: "Someday"}, {Title: "Done", DueAt: &today},
	} {
		task, err := ada.CreateTask(ctx, in)
		require.NoError(t, err)
		if in.Title == "Done" {
			_, err = ada.CompleteTask(ctx, task.ID, nil)
			require.NoError(t, err)
		}
		_, err = eve.CreateTask(ctx, api.TaskInput{Title: fmt.Sprintf("Eve's %d", i), DueAt: at(-time.Hour)})
		require.NoError(t, err)
	}
	for range 6 {
		_, err := ada.CreateTask(ctx, api.TaskInput{Title: "Late again", DueAt: at(-time.Hour)})
		require.NoError(t, err)
	}

	s, err := ada.Summary(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, "UTC", s.TimeZone)
	list := func(q api.TaskQuery) api.TaskList {
		l, err := ada.ListTasks(ctx, q)
		require.NoError(t, err)
		return l
	}
	loc := time.UTC
	start, end, week := dates.StartOfDay(now, loc), dates.EndOfDay(now, loc), dates.StartOfWeek(now)
	assert.Equal(t, list(api.TaskQuery{Status: "pending", Limit: 1}).Total, s.Open)
	assert.Equal(t, 12, s.Open)
	assert.Equal(t, list(api.TaskQuery{Status: "pending", DueFrom: &start, DueTo: &end, Limit: 1}).Total, s.DueToday)
	overdue := list(api.TaskQuery{Overdue: true, Sort: "due", Limit: 5})
	assert.Equal(t, overdue.Total, s.Overdue)
	assert.Equal(t, 8, s.Overdue, "eve's are not counted")
	assert.Equal(t, overdue.Tasks, s.OverdueTasks)
	assert.Equal(t, "Late 1", s.OverdueTasks[0].Title, "longest overdue first")
	assert.Equal(t, list(api.TaskQuery{Status: "completed", CompletedFrom: &week, Limit: 1}).Total, s.DoneThisWeek)
	assert.Equal(t, 1, s.DoneThisWeek)
	assert.Equal(t, list(api.TaskQuery{Status: "pending", DueFrom: &now, Sort: "due", Limit: 7}).Tasks, s.Upcoming)
	assert.Len(t, s.Upcoming, 3, "today's, soon and later")
	assert.Equal(t, []string{"urgent", "work"}, s.OverdueTasks[0].Tags, "with their tags")
	for _, task := range s.Upcoming {
		if task.Title == "Soon" {
			assert.Equal(t, []string{"home"}, task.Tags)
			assert.Len(t, task.Reminders, 1, "and reminders")
		}
	}

	tokyo, err := ada.Summary(ctx, "Asia/Tokyo")
	require.NoError(t, err)
	assert.Equal(t, "Asia/Tokyo", tokyo.TimeZone)
	_, err = ada.Summary(ctx, "Mars/Olympus")
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 422, e.Status)
	assert.Contains(t, e.Fields["time_zone"], "IANA")
}
