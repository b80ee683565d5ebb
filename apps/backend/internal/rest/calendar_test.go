package rest_test

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
)

// The calendar feed, read back with an iCalendar parser of its own
// (emersion/go-ical; the feed is written with arran4/golang-ical): one
// event per open task with a due time, all-day for a date alone, an
// alarm per reminder to come, nothing of anyone else's, and only for the
// current token.
func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "cal@example.com", Password: "correct horse battery", Name: "Cal", TimeZone: "Europe/Paris"})
	require.NoError(t, err)
	ada := b.Client.WithAuth(res)
	bob, _ := b.SignUp(t, "bob@example.com")
	paris, _ := time.LoadLocation("Europe/Paris")
	year := time.Now().Year() + 1

	feed, err := ada.CalendarFeed(ctx)
	require.NoError(t, err)
	assert.False(t, feed.Enabled, "off until turned on")

	timed := time.Date(year, 3, 10, 15, 30, 0, 0, paris)
	dentist, err := ada.CreateTask(ctx, api.TaskInput{Title: "Dentist; bring forms, card", Description: "Line one\nLine two, with a comma",
		DueAt: stamp(timed), Priority: "high", Tags: []string{"health", "admin"},
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(30)}, {BeforeMinutes: minutes(1440), AtTime: "09:00"}}})
	require.NoError(t, err)
	day := ptr(time.Date(year, 3, 12, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Pay rent", DueAt: day, Recurrence: "monthly"})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "No date"})
	require.NoError(t, err)
	done, err := ada.CreateTask(ctx, api.TaskInput{Title: "Done already", DueAt: day})
	require.NoError(t, err)
	_, err = ada.CompleteTask(ctx, done.ID, nil)
	require.NoError(t, err)
	gone, err := ada.CreateTask(ctx, api.TaskInput{Title: "Deleted", DueAt: day})
	require.NoError(t, err)
	require.NoError(t, ada.DeleteTask(ctx, gone.ID))
	_, err = bob.CreateTask(ctx, api.TaskInput{Title: "Bob's secret", DueAt: day})
	require.NoError(t, err)
	bobFeed, err := bob.EnableCalendarFeed(ctx)
	require.NoError(t, err)

	feed, err = ada.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	require.True(t, feed.Enabled)
	assert.GreaterOrEqual(t, len(feed.Token), 43, "256 random bits")
	again, err := ada.CalendarFeed(ctx)
	require.NoError(t, err)
	assert.Equal(t, feed.Token, again.Token, "the address can be copied again")

	raw, err := b.Client.CalendarICS(ctx, feed.Token)
	require.NoError(t, err)
	cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
	require.NoError(t, err, "%s", raw)
	assert.Equal(t, "2.0", cal.Props.Get(ical.PropVersion).Value)
	events := cal.Events()
	var titles []string
	for _, ev := range events {
		s, err := ev.Props.Text(ical.PropSummary)
		require.NoError(t, err)
		titles = append(titles, s)
	}
	sort.Strings(titles)
	assert.Equal(t, []string{"Dentist; bring forms, card", "Pay rent"}, titles, "open tasks with a due time, nobody else's")
	assert.NotContains(t, string(raw), "Bob's secret")

	for _, ev := range events {
		s, _ := ev.Props.Text(ical.PropSummary)
		start := ev.Props.Get(ical.PropDateTimeStart)
		switch s {
		case "Pay rent":
			assert.Equal(t, ical.ValueDate, start.ValueType(), "a date alone is an all-day event")
			got, err := ev.DateTimeStart(time.UTC)
			require.NoError(t, err)
			assert.Equal(t, *day, got.Format(time.DateOnly))
			desc, _ := ev.Props.Text(ical.PropDescription)
			assert.Contains(t, desc, "Repeats monthly")
			assert.Empty(t, ev.Children, "no reminders, no alarms")
		default:
			got, err := ev.DateTimeStart(time.UTC)
			require.NoError(t, err)
			assert.True(t, timed.Equal(got), "timed at %s, got %s", timed, got)
			desc, _ := ev.Props.Text(ical.PropDescription)
			assert.Equal(t, "Line one\nLine two, with a comma", desc, "text survives the escaping")
			var cats []string // CATEGORIES may come once per tag or as a list
			for _, p := range ev.Props.Values(ical.PropCategories) {
				list, err := p.TextList()
				require.NoError(t, err)
				cats = append(cats, list...)
			}
			assert.ElementsMatch(t, []string{"health", "admin"}, cats)
			var triggers []time.Time
			for _, a := range ev.Children {
				require.Equal(t, ical.CompAlarm, a.Name)
				assert.Equal(t, "DISPLAY", a.Props.Get(ical.PropAction).Value)
				at, err := a.Props.DateTime(ical.PropTrigger, time.UTC)
				require.NoError(t, err)
				triggers = append(triggers, at)
			}
			require.Len(t, triggers, len(dentist.Reminders))
			for i, r := range dentist.Reminders {
				assert.True(t, r.FireAt.Equal(triggers[i]), "alarm %d at the reminder's time", i)
			}
		}
	}

	// The token is the whole credential: a wrong, old or revoked one is
	// the same 404, and the feed needs a signed-in session to manage.
	_, err = b.Client.CalendarICS(ctx, strings.Repeat("A", 43))
	assert.Equal(t, http.StatusNotFound, status(err))
	_, err = b.Client.CalendarICS(ctx, "../../etc/passwd")
	assert.Equal(t, http.StatusNotFound, status(err))
	renewed, err := ada.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, feed.Token, renewed.Token)
	_, err = b.Client.CalendarICS(ctx, feed.Token)
	assert.Equal(t, http.StatusNotFound, status(err), "the old address stops working")
	_, err = b.Client.CalendarICS(ctx, renewed.Token)
	require.NoError(t, err)
	require.NoError(t, ada.DisableCalendarFeed(ctx))
	_, err = b.Client.CalendarICS(ctx, renewed.Token)
	assert.Equal(t, http.StatusNotFound, status(err), "turned off")
	_, err = b.Client.CalendarICS(ctx, bobFeed.Token)
	require.NoError(t, err, "bob's feed is his own business")

	tok, err := ada.CreateAPIToken(ctx, api.APITokenInput{Name: "script", Scope: "write"})
	require.NoError(t, err)
	_, err = b.Client.WithSession(tok.Token, res.User.ID).EnableCalendarFeed(ctx)
	assert.Equal(t, http.StatusForbidden, status(err), "an API token cannot hand out the feed")
}
