package intent

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/dates"
)

// summary renders every field that is set, so a table row states the
// whole expected parse and any extra field makes it fail.
func summary(in Intent, loc *time.Location) string {
	parts := []string{string(in.Kind)}
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("title", quote(in.Title))
	add("target", quote(in.Target))
	if in.TaskID != 0 {
		add("id", fmt.Sprint(in.TaskID))
	}
	if in.When != nil {
		add("due", dueSummary(*in.When, loc))
	}
	add("prio", in.Priority)
	add("tags", strings.Join(in.Tags, ","))
	add("project", in.Project)
	if in.Recurrence != "" {
		add("every", fmt.Sprintf("%d/%s", in.Interval, in.Recurrence))
		if !in.Weekdays.IsZero() {
			add("on", strings.Join(in.Weekdays.Names(), ","))
		}
		if in.MonthDay != 0 {
			add("monthday", strconv.Itoa(in.MonthDay))
		}
	}
	add("new", quote(in.NewTitle))
	if in.ClearDue {
		add("due", "none")
	}
	if in.Status != "" && in.Status != "pending" {
		add("status", in.Status)
	}
	if in.Overdue {
		add("overdue", "yes")
	}
	add("tag", in.Tag)
	add("q", quote(in.Query))
	if in.From != nil {
		add("from", in.From.In(loc).Format("2006-01-02 15:04"))
	}
	if in.To != nil {
		add("to", in.To.In(loc).Format("2006-01-02 15:04"))
	}
	if in.Choice != 0 {
		add("choice", fmt.Sprint(in.Choice))
	}
	return strings.Join(parts, " ")
}

// dueSummary is the due a When sends the tools, read back as the tools
// read it: "Thu 2026-11-26" for an all-day date (its day, no time),
// "Fri 2026-11-27 17:00" for a time in loc. Anything else is said as it
// is, so that the table fails.
func dueSummary(w When, loc *time.Location) string {
	due := w.Due()
	if d, err := dates.ParseDate(due); err == nil {
		return d.Weekday().String()[:3] + " " + d.String()
	}
	if t, err := time.Parse(time.RFC3339, due); err == nil {
		return t.In(loc).Format("Mon 2006-01-02 15:04")
	}
	return "unreadable " + due
}

func quote(s string) string {
	if s == "" {
		return ""
	}
	return "“" + s + "”"
}
