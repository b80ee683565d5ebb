package intent

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Reminders said with a new task, as a table of span rules: each rule is a
// regular expression over one reminder phrase with its examples beside it,
// and what it means. The span at the end of a line that holds one or more
// of them ("remind me 30 min before", "reminders 15 min before and 1 day
// before", "remind me at 9") is cut out of the title (cutReminders) before
// the dates are read, and read once the due time is known (reminders). This is the shape new phrasings take in this package (issue #31,
// item 0): one entry per phrasing, the examples in its test.
type remindRule struct {
	re *regexp.Regexp
	// minutes is the reminder a match means for a task due at dueMin
	// minutes after midnight (-1: all day): minutes before the due time,
	// and for an all-day task a time of day.
	minutes  func(m []string, dueMin int) (before int, at string, ok bool)
	examples []string
}

const durUnitRe = `(h|hr|hrs|hours?|m|mins?|minutes?|d|days?|w|wks?|weeks?)`

var remindRules = []remindRule{
	{
		re: regexp.MustCompile(`^` + numRe + `\s*` + durUnitRe + `\s+(?:before|earlier|ahead|prior)$`),
		minutes: func(m []string, _ int) (int, string, bool) {
			return durationMinutes(m[1], unitOf(m[2])), "", true
		},
		examples: []string{"30 min before", "1h before", "an hour before", "2 days before"},
	},
	{
		re: regexp.MustCompile(`^(?:the\s+)?(?:day|night|evening)\s+before(?:\s+at\s+(.+))?$`),
		minutes: func(m []string, _ int) (int, string, bool) {
			at := ""
			if m[1] != "" {
				if at = clockOf(m[1]); at == "" {
					return 0, "", false
				}
			}
			return 24 * 60, at, true
		},
		examples: []string{"the day before", "day before at 8am"},
	},
	{
		// "at 9": a time of the due day — before a timed task, as the
		// minutes up to it; on an all-day task, that time on the day.
		re: regexp.MustCompile(`^(?:at|on the day at|that morning at)\s+(.+)$`),
		minutes: func(m []string, dueMin int) (int, string, bool) {
			at := clockOf(m[1])
			bare := at == "" // "at 2": no am/pm said
			if bare {
				at = clockOf(m[1] + ":00")
			}
			if at == "" {
				return 0, "", false
			}
			h, mm := int(at[0]-'0')*10+int(at[1]-'0'), int(at[3]-'0')*10+int(at[4]-'0')
			if bare && h < 12 && (h+12)*60+mm <= dueMin {
				// "at 2" before a task at 3pm is 2pm, the latest such time
				// before it.
				h += 12
				at = fmt.Sprintf("%02d:%02d", h, mm)
			}
			if dueMin < 0 {
				return 0, at, true
			}
			// A clock time before a timed task's: a reminder at that time
			// of the due day, which stays there if the task moves.
			return -1, at, h*60+mm <= dueMin
		},
		examples: []string{"at 9", "at 8:30am"},
	},
}

// reReminderSpan is the reminder span at the end of a line; reAndList
// parts it.
// After a comma or a dash, "remind me", "remind" or "reminder(s)"; without
// one, only the verb ("send out the payment reminder at 9am" is a title).
var (
	reReminderSpan = regexp.MustCompile(`(?:(?:\s*[,;]\s*|\s+-\s+)(?:and\s+|with\s+)?(?:a\s+)?(?:remind(?:\s+me)?|reminders?)|\s+(?:and\s+)?remind(?:\s+me)?)\s+(.+)$`)
	reAndList      = regexp.MustCompile(`\s*(?:,|\band\b|&)\s*`)
)

// saidReminder is one reminder phrase and the rule that reads it.
type saidReminder struct {
	rule  *remindRule
	match []string
}

