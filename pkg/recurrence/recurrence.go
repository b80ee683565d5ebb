// Package recurrence is how a repeating task's next occurrence is found,
// one rule for the backend and for the stand-ins of the fast tier:
//
//   - A series repeats daily, weekly, monthly or yearly, every Interval
//     periods. A daily or weekly series may name the days of the week it
//     falls on (Weekdays: "every weekday" is daily on Monday–Friday, "gym
//     every Mon, Wed, Fri" weekly on those three); a monthly or yearly
//     series keeps a day of the month (MonthDay, 1–31, or -1 for the last
//     day), clamped to a shorter month's last day and back again.
//   - The next occurrence is computed on the person's calendar, in their
//     zone: an all-day series advances its date, a timed one keeps its
//     wall-clock time across a DST change (09:00 stays 09:00).
//   - It lies ahead: a series completed long after its due skips the
//     occurrences it missed.
//
// docs/decisions.md, "The recurrence model", says why.
package recurrence

import (
	"fmt"
	"strings"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// LastDay is the MonthDay of a series on the last day of each month.
const LastDay = -1

// Rule is how a task repeats: its api.TaskFields' recurrence fields.
type Rule struct {
	// Freq is one of api.Recurrences; none does not repeat.
	Freq     string
	Interval int
	// Weekdays are the days a daily or weekly series falls on (empty: a
	// daily series every Interval days, a weekly one on its due's weekday).
	Weekdays dates.Weekdays
	// MonthDay is the day a monthly or yearly series keeps (0: its due's).
	MonthDay int
}

// Of is the rule of a task's fields.
func Of(f api.TaskFields) Rule {
	return Rule{Freq: f.Recurrence, Interval: f.RecurrenceInterval, Weekdays: f.RecurrenceWeekdays, MonthDay: f.RecurrenceMonthDay}
}

// Repeats says whether the rule makes another occurrence.
func (r Rule) Repeats() bool { return r.Freq != "" && r.Freq != api.RecurNone }

// NextDate is the date of the occurrence after one on d, and the MonthDay
// the next occurrence keeps: a series that had none and was clamped (31
// January → 28 February) remembers the day it lost, so that it comes back
// (31 March).
func (r Rule) NextDate(d dates.Date) (dates.Date, int) {
	n := max(r.Interval, 1)
	switch r.Freq {
	case api.RecurDaily:
		next := d.AddDays(n)
		for i := 0; i < 6 && !r.Weekdays.IsZero() && !r.Weekdays.Has(next.Weekday()); i++ {
			next = next.AddDays(1)
		}
		return next, r.MonthDay
	case api.RecurWeekly:
		if r.Weekdays.IsZero() {
			return d.AddDays(7 * n), r.MonthDay
		}
		// Later this week (weeks start on Monday), else the first day of
		// the set Interval weeks on.
		next := d.AddDays(1)
		for ; next.Weekday() != time.Monday; next = next.AddDays(1) {
			if r.Weekdays.Has(next.Weekday()) {
				return next, r.MonthDay
			}
		}
		next = next.AddDays(7 * (n - 1))
		for i := 0; i < 6 && !r.Weekdays.Has(next.Weekday()); i++ {
			next = next.AddDays(1)
		}
		return next, r.MonthDay
	case api.RecurMonthly:
		return r.inMonth(d, n)
	case api.RecurYearly:
		return r.inMonth(d, 12*n)
	}
	return d, r.MonthDay
}

// inMonth is the occurrence months months after d's, on the series' day.
func (r Rule) inMonth(d dates.Date, months int) (dates.Date, int) {
	day := r.MonthDay
	if day == 0 {
		day = d.Day()
	}
	first := dates.NewDate(d.Year(), d.Month(), 1).AddMonths(months)
	last := first.AddMonths(1).AddDays(-1).Day()
	keep := r.MonthDay
	switch {
	case day == LastDay:
		day = last
	case day > last:
		keep, day = day, last // clamped: remember the day
	}
	return dates.NewDate(first.Year(), first.Month(), day), keep
}

// Next is the due of the occurrence after one due on date (all day) or
// at (a time; neither: from now), in loc, lying ahead of now; and the
// MonthDay the next occurrence keeps. The instant of an all-day date is
// its end in loc (pkg/dates).
func (r Rule) Next(date *dates.Date, at *time.Time, now time.Time, loc *time.Location) (*dates.Date, time.Time, int) {
	if date != nil {
		d, md := r.NextDate(*date)
		for i := 0; d.EndIn(loc).Before(now) && i < 10000; i++ {
			d, md = Rule{r.Freq, r.Interval, r.Weekdays, md}.NextDate(d)
		}
		return &d, d.EndIn(loc).UTC(), md
	}
	base := now
	if at != nil {
		base = *at
	}
	local := base.In(loc)
	h, m, s := local.Clock()
	d, md := r.NextDate(dates.DateOf(local, loc))
	due := wallClock(d, h, m, s, local.Nanosecond(), loc)
	for i := 0; due.Before(now) && i < 10000; i++ {
		d, md = Rule{r.Freq, r.Interval, r.Weekdays, md}.NextDate(d)
		due = wallClock(d, h, m, s, local.Nanosecond(), loc)
	}
	return nil, due.UTC(), md
}

// wallClock is the series' local time on day d (dates.Wall: a time a DST
// change skips moves forward, RFC 5545's reading).
func wallClock(d dates.Date, h, m, s, ns int, loc *time.Location) time.Time {
	return dates.Wall(d.Year(), d.Month(), d.Day(), h, m, s, loc).Add(time.Duration(ns))
}

// String says the rule as people do: "every day", "every 3 days", "every
// weekday", "every Mon, Wed, Fri", "every other week on Tue, Thu", "every
// month on the 1st", "every month on the last day", "every year"; "" for
// none. The list, quick add's preview and the assistant show it.
func (r Rule) String() string {
	if !r.Repeats() {
		return ""
	}
	n := max(r.Interval, 1)
	unit := map[string]string{api.RecurDaily: "day", api.RecurWeekly: "week", api.RecurMonthly: "month", api.RecurYearly: "year"}[r.Freq]
	every := "every " + unit
	switch {
	case n == 2:
		every = "every other " + unit
	case n > 2:
		every = fmt.Sprintf("every %d %ss", n, unit)
	}
	days := dayList(r.Weekdays)
	switch r.Freq {
	case api.RecurDaily, api.RecurWeekly:
		switch {
		case r.Weekdays.IsZero():
			return every
		case r.Weekdays == workdays && n == 1:
			return "every weekday"
		case n == 1 && r.Freq == api.RecurWeekly:
			return "every " + days
		}
		return every + " on " + days
	case api.RecurMonthly:
		switch {
		case r.MonthDay == LastDay:
			return every + " on the last day"
		case r.MonthDay > 0:
			return every + " on the " + ordinal(r.MonthDay)
		}
	}
	return every
}

// workdays are Monday to Friday.
const workdays = dates.Weekdays(0b0011111)

// dayList is "Mon, Wed, Fri".
func dayList(w dates.Weekdays) string {
	names := w.Names()
	for i, n := range names {
		names[i] = strings.ToUpper(n[:1]) + n[1:]
	}
	return strings.Join(names, ", ")
}

// ordinal is 1st, 2nd, 3rd, 4th … 21st, 22nd, 23rd, 31st.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
