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
