// Package dates is the product's one date rule and the helpers every door
// uses with it (backend REST and MCP, the web app, the assistant, the
// calendar feed, import and export):
//
//   - A task is due on a date (all day) or at a date and time. A date is
//     floating, a Date: "Tue 8 Dec" is Tuesday 8 December for everyone,
//     wherever they travel. A date and time is an instant, shown in the
//     person's zone.
//   - Questions about instants read an all-day date in the person's zone
//     (one per person, users.time_zone): it is due until 23:59:59 of that
//     day there (EndIn), which is when it becomes overdue, where it sorts,
//     and what a range of dates compares. The store keeps that instant
//     beside the date and recomputes it whenever the person's zone
//     changes, so the date itself never moves.
//   - A reminder on an all-day task is a local time (HH:MM) on that day or
//     whole days before, in the person's zone when it fires; a reminder
//     "minutes before" needs a task with a time.
//   - A range given as dates covers whole days in the person's zone: a
//     "from" date starts at 00:00:00, a "to" date ends at 23:59:59.
//   - Weeks start on Monday.
//
// Before the all-day model (API 1.7.0) a date-only due was stored as the
// instant 23:59:59 in the person's zone and "was it date-only?" was
// guessed again from the clock at every door: docs/decisions.md, "A due is
// a date or a date and time".
package dates

import (
	"fmt"
	"strings"
	"time"
)

// EndOfDayClock is the wall-clock time an all-day date stands for when an
// instant is asked of it (Date.EndIn).
const EndOfDayClock = "23:59:59"

// EndOfDay is 23:59:59 on t's calendar day in loc.
func EndOfDay(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, loc)
}

// StartOfDay is the first instant of t's calendar day in loc: 00:00:00,
// or when the clock resumes where a DST change skips midnight (Date.At).
func StartOfDay(t time.Time, loc *time.Location) time.Time {
	return DateOf(t, loc).StartIn(loc)
}

// StartOfWeek is 00:00:00 on the Monday of t's week, in t's location.
func StartOfWeek(t time.Time) time.Time {
	d := StartOfDay(t, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// IsDateOnly says whether a due time shown in loc reads as a day without a
// time (the rule above).
func IsDateOnly(t time.Time, loc *time.Location) bool {
	return t.In(loc).Format(time.TimeOnly) == EndOfDayClock
}

// Bound says which end of a day a date-only input stands for.
type Bound int

const (
	// End of the day: due times, and the upper end of a range.
	End Bound = iota
	// Start of the day: the lower end of a range.
	Start
)

// Parse reads an RFC 3339 timestamp, or a YYYY-MM-DD date that stands for
// the start or end of that day in loc. dateOnly reports which it was.
func Parse(raw string, loc *time.Location, b Bound) (t time.Time, dateOnly bool, err error) {
	s := strings.TrimSpace(raw)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, false, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, false, err
	}
	if b == Start {
		return d, true, nil
	}
	return EndOfDay(d, loc), true, nil
}

// LooksDateOnly says whether raw is a YYYY-MM-DD date (so that the user's
// zone is needed to read it).
func LooksDateOnly(raw string) bool {
	_, err := time.Parse(time.DateOnly, strings.TrimSpace(raw))
	return err == nil
}

// Zone loads an IANA time zone name, UTC for "" or an unknown name.
func Zone(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// MinYear and MaxYear bound every timestamp a person can send (due times,
// reminders, an import's times), in UTC: JSON timestamps (RFC 3339) have
// four-digit years, and an offset carries 9999-12-31T23:59:59-23:59 into
// the year 10000 in UTC, which no client can read back.
const (
	MinYear = 1970
	MaxYear = 9999
)

// YearProblem is what is wrong with a time outside MinYear-MaxYear.
var YearProblem = fmt.Sprintf("must be between the years %d and %d (in UTC)", MinYear, MaxYear)

// InYears says whether t lies within MinYear-MaxYear in UTC.
func InYears(t time.Time) bool {
	y := t.UTC().Year()
	return y >= MinYear && y <= MaxYear
}

// Shown is t in UTC, held to what a JSON timestamp can hold (the years
// 0-9999): a time stored before the years were bounded still renders, at
// the nearest moment that can be shown, instead of failing its page.
func Shown(t time.Time) time.Time {
	t = t.UTC()
	switch first, last := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC); {
	case t.Before(first):
		return first
	case t.After(last):
		return last
	}
	return t
}

// ShownPtr is Shown for an optional time.
func ShownPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	s := Shown(*t)
	return &s
}
