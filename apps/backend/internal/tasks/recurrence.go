package tasks

import (
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// NextOccurrence is the due of a repeating task's next occurrence, after
// one due on date (all day) or at (a time; nil for neither: from now),
// computed in loc, the person's zone: an all-day series stays on its
// dates, a timed one keeps its local time across a DST change. It lies
// ahead of now: a long-overdue series skips the occurrences it missed.
// The instant of an all-day date is its end in loc.
func NextOccurrence(date *dates.Date, at *time.Time, rule string, interval int, now time.Time, loc *time.Location) (*dates.Date, time.Time) {
	if date != nil {
		d := NextDate(*date, rule, interval)
		for i := 0; d.EndIn(loc).Before(now) && i < 10000; i++ {
			d = NextDate(d, rule, interval)
		}
		return &d, d.EndIn(loc).UTC()
	}
	base := now
	if at != nil {
		base = *at
	}
	due := NextDue(base.In(loc), rule, interval)
	for i := 0; due.Before(now) && i < 10000; i++ {
		due = NextDue(due, rule, interval)
	}
	return nil, due.UTC()
}

// NextDate advances an all-day date by interval units of rule, months
// clamped as in NextDue.
func NextDate(d dates.Date, rule string, interval int) dates.Date {
	if interval < 1 {
		interval = 1
	}
	switch rule {
	case api.RecurDaily:
		return d.AddDays(interval)
	case api.RecurWeekly:
		return d.AddDays(7 * interval)
	case api.RecurMonthly:
		return d.AddMonths(interval)
	case api.RecurYearly:
		return d.AddMonths(12 * interval)
	}
	return d
}

// NextDue advances due by interval units of rule, on the clock of due's
// location. Months and years clamp
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