// cutReminders takes the reminder span off the end of p's line, before
// its dates are read ("remind me at 9" is no due time); ok is false, and
// nothing is cut, when a part of the span is not a reminder a rule reads.
func cutReminders(p *phrase) (said []saidReminder, ok bool) {
	m := reReminderSpan.FindStringSubmatchIndex(p.low)
	if m == nil {
		return nil, false
	}
	for _, part := range reAndList.Split(p.low[m[2]:m[3]], -1) {
		part = strings.TrimSpace(part)
		i := slices.IndexFunc(remindRules, func(r remindRule) bool { return r.re.MatchString(part) })
		if i < 0 {
			return nil, false
		}
		said = append(said, saidReminder{&remindRules[i], remindRules[i].re.FindStringSubmatch(part)})
	}
	p.cut(m[0], m[1])
	return said, true
}

// reminders are the minutes before a task due at dueMin minutes after
// midnight (-1 all day) that said means, with the time of day of whole-day
// ones, and the clock times (HH:MM) of the due day of fixed ones; ok is
// false when one cannot be before that due time.
func reminders(said []saidReminder, dueMin int) (befores []int, clocks []string, at string, ok bool) {
	for _, s := range said {
		b, a, good := s.rule.minutes(s.match, dueMin)
		if !good {
			return nil, nil, "", false
		}
		if b < 0 {
			clocks = append(clocks, a)
			continue
		}
		befores = append(befores, b)
		if a != "" {
			at = a
		}
	}
	return befores, clocks, at, true
}

// AllDayReminderClock is the time of day of a reminder asked for before
// an all-day task without saying when ("remind me the day before").
const AllDayReminderClock = "09:00"

// Reminder is one reminder of a task in the API's terms: BeforeMinutes
// before the due time (at AtTime, for whole days before an all-day task),
// or At, a fixed time.
type Reminder struct {
	BeforeMinutes *int
	AtTime        string
	At            *time.Time
}

// ReminderBefore is the reminder n minutes before a task's due time, at
// the time of day at when one was said; ok is false when an all-day task
// has no time to be n minutes before (only whole days are).
func ReminderBefore(n int, at string, allDay bool) (Reminder, bool) {
	switch {
	case at != "" && n%(24*60) == 0:
		return Reminder{BeforeMinutes: &n, AtTime: at}, true
	case !allDay:
		return Reminder{BeforeMinutes: &n}, true
	case n%(24*60) != 0:
		return Reminder{}, false
	}
	return Reminder{BeforeMinutes: &n, AtTime: AllDayReminderClock}, true
}

// Reminders are a new task's reminders as said with it; problem says why
// one cannot be set (nothing is then to be added).
func (in Intent) Reminders() (rs []Reminder, problem string) {
	if len(in.RemindBefore) == 0 && len(in.RemindClock) == 0 {
		return nil, ""
	}
	if in.When == nil {
		return nil, "a reminder needs a due date: say when it is due"
	}
	for _, n := range in.RemindBefore {
		r, ok := ReminderBefore(n, in.RemindAt, in.When.AllDay())
		if !ok {
			return nil, "the task is due all day, so a reminder can only be whole days before it: say a time for the task, or “the day before at 8am”"
		}
		rs = append(rs, r)
	}
	for _, at := range in.ClockReminders() {
		if in.Recurrence != "" && in.Recurrence != "none" {
			// A series' reminders carry to each occurrence only as a
			// time before it: "at 9" before a 9:30 standup is 30 minutes
			// before, every day.
			due, _ := in.When.Instant()
			n := int(due.Sub(at).Minutes())
			rs = append(rs, Reminder{BeforeMinutes: &n})
			continue
		}
		rs = append(rs, Reminder{At: &at})
	}
	return rs, ""
}

// ClockReminders are the instants of RemindClock on the due day.
func (in Intent) ClockReminders() []time.Time {
	if in.When == nil {
		return nil
	}
	var out []time.Time
	for _, c := range in.RemindClock {
		h, m := int(c[0]-'0')*10+int(c[1]-'0'), int(c[3]-'0')*10+int(c[4]-'0')
		out = append(out, in.When.Day().At(h, m, 0, in.When.Date.Location()))
	}
	return out
}

// unitOf is a duration unit as durationMinutes reads it.
func unitOf(u string) string {
	switch {
	case strings.HasPrefix(u, "h"):
		return "hour"
	case strings.HasPrefix(u, "d"):
		return "day"
	case strings.HasPrefix(u, "w"):
		return "week"
	}
	return "minute"
}
