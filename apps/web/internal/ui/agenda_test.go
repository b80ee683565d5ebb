package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
)

// Today is overdue then due today; Upcoming is seven days, each with its
// tasks and the occurrences recurring tasks will have.
func TestTodayAndUpcoming(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("agenda@example.com")
	c := apiClient(t, s.Backend.URL, "agenda@example.com")
	now := time.Now().UTC()
	day := func(d, hour int) *string {
		v := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.RFC3339)
		return &v
	}
	// Due later today, whatever the hour the test runs at.
	endOfToday := time.Date(now.Year(), now.Month(), now.Day(), 23, 59, 59, 0, time.UTC)
	soon := now.Add(10 * time.Minute)
	if soon.After(endOfToday) {
		soon = endOfToday
	}
	soonText := soon.Format(time.RFC3339)
	for _, in := range []api.TaskInput{
		{Title: "Renew passport", DueAt: day(-2, 12)},
		{Title: "Pay the plumber", DueAt: &soonText},
		{Title: "Stretch", DueAt: day(1, 7), Recurrence: "daily"},
		{Title: "Dentist", DueAt: day(3, 10)},
		{Title: "Someday maybe"},
	} {
		_, err := c.CreateTask(ctx, in)
		require.NoError(t, err)
	}

	p := b.get("/today")
	require.Equal(t, http.StatusOK, p.Status)
	body := text(p.Body)
	assert.Contains(t, body, "Overdue (1)")
	assert.Contains(t, body, "Renew passport")
	assert.Contains(t, body, "Today · ")
	assert.Contains(t, body, "Pay the plumber")
	assert.NotContains(t, body, "Dentist", "not today")
	assert.NotContains(t, body, "Someday maybe")
	assert.Less(t, strings.Index(body, "Renew passport"), strings.Index(body, "Pay the plumber"), "overdue first")

	p = b.get("/upcoming")
	require.Equal(t, http.StatusOK, p.Status)
	body = text(p.Body)
	assert.Equal(t, 7, strings.Count(p.Body, `class="panel day"`), "seven days")
	assert.Contains(t, body, "Tomorrow · ")
	assert.Contains(t, body, "Dentist")
	assert.Equal(t, 5, strings.Count(body, "repeats every day — created when the one before is done"),
		"the daily task's occurrences on days 2 to 6")
	assert.NotContains(t, body, "Someday maybe")
}
