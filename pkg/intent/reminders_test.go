package intent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Each rule reads the examples beside it, and only its own.
func TestRemindRulesReadTheirExamples(t *testing.T) {
	for i, r := range remindRules {
		for _, ex := range r.examples {
			for j, other := range remindRules {
				assert.Equal(t, i == j, other.re.MatchString(ex), "rule %d on %q (an example of rule %d)", j, ex, i)
			}
		}
	}
}

func TestRemindersSaidWithANewTask(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc)
	cases := []struct {
		line, title string
		before      []int
		clocks      []string
		at, problem string
	}{
		{"yoga thursday 18:00 remind 1h before", "Yoga", []int{60}, nil, "", ""},
		{"call the bank friday 11am, remind me at 10", "Call the bank", nil, []string{"10:00"}, "", ""},
		{"standup tomorrow 9:30 - reminders 10 min before and 1 day before", "Standup", []int{10, 1440}, nil, "", ""},
		{"recycling friday, remind me the day before at 7pm", "Recycling", []int{1440}, nil, "19:00", ""},
		{"recycling friday, remind me at 7am", "Recycling", []int{0}, nil, "07:00", ""},
		{"school run friday 8am, remind me at 9", "School run", nil, nil, "", "reminder"},
		{"dentist friday 3pm remind me at 2", "Dentist", nil, []string{"14:00"}, "", ""},
		{"send out the payment reminder at 9am", "Send out the payment reminder", nil, nil, "", ""},
	}
	for _, c := range cases {
		in := ParseTask(c.line, now, loc)
		assert.Equal(t, c.title, in.Title, c.line)
		assert.Equal(t, c.before, in.RemindBefore, c.line)
		assert.Equal(t, c.clocks, in.RemindClock, c.line)
		assert.Equal(t, c.at, in.RemindAt, c.line)
		assert.Equal(t, c.problem, in.Problem, c.line)
	}
}

// A new task's reminders in the API's terms: the one rule the web's quick
// add and the assistant share.
func TestIntentReminders(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc)
	rs, problem := ParseTask("call the bank friday 11am, remind me at 10 and 1 day before", now, loc).Reminders()
	assert.Empty(t, problem)
	if assert.Len(t, rs, 2) {
		assert.Equal(t, 1440, *rs[0].BeforeMinutes)
		assert.Equal(t, time.Date(2030, 6, 7, 10, 0, 0, 0, loc), *rs[1].At)
	}
	_, problem = ParseTask("bins friday remind me 30 min before", now, loc).Reminders()
	assert.Contains(t, problem, "whole days", "an all-day task has no time to be 30 minutes before")
	_, problem = ParseTask("bins remind me 1 day before", now, loc).Reminders()
	assert.Contains(t, problem, "needs a due date")
}

// A series' reminder at a clock time carries to every occurrence: it is
// kept as the time before each.
func TestAClockReminderOfASeries(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2030, 6, 5, 10, 0, 0, 0, loc)
	rs, problem := ParseTask("standup every weekday at 9:30, remind me at 9", now, loc).Reminders()
	assert.Empty(t, problem)
	if assert.Len(t, rs, 1) && assert.NotNil(t, rs[0].BeforeMinutes) {
		assert.Equal(t, 30, *rs[0].BeforeMinutes)
	}
}
