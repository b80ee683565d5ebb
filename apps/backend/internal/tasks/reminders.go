package tasks

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// MaxBeforeMinutes bounds a relative reminder: 30 days before.
const MaxBeforeMinutes = 30 * 24 * 60

var reClock = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)

// checkReminders applies the reminder rules to raw for a task due at due
// (nil: no due time; allDay: due is the end of an all-day date in loc):
// at most api.MaxReminders; each either at a time in the future or before
// the due time — on an all-day date, at a time of day (at_time) on that
// day or whole days before. It returns the rows to store with their fire
// times.
func checkReminders(raw []api.ReminderInput, due *time.Time, allDay bool, loc *time.Location, now time.Time, fe fieldErrors) []store.Reminder {
	if len(raw) > api.MaxReminders {
		fe.add("reminders", fmt.Sprintf("at most %d reminders per task", api.MaxReminders))
		return nil
	}
	out := make([]store.Reminder, 0, len(raw))
	for i, r := range raw {
		field := fmt.Sprintf("reminders[%d]", i)
		switch {
		case (r.At == nil) == (r.BeforeMinutes == nil):
			fe.add(field, "give either at (a time) or before_minutes (before the due time)")
		case r.At != nil:
			at, err := time.Parse(time.RFC3339, *r.At)
			switch {
			case err != nil:
				fe.add(field, "at must be an RFC 3339 timestamp such as 2026-12-01T09:00:00+01:00")
			case !dates.InYears(at):
				fe.add(field, "at "+dates.YearProblem)
			case !at.After(now):
				fe.add(field, "at must be in the future")
			case r.AtTime != "":
				fe.add(field, "at_time goes with before_minutes, not with at")
			default:
				at = at.UTC()
				out = append(out, store.Reminder{At: &at, FireAt: &at})
			}
		default:
			n := *r.BeforeMinutes
			switch {
			case n < 0 || n > MaxBeforeMinutes:
				fe.add(field, fmt.Sprintf("before_minutes must be between 0 and %d (30 days)", MaxBeforeMinutes))
			case due == nil:
				fe.add(field, "a reminder before the due time needs a due time: set due_at, or give at")
			case r.AtTime != "" && !reClock.MatchString(r.AtTime):
				fe.add(field, "at_time must be HH:MM, such as 09:00")
			case r.AtTime != "" && n%(24*60) != 0:
				fe.add(field, "with at_time, before_minutes must be whole days (1440 for the day before)")
			case allDay && r.AtTime == "":
				fe.add(field, "an all-day task is reminded at a time of day: give at_time (HH:MM) with before_minutes 0 for that day or whole days before (1440 the day before), or give at")
			default:
				row := store.Reminder{BeforeMinutes: &n}
				if r.AtTime != "" {
					at := r.AtTime
					row.AtTime = &at
				}
				row.FireAt = fireAt(row, due, allDay, loc)
				out = append(out, row)
			}
		}
	}
	return out
}

// fireAt is when r fires for a task due at due, in the person's zone loc:
// its own time, or before the due time (on that day at at_time). Minutes
// before an all-day date (allDay) is no time at all: such a reminder, kept
// from before the all-day model or from a task that had a time, waits
// until the task has one again.
func fireAt(r store.Reminder, due *time.Time, allDay bool, loc *time.Location) *time.Time {
	if r.At != nil {
		return r.At
	}
	if r.BeforeMinutes == nil || due == nil || allDay && r.AtTime == nil {
		return nil
	}
	t := due.Add(-time.Duration(*r.BeforeMinutes) * time.Minute)
	if r.AtTime != nil {
		day := due.In(loc).AddDate(0, 0, -*r.BeforeMinutes/(24*60))
		h, _ := strconv.Atoi((*r.AtTime)[:2])
		m, _ := strconv.Atoi((*r.AtTime)[3:])
		t = time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
	}
	t = t.UTC()
	return &t
}

// rescheduled is rs with fire times for a task now due at due; relative
// reminders follow the due time.
func rescheduled(rs []store.Reminder, due *time.Time, allDay bool, loc *time.Location) []store.Reminder {
	out := make([]store.Reminder, 0, len(rs))
	for _, r := range rs {
		if r.BeforeMinutes != nil {
			r.FireAt = fireAt(r, due, allDay, loc)
			out = append(out, r)
		}
	}
	return out
}

// carried are the reminders a recurring task's next occurrence gets: the
// relative ones, timed from its due time.
func carried(rs []store.Reminder, due *time.Time, allDay bool, loc *time.Location) []store.Reminder {
	var out []store.Reminder
	for _, r := range rescheduled(rs, due, allDay, loc) {
		out = append(out, store.Reminder{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime, FireAt: r.FireAt})
	}
	return out
}

func remindersToAPI(rs []store.Reminder) []api.Reminder {
	out := make([]api.Reminder, len(rs))
	for i, r := range rs {
		out[i] = api.Reminder{ID: r.ID, At: dates.ShownPtr(r.At), BeforeMinutes: r.BeforeMinutes, FireAt: dates.ShownPtr(r.FireAt), FiredAt: dates.ShownPtr(r.FiredAt), Late: r.Late}
		if r.AtTime != nil {
			out[i].AtTime = *r.AtTime
		}
	}
	return out
}

// ImportedReminders checks the reminders of an imported task by the rules
// of checkReminders, except that an absolute time may be past (an export
// is history): what fired is kept fired, a past one that had not fired is
// kept as fired too (it would otherwise fire on import). problem says what
// is wrong, for the import's report.
func ImportedReminders(raw []api.ExportReminder, due *time.Time, allDay bool, loc *time.Location, now time.Time) ([]store.Reminder, string) {
	if len(raw) > api.MaxReminders {
		return nil, fmt.Sprintf("at most %d reminders per task", api.MaxReminders)
	}
	out := make([]store.Reminder, 0, len(raw))
	for i, r := range raw {
		if r.At != nil && !dates.InYears(*r.At) {
			return nil, fmt.Sprintf("reminder %d: at %s", i+1, dates.YearProblem)
		}
		in := api.ReminderInput{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime}
		if r.At != nil {
			// Checked as if in the future; its time is kept as it was.
			future := now.Add(time.Hour).Format(time.RFC3339)
			in.At = &future
		}
		fe := fieldErrors{}
		rows := checkReminders([]api.ReminderInput{in}, due, allDay, loc, now, fe)
		if len(fe) > 0 {
			for _, p := range fe {
				return nil, fmt.Sprintf("reminder %d: %s", i+1, p)
			}
		}
		row := rows[0]
		if r.At != nil {
			at := r.At.UTC()
			row.At, row.FireAt = &at, &at
		}
		if r.Fired || row.FireAt != nil && !row.FireAt.After(now) {
			fired := now.UTC()
			if row.FireAt != nil && row.FireAt.Before(fired) {
				fired = *row.FireAt
			}
			row.FiredAt = &fired
		}
		out = append(out, row)
	}
	return out, ""
}
