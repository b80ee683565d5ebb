package intent

import (
	"fmt"
	"strings"
	"time"
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
		add("due", in.When.Time().In(loc).Format("Mon 2006-01-02 15:04"))
	}
	add("prio", in.Priority)
	add("tags", strings.Join(in.Tags, ","))
	if in.Recurrence != "" {
		add("every", fmt.Sprintf("%d/%s", in.Interval, in.Recurrence))
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

func quote(s string) string {
	if s == "" {
		return ""
	}
	return "“" + s + "”"
}
