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
	"github.com/todo-app/todo-app/pkg/testkit/icalcheck"
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

// The real feed, with the text that trips writers up (a name with a comma,
// Windows line ends and control characters in a description, backslashes,
// semicolons, a title of three- and four-octet characters long enough to
// fold), passes our strict RFC 5545 check (CRLF, folding at 75 octets on
// character boundaries, escaping, required properties) and still reads
// back, to the character, through an outside parser (emersion/go-ical).
// DTSTAMP is when the feed was made, not when the task last changed
// (LAST-MODIFIED says that).
func TestCalendarFeedIsStrictRFC5545(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "strict@example.com", Password: "correct horse battery",
		Name: "Doe, Jane; Ph.D \\ admin", TimeZone: "Asia/Kathmandu"})
	require.NoError(t, err)
	c := b.Client.WithAuth(res)
	year := time.Now().Year() + 1
	day := ptr(time.Date(year, 5, 4, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	at := stamp(time.Date(year, 5, 4, 9, 15, 0, 0, time.UTC))
	long := strings.Repeat("Überweisung für die Miete ✓ 🏠 ", 6)
	titles := map[string]string{
		"long":    strings.TrimSpace(long),
		"escapes": `Back\slash; semi, comma \n not a newline`,
		"lines":   "Title on\r\ntwo lines",
	}
	descriptions := map[string]string{
		"long":    strings.Repeat("a", 74) + "é" + strings.Repeat("b", 73) + "😀" + strings.Repeat("c", 200),
		"escapes": "Windows\r\nline ends\rand a bell\a, an escape \x1b[0m and a\ttab",
		"lines":   "",
	}
	for key, title := range titles {
		due, reminder := day, api.ReminderInput{BeforeMinutes: minutes(1440), AtTime: "09:00"}
		if key == "escapes" {
			due, reminder = at, api.ReminderInput{BeforeMinutes: minutes(10)}
		}
		_, err := c.CreateTask(ctx, api.TaskInput{Title: title, Description: descriptions[key], DueAt: due,
			Tags: []string{"semi;colon", `back\slash`, "plain"}, Reminders: &[]api.ReminderInput{reminder}})
		require.NoError(t, err, key)
	}
	// The tasks last changed a day ago.
	_, err = b.App.Store.DB.ExecContext(ctx, "UPDATE tasks SET updated_at = now() - interval '1 day'")
	require.NoError(t, err)
	feed, err := c.EnableCalendarFeed(ctx)
	require.NoError(t, err)

	before := time.Now().Truncate(time.Second)
	raw, err := b.Client.CalendarICS(ctx, feed.Token)
	require.NoError(t, err)
	after := time.Now()
	cals, err := icalcheck.Check(raw)
	require.NoError(t, err, "%s", raw)
	require.Len(t, cals, 1)
	assert.Equal(t, 0, bytes.Count(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")), "every line ends with CRLF")
	folded := false
	for _, line := range strings.Split(string(raw), "\r\n") {
		folded = folded || strings.HasPrefix(line, " ")
	}
	assert.True(t, folded, "the long title and description were folded:\n%s", raw)
	for _, ev := range cals[0].Components {
		stampAt, err := time.Parse("20060102T150405Z", ev.Get("DTSTAMP").Value)
		require.NoError(t, err)
		assert.False(t, stampAt.Before(before) || stampAt.After(after), "DTSTAMP %s is when the feed was made (%s to %s)", stampAt, before, after)
		modified, err := time.Parse("20060102T150405Z", ev.Get("LAST-MODIFIED").Value)
		require.NoError(t, err)
		assert.WithinDuration(t, before.Add(-24*time.Hour), modified, time.Minute, "LAST-MODIFIED is when the task changed")
	}

	parsed, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
	require.NoError(t, err)
	name, err := parsed.Props.Text("X-WR-CALNAME")
	require.NoError(t, err)
	assert.Equal(t, "To-do: Doe, Jane; Ph.D \\ admin", name)
	want := map[string]string{}
	for key, title := range titles {
		// Line ends become one newline; other control characters but
		// tab have no place in iCalendar text and are left out.
		want[strings.ReplaceAll(title, "\r\n", "\n")] = map[string]string{
			"long":    descriptions["long"],
			"escapes": "Windows\nline ends\nand a bell, an escape [0m and a\ttab",
			"lines":   "",
		}[key]
	}
	got := map[string]string{}
	for _, ev := range parsed.Events() {
		s, err := ev.Props.Text(ical.PropSummary)
		require.NoError(t, err)
		d, err := ev.Props.Text(ical.PropDescription)
		require.NoError(t, err)
		got[s] = d
		var cats []string
		for _, p := range ev.Props.Values(ical.PropCategories) {
			list, err := p.TextList()
			require.NoError(t, err)
			cats = append(cats, list...)
		}
		assert.ElementsMatch(t, []string{"semi;colon", `back\slash`, "plain"}, cats, s)
	}
	assert.Equal(t, want, got, "titles and descriptions read back")
}

// Each task has one UID, kept across edits and fetches, and two
// deployments (two databases whose task ids both start at 1) never give
// the same UID: calendar apps that read both feeds would merge the
// events.
func TestCalendarFeedUIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	uids := func(b *testenv.Backend) (map[string]string, func() map[string]string) {
		c, _ := b.SignUp(t, "uid@example.com")
		day := ptr(time.Date(time.Now().Year()+1, 1, 2, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		first, err := c.CreateTask(ctx, api.TaskInput{Title: "First", DueAt: day, Recurrence: "weekly"})
		require.NoError(t, err)
		_, err = c.CreateTask(ctx, api.TaskInput{Title: "Second", DueAt: day})
		require.NoError(t, err)
		feed, err := c.EnableCalendarFeed(ctx)
		require.NoError(t, err)
		read := func() map[string]string {
			raw, err := b.Client.CalendarICS(ctx, feed.Token)
			require.NoError(t, err)
			cals, err := icalcheck.Check(raw)
			require.NoError(t, err, "%s", raw)
			out := map[string]string{}
			for _, ev := range cals[0].Components {
				out[ev.Get("SUMMARY").Value] = ev.Get("UID").Value
			}
			return out
		}
		before := read()
		renamed := "First, renamed"
		_, err = c.PatchTask(ctx, first.ID, api.TaskPatch{Title: &renamed})
		require.NoError(t, err)
		after := read()
		assert.Equal(t, before["First"], after["First\\, renamed"], "an edit keeps the UID")
		assert.Equal(t, before["Second"], after["Second"], "a second fetch gives the same UIDs")
		done, err := c.CompleteTask(ctx, first.ID, nil)
		require.NoError(t, err)
		require.NotNil(t, done.Next)
		next := read()
		assert.NotEqual(t, before["First"], next["First\\, renamed"], "the next occurrence is an event of its own")
		return before, read
	}
	one, _ := uids(testenv.Start(t, pg))
	two, _ := uids(testenv.Start(t, pg))
	assert.NotEqual(t, one["First"], two["First"], "task 1 of one deployment is not task 1 of another")
	assert.NotEqual(t, one["Second"], two["Second"])
}

// An all-day task is a floating date in the feed (issue 29): DTSTART and
// DTEND;VALUE=DATE on its day and the next, whatever the person's zone —
// made in New York, read after the zone became Tokyo, the same day. A
// task with a time is an instant in UTC, also one at 23:59:59 on the
// person's clock (the clock does not make a date). Reminders at a time of
// day on an all-day task are alarms at that time in the person's zone of
// the moment: they move when the zone changes, the date does not.
func TestCalendarFeedAllDayWhateverTheZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	res, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "allday@example.com", Password: "correct horse battery", Name: "All Day", TimeZone: "America/New_York"})
	require.NoError(t, err)
	c := b.Client.WithAuth(res)
	newYork, _ := time.LoadLocation("America/New_York")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	year := time.Now().Year() + 1
	day := time.Date(year, 12, 8, 0, 0, 0, 0, time.UTC)
	ymd := func(t time.Time) string { return t.Format("20060102") }

	_, err = c.CreateTask(ctx, api.TaskInput{Title: "Pay phone bill", DueDate: ptr(day.Format(time.DateOnly)),
		Reminders: &[]api.ReminderInput{{BeforeMinutes: minutes(0), AtTime: "09:00"}, {BeforeMinutes: minutes(1440), AtTime: "18:30"}}})
	require.NoError(t, err)
	timed := time.Date(year, 12, 8, 15, 0, 0, 0, time.UTC)
	_, err = c.CreateTask(ctx, api.TaskInput{Title: "Call", DueAt: stamp(timed)})
	require.NoError(t, err)
	lastSecond := time.Date(year, 12, 8, 23, 59, 59, 0, newYork)
	_, err = c.CreateTask(ctx, api.TaskInput{Title: "Submit by midnight", DueAt: stamp(lastSecond)})
	require.NoError(t, err)
	feed, err := c.EnableCalendarFeed(ctx)
	require.NoError(t, err)

	// read fetches the feed, checks it strictly and returns each event's
	// DTSTART, DTEND (with VALUE= when not a date-time) and alarm
	// triggers by title.
	type event struct {
		start, end string
		alarms     []string
	}
	read := func(zone string) map[string]event {
		t.Helper()
		raw, err := b.Client.CalendarICS(ctx, feed.Token)
		require.NoError(t, err)
		cals, err := icalcheck.Check(raw)
		require.NoError(t, err, "%s", raw)
		require.Len(t, cals, 1)
		assert.Equal(t, zone, cals[0].Get("X-WR-TIMEZONE").Value)
		value := func(p *icalcheck.Property) string {
			require.NotNil(t, p)
			if v := p.Params["VALUE"]; len(v) > 0 {
				return v[0] + ":" + p.Value
			}
			return p.Value
		}
		out := map[string]event{}
		for _, ev := range cals[0].Components {
			e := event{start: value(ev.Get("DTSTART")), end: value(ev.Get("DTEND"))}
			for _, a := range ev.Components {
				e.alarms = append(e.alarms, a.Get("TRIGGER").Value)
			}
			sort.Strings(e.alarms)
			out[ev.Get("SUMMARY").Value] = e
		}
		return out
	}
	utc := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	allDay := event{start: "DATE:" + ymd(day), end: "DATE:" + ymd(day.AddDate(0, 0, 1))}
	want := map[string]event{
		"Pay phone bill": {allDay.start, allDay.end, []string{
			utc(time.Date(year, 12, 7, 18, 30, 0, 0, newYork)), utc(time.Date(year, 12, 8, 9, 0, 0, 0, newYork))}},
		"Call":               {utc(timed), utc(timed.Add(15 * time.Minute)), nil},
		"Submit by midnight": {utc(lastSecond), utc(lastSecond.Add(15 * time.Minute)), nil},
	}
	assert.Equal(t, want, read("America/New_York"), "made in New York")

	_, err = c.SetPreferences(ctx, api.Preferences{TimeZone: ptr("Asia/Tokyo")})
	require.NoError(t, err)
	want["Pay phone bill"] = event{allDay.start, allDay.end, []string{
		utc(time.Date(year, 12, 7, 18, 30, 0, 0, tokyo)), utc(time.Date(year, 12, 8, 9, 0, 0, 0, tokyo))}}
	assert.Equal(t, want, read("Asia/Tokyo"), "the zone is Tokyo now: the same day, the alarms at 18:30 and 09:00 in Tokyo, the times the same instants")
}
