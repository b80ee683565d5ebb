package intent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/todo-app/todo-app/pkg/dates"
)

// Patterns of issue #31 that people type and the grammar missed, in our
// own wording (the fresh hold-out is only measured).
func TestPeoplesPatterns(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc) // Wednesday 10:00

	in := Parse("urgent!! book the boiler service tomorrow", now, loc)
	assert.Equal(t, "Book the boiler service", in.Title, "no punctuation before the title")
	assert.Equal(t, "high", in.Priority)

	in = ParseTask("swim tue thu sat 7am", now, loc)
	assert.Equal(t, "Swim", in.Title)
	assert.Equal(t, "weekly", in.Recurrence)
	assert.Equal(t, dates.NewWeekdays(time.Tuesday, time.Thursday, time.Saturday), in.Weekdays)
	assert.Equal(t, "2030-06-06", in.When.Day().String(), "the first of the days still ahead")

	for line, want := range map[string]dates.Weekdays{
		"piano thursdays 5pm":             dates.NewWeekdays(time.Thursday),
		"on mondays call grandma":         dates.NewWeekdays(time.Monday),
		"tuesdays and thursdays yoga 7pm": dates.NewWeekdays(time.Tuesday, time.Thursday),
	} {
		in := ParseTask(line, now, loc)
		assert.Equal(t, "weekly", in.Recurrence, line)
		assert.Equal(t, want, in.Weekdays, line)
		assert.NotContains(t, in.Title, "days", line)
	}

	in = ParseTask("every wednesday at 8am choir", now, loc)
	assert.Equal(t, "weekly", in.Recurrence)
	assert.Equal(t, "2030-06-12", in.When.Day().String(), "today's 8am is past: next Wednesday")
	in = ParseTask("every wednesday at 6pm choir", now, loc)
	assert.Equal(t, "2030-06-05", in.When.Day().String(), "today's 6pm is ahead")

	assert.Equal(t, Help, Parse("how do i add a weekly task", now, loc).Kind)
	assert.Equal(t, Help, Parse("how can i share my list?", now, loc).Kind)

	in = Parse("take all the tags off water the ferns", now, loc)
	assert.Equal(t, Update, in.Kind)
	assert.True(t, in.ReplaceTags)
	assert.Empty(t, in.Tags)
	assert.Equal(t, "water the ferns", in.Target)

	in = Parse("uh actually just delete the old invoices", now, loc)
	assert.Equal(t, Delete, in.Kind)
	assert.Equal(t, "old invoices", in.Target)
}

// "this week" said on a weekend is the week ahead, not the day or two left.
func TestThisWeekOnAWeekend(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	for now, to := range map[time.Time]string{
		time.Date(2030, 6, 5, 10, 0, 0, 0, loc): "2030-06-09", // Wednesday: to Sunday
		time.Date(2030, 6, 9, 10, 0, 0, 0, loc): "2030-06-16", // Sunday: the week ahead
		time.Date(2030, 6, 8, 10, 0, 0, 0, loc): "2030-06-16", // Saturday
	} {
		in := Parse("what's due this week?", now, loc)
		_, last, ok := in.Days()
		assert.True(t, ok)
		assert.Equal(t, to, last.String(), now.Weekday().String())
	}
}

// Days said together or in the plural repeat only when they read as a
// rule: not one weekend, not a book's title.
func TestDaysThatAreNoRule(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc)
	for _, line := range []string{"wedding sat sun", "read Tuesdays with Morrie"} {
		assert.Empty(t, ParseTask(line, now, loc).Recurrence, line)
	}
	assert.Equal(t, "Read Tuesdays with Morrie", ParseTask("read Tuesdays with Morrie", now, loc).Title)
}

// Times people write that the grammar missed.
func TestMoreWaysOfSayingATime(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc)
	cases := map[string]string{
		"ring the plumber 18h30":                               "2030-06-05 18:30",
		"meet Ana at the station wednesday 12 june 21:15":      "2030-06-12 21:15",
		"prepare the slides this friday at 2 in the afternoon": "2030-06-07 14:00",
		"run 8 in the morning tomorrow":                        "2030-06-06 08:00",
	}
	for line, want := range cases {
		in := ParseTask(line, now, loc)
		if assert.NotNil(t, in.When, line) {
			at, _ := in.When.Instant()
			assert.Equal(t, want, at.Format("2006-01-02 15:04"), line)
		}
		assert.NotRegexp(t, `\d|day\b|\bin the`, in.Title, line)
	}
}
