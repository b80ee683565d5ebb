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
)

func funcs() template.FuncMap {
	return template.FuncMap{
		"due":      formatDue,
		"relative": relativeDue,
		"ago":      ago,
		"overdue":  isOverdue,
		"dueToday": isDueToday,
		"dateVal": func(t *time.Time, loc *time.Location) string {
			if t == nil {
				return ""
			}
			return t.In(loc).Format(time.DateOnly)
		},
		"timeVal": func(t *time.Time, loc *time.Location) string {
			if t == nil || dates.IsDateOnly(*t, loc) {
				return ""
			}
			return t.In(loc).Format("15:04")
		},
		"join": strings.Join,
		"ptr":  func(t time.Time) *time.Time { return &t },
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
}

// formatDue shows a due time in the viewer's zone, without the clock for
// date-only tasks: "Fri 27 Nov 2026, 17:00" or "Fri 27 Nov 2026".
func formatDue(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	l := t.In(loc)
	if dates.IsDateOnly(l, loc) {
		return l.Format("Mon 2 Jan 2006")
	}
	return l.Format("Mon 2 Jan 2006, 15:04")
}

// relativeDue is a short human hint: "today", "tomorrow", "in 3 days",
// "2 days overdue".
func relativeDue(t *time.Time, now time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	days := dayDiff(now.In(loc), t.In(loc))
	switch {
	case days == 0:
		if t.Before(now) {
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

func isOverdue(t api.Task, now time.Time) bool {
	return !t.Completed && t.DueAt != nil && t.DueAt.Before(now)
}

func isDueToday(t api.Task, now time.Time, loc *time.Location) bool {
	return t.DueAt != nil && dayDiff(now.In(loc), t.DueAt.In(loc)) == 0
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
