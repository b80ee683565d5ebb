package intent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/dates"
)

// A date said without a time is an all-day date — the tools are sent the
// date alone, the same day wherever the person later is — and a date with
// a time is an instant in the person's zone (issue 29).
func TestADateAloneIsAllDayAndATimeIsAnInstant(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// Sunday 6 December 2026, 21:00 in New York: already Monday in Berlin.
	now := time.Date(2026, 12, 6, 21, 0, 0, 0, ny)
	str := func(p *string) string {
		if p == nil {
			return "nil"
		}
		return *p
	}
	for _, c := range []struct {
		say, due string
		allDay   bool
	}{
		{"pay phone bill tuesday", "2026-12-08", true},
		{"add pay phone bill tomorrow", "2026-12-07", true},
		{"add call the insurer on the 12th", "2026-12-12", true},
		{"add file taxes by Dec 15", "2026-12-15", true},
		{"call mom friday at 5pm", "2026-12-11T17:00:00-05:00", false},
		{"add stretch in 10 minutes", "2026-12-06T21:10:00-05:00", false},
		{"add call the bank at 9:30", "2026-12-07T09:30:00-05:00", false},
	} {
		in := Parse(c.say, now, ny)
		require.NotNil(t, in.When, c.say)
		w := *in.When
		assert.Equal(t, c.due, w.Due(), c.say)
		assert.Equal(t, c.allDay, w.AllDay(), c.say)
		date, at := w.DueFields()
		if c.allDay {
			assert.Equal(t, c.due, str(date), "%s: due_date", c.say)
			assert.Equal(t, "nil", str(at), "%s: no due_at", c.say)
			_, ok := w.Instant()
			assert.False(t, ok, "%s: a date is no instant", c.say)
			// Time is kept for the callers written before the model: the
			// end of the day, in the person's zone.
			assert.Equal(t, w.Day().EndIn(ny), w.Time(), c.say)
		} else {
			assert.Equal(t, "nil", str(date), "%s: no due_date", c.say)
			assert.Equal(t, c.due, str(at), "%s: due_at", c.say)
			i, ok := w.Instant()
			assert.True(t, ok, c.say)
			assert.Equal(t, c.due, i.Format(time.RFC3339), c.say)
		}
	}
	// The day said is the person's day, not UTC's (Monday already there).
	in := Parse("pay phone bill tuesday", now, ny)
	assert.Equal(t, dates.NewDate(2026, 12, 8), in.When.Day())
	assert.Equal(t, time.Tuesday, in.When.Day().Weekday())
}

// A list's range is whole days, as dates (list_tasks reads them in the
// person's zone).
func TestAListRangeIsDays(t *testing.T) {
	now, loc := fixedNow(t)
	for say, want := range map[string][2]string{
		"what's due friday?":        {"2026-11-27", "2026-11-27"},
		"what's due this week?":     {"2026-11-25", "2026-11-29"},
		"show tasks due next month": {"2026-12-01", "2026-12-31"},
	} {
		from, to, ok := Parse(say, now, loc).Days()
		require.True(t, ok, say)
		assert.Equal(t, want, [2]string{from.String(), to.String()}, say)
	}
	_, _, ok := Parse("what's overdue?", now, loc).Days()
	assert.False(t, ok, "no dates named")
}

// A reminder on an all-day date is a time of day, on the day or whole
// days before: "the day before at 8am" says both (RemindAt); minutes
// before say no time of day.
func TestRemindersSayATimeOfDay(t *testing.T) {
	now, loc := fixedNow(t)
	for _, c := range []struct {
		say    string
		before int
		at     string
		want   string // the title added, or the task named
	}{
		{"add pay rent friday, remind me the day before at 8am", 1440, "08:00", "Pay rent"},
		{"add pay rent friday, remind me a day before", 1440, "", "Pay rent"},
		{"add pay rent friday and remind me 2 days before at 18:30", 2880, "18:30", "Pay rent"},
		{"add call mom friday at 5pm, remind me 30 minutes before", 30, "", "Call mom"},
		{"remind me about pay rent on the day at 7:30am", 0, "07:30", "pay rent"},
		{"remind me of the dentist the day before at 20:00", 1440, "20:00", "dentist"},
		{"remind me about the dentist 2 hours before", 120, "", "dentist"},
		{"remind me about the dentist 2 hours before at 8am", 120, "", "dentist"},
	} {
		in := Parse(c.say, now, loc)
		assert.Equal(t, []int{c.before}, in.RemindBefore, c.say)
		assert.Equal(t, c.at, in.RemindAt, c.say)
		assert.Equal(t, c.want, in.Title+in.Target, c.say)
		if in.Kind == Add {
			assert.NotNil(t, in.When, c.say)
		} else {
			assert.Equal(t, Update, in.Kind, c.say)
		}
	}
}

// A date whose midnight a DST change skips is still that date: every day
// of a phrase is built at noon (Atlantic/Azores, 28 March 2027, where
// 00:00 does not exist; the zone matrix found "on March 28, 2027" read as
// no date at all).
func TestADateWhoseMidnightIsSkipped(t *testing.T) {
	azores, err := time.LoadLocation("Atlantic/Azores")
	require.NoError(t, err)
	now := time.Date(2027, 3, 27, 10, 0, 0, 0, azores)
	for _, phrase := range []string{"pay phone bill on March 28, 2027", "pay phone bill tomorrow", "pay phone bill on sunday", "pay phone bill 2027-03-28"} {
		in := ParseTask(phrase, now, azores)
		require.NotNil(t, in.When, phrase)
		assert.Equal(t, "2027-03-28", in.When.Due(), phrase)
	}
	list := Parse("what's due tomorrow?", now, azores)
	from, to, ok := list.Days()
	require.True(t, ok)
	assert.Equal(t, "2027-03-28", from.String())
	assert.Equal(t, "2027-03-28", to.String())
}

// An ordinal before a period or a month's name is not a day of the month.
func TestAnOrdinalIsNotAlwaysADayOfTheMonth(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	for _, phrase := range []string{"review goals every 2nd week", "buy a gift every 5th of january", "pay rent on the 1st of December"} {
		assert.Zero(t, Parse(phrase, now, loc).MonthDay, phrase)
	}
}
