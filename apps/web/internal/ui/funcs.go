package ui

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
)

func funcs() template.FuncMap {
	return template.FuncMap{
		"due":      formatDue,
		"relative": relativeDue,
		"ago":      ago,
		"overdue":  isOverdue,
		"dueToday": isDueToday,
		// dateVal and timeVal are the task's due as the form's date and
		// time fields: an all-day task has its date and no time.
		"dateVal": func(t api.Task, loc *time.Location) string { return dueFields(t, loc).date },
		"timeVal": func(t api.Task, loc *time.Location) string { return dueFields(t, loc).clock },
		// dueISO is the due for <time datetime>: the date of an all-day
		// task, the instant of one with a time.
		"dueISO": func(t api.Task) string {
			if t.DueDate != nil {
				return t.DueDate.String()
			}
			if t.DueAt != nil {
				return t.DueAt.UTC().Format(time.RFC3339)
			}
			return ""
		},
		// when is an instant (a reminder's) in the reader's zone, always
		// with its clock time.
		"when": func(t time.Time, loc *time.Location) string { return formatInstant(t, loc) },
		// repeats says a task's repeat rule as people do ("every 3 days",
		// "every Mon, Wed, Fri"): pkg/recurrence, as quick add's preview.
		"repeats": func(t api.Task) string { return recurrence.Of(t.TaskFields).String() },
		"join":    strings.Join,
		// stamp and iso show a moment (time.Time or *time.Time) in the
		// reader's zone and for <time datetime>.
		"stamp": func(v any, loc *time.Location) string {
			if t, ok := moment(v); ok {
				return t.In(loc).Format("2 Jan 2006, 15:04")
			}
			return ""
		},
		"iso": func(v any) string {
			if t, ok := moment(v); ok {
				return t.UTC().Format(time.RFC3339)
			}
			return ""
		},
		"title": func(s string) string {
			if s == "" {
				return s
			}
			return strings.ToUpper(s[:1]) + s[1:]
		},
		"query": func(pairs ...any) template.URL {
			v := url.Values{}
			for i := 0; i+1 < len(pairs); i += 2 {
				if s := fmt.Sprint(pairs[i+1]); s != "" && s != "0" && s != "false" {
					v.Set(fmt.Sprint(pairs[i]), s)
				}
			}
			return template.URL(v.Encode())
		},
		// sameSection says whether the task is in section id.
		"sameSection":     func(t api.Task, id int64) bool { return t.SectionID != nil && *t.SectionID == id },
		"row":             func(t api.Task, p page, next string) taskRow { return taskRow{T: t, P: p, Next: next} },
		"list":            func(s ...string) []string { return s },
		"priorities":      api.Priorities,
		"recurrences":     api.Recurrences,
		"reminderChoices": func() []reminderChoice { return reminderChoices },
		// reminderValue is the task's reminder as the form's choice.
		"reminderValue":    func(t api.Task) string { return formFromTask(t, time.UTC).Reminder },
		"defaultReminders": func() []reminderChoice { return defaultReminders },
		"zoneOptions":      zoneOptions,
		// minutesValue is a *int as a form value ("" for nil).
		"minutesValue": func(n *int) string {
			if n == nil {
				return ""
			}
			return strconv.Itoa(*n)
		},
		// nextReminder is when the task will remind next, or nil.
		"nextReminder": func(t api.Task) *time.Time {
			for _, r := range t.Reminders {
				if r.FiredAt == nil && r.FireAt != nil {
					return r.FireAt
				}
			}
			return nil
		},
		"eq": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if strings.EqualFold(x, s) {
					return true
				}
			}
			return false
		},
	}
}

// taskRow is what the "taskrow" template renders.
type taskRow struct {
	T    api.Task
	P    page
	Next string
	// Tree is set on a project's page: the row's subtasks and moves.
	Tree *treeRow
}

// formatDue shows a task's due in the viewer's zone: "Fri 27 Nov 2026,
// 17:00" for a time, "Fri 27 Nov 2026" for an all-day task — its date as
// it is, the same wherever the viewer is (pkg/dates: a task is all-day
// when it has a DueDate; its DueAt is only the end of that day in the
// person's zone and is never read back as the date).
func formatDue(t api.Task, loc *time.Location) string {
	if t.DueDate != nil {
		return formatDate(*t.DueDate)
	}
	if t.DueAt == nil {
		return ""
	}
	return formatInstant(*t.DueAt, loc)
}

// formatDate is an all-day date: "Fri 27 Nov 2026".
func formatDate(d dates.Date) string {
	return d.StartIn(time.UTC).Format("Mon 2 Jan 2006")
}

// formatInstant is a moment in loc with its clock: "Fri 27 Nov 2026, 17:00".
func formatInstant(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04")
}

// dueParts is a task's due as a date and a clock time in the viewer's
// zone (clock "" for an all-day task), as the forms show it.
type dueParts struct{ date, clock string }

func dueFields(t api.Task, loc *time.Location) dueParts {
	switch {
	case t.DueDate != nil:
		return dueParts{date: t.DueDate.String()}
	case t.DueAt != nil:
		l := t.DueAt.In(loc)
		return dueParts{date: l.Format(time.DateOnly), clock: l.Format("15:04")}
	}
	return dueParts{}
}

// dueDay is the day a task is due on in the viewer's zone: an all-day
// task's own date, the local day of a time.
func dueDay(t api.Task, loc *time.Location) (dates.Date, bool) {
	switch {
	case t.DueDate != nil:
		return *t.DueDate, true
	case t.DueAt != nil:
		return dates.DateOf(*t.DueAt, loc), true
	}
	return dates.Date{}, false
}

// relativeDue is a short human hint: "today", "tomorrow", "in 3 days",
// "2 days overdue".
func relativeDue(t api.Task, now time.Time, loc *time.Location) string {
	day, ok := dueDay(t, loc)
	if !ok {
		return ""
	}
	days := dayDiff(now.In(loc), day.StartIn(loc))
	switch {
	case days == 0:
		if isOverdue(t, now, loc) {
			return "overdue"
		}
		return "today"
	case days == 1:
		return "tomorrow"
	case days == -1:
		return "1 day overdue"
	case days < 0:
		return fmt.Sprintf("%d days overdue", -days)
	case days < 14:
		return fmt.Sprintf("in %d days", days)
	}
	return ""
}

// ago says how long before now t was, roughly: "just now", "5 minutes
// ago", "3 hours ago", "2 days ago".
func ago(t time.Time, now time.Time) string {
	d := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, unit)
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func dayDiff(a, b time.Time) int {
	ad := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	bd := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(bd.Sub(ad).Hours() / 24)
}

// isOverdue: a task with a time once that time has passed; an all-day
// task only once its day has ended in the person's zone (loc), which is
// also the instant the backend keeps in its DueAt.
func isOverdue(t api.Task, now time.Time, loc *time.Location) bool {
	if t.Completed {
		return false
	}
	if t.DueDate != nil {
		return t.DueDate.EndIn(loc).Before(now)
	}
	return t.DueAt != nil && t.DueAt.Before(now)
}

func isDueToday(t api.Task, now time.Time, loc *time.Location) bool {
	day, ok := dueDay(t, loc)
	return ok && day == dates.DateOf(now, loc)
}

func moment(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case *time.Time:
		if t != nil {
			return *t, true
		}
	}
	return time.Time{}, false
}
