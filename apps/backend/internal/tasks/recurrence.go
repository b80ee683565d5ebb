package tasks

import (
	"time"

	"github.com/todo-app/todo-app/pkg/api"
)

// NextDue advances due by interval units of rule. Months and years clamp
// to the last day of a shorter month (Jan 31 + 1 month = Feb 28/29), so a
// monthly task never skips a month.
func NextDue(due time.Time, rule string, interval int) time.Time {
	if interval < 1 {
		interval = 1
	}
	switch rule {
	case api.RecurDaily:
		return due.AddDate(0, 0, interval)
	case api.RecurWeekly:
		return due.AddDate(0, 0, 7*interval)
	case api.RecurMonthly:
		return addMonths(due, interval)
	case api.RecurYearly:
		return addMonths(due, 12*interval)
	}
	return due
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}
