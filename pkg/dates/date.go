package dates

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Date is a calendar day without a zone: an all-day due date. It is the
// same day for everyone wherever they are ("Tue 8 Dec" in Berlin and in
// New York), as Todoist and TickTick keep all-day dates; only questions
// about instants ("is it overdue yet?", "when does its reminder fire?")
// read it in the person's zone, with EndIn and At.
//
// It travels as "YYYY-MM-DD" in JSON and is a PostgreSQL date column.
type Date struct {
	year  int
	month time.Month
	day   int
}

// NewDate is the given day; an impossible one (30 February) is normalised
// as time.Date does, so build dates from input with ParseDate instead.
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 12, 0, 0, 0, time.UTC), time.UTC)
}

// DateOf is t's calendar day in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads a YYYY-MM-DD day, refusing days that do not exist
// ("2026-02-30") and years outside MinYear–MaxYear.
func ParseDate(raw string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(raw))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form 2026-12-08", raw)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return Date{}, fmt.Errorf("%q: the year must be between %d and %d", raw, MinYear, MaxYear)
	}
	return DateOf(t, time.UTC), nil
}

// IsZero says whether d is the zero Date (no day).
func (d Date) IsZero() bool { return d.year == 0 && d.month == 0 && d.day == 0 }

// Year, Month and Day are d's parts.
func (d Date) Year() int             { return d.year }
func (d Date) Month() time.Month     { return d.month }
func (d Date) Day() int              { return d.day }
func (d Date) Weekday() time.Weekday { return d.midday().Weekday() }

// String is d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day) }

// midday is d at noon UTC, for arithmetic that never crosses a day edge.
func (d Date) midday() time.Time { return time.Date(d.year, d.month, d.day, 12, 0, 0, 0, time.UTC) }

// AddDays is the day n days after d (before for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.midday().AddDate(0, 0, n), time.UTC) }

// AddMonths is the same day n months later, clamped to the last day of a
// shorter month (31 January + 1 month = 28 or 29 February), so a monthly
// series never skips a month.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.year, d.month+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return NewDate(first.Year(), first.Month(), min(d.day, last))
}

// DaysSince is how many days d is after o (negative when before).
func (d Date) DaysSince(o Date) int { return int(d.midday().Sub(o.midday()) / (24 * time.Hour)) }

// Before and After compare days.
func (d Date) Before(o Date) bool { return d.midday().Before(o.midday()) }
func (d Date) After(o Date) bool  { return d.midday().After(o.midday()) }

// At is the instant of the wall-clock time hour:minute:second on d in loc
// (Wall).
func (d Date) At(hour, minute, second int, loc *time.Location) time.Time {
	return Wall(d.year, d.month, d.day, hour, minute, second, loc)
}

// Wall is the instant of a wall-clock time on a day in loc. A time a DST
// change skips is read as RFC 5545 reads it, with the offset before the
// gap: 02:30 on the day New York springs forward is 03:30 EDT, and 00:00
// on a day whose midnight is skipped (Atlantic/Azores, 28 March 2027) is
// 01:00 that day. (time.Date leaves the choice open and here picks the
// offset after, an hour early: 01:30 EST, 23:00 the day before.)
func Wall(year int, month time.Month, day, hour, minute, second int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, hour, minute, second, 0, loc)
	if t.Day() == day && t.Hour() == hour && t.Minute() == minute {
		return t
	}
	_, before := t.Add(-12 * time.Hour).Zone()
	return time.Date(year, month, day, hour, minute, second, 0, time.UTC).Add(-time.Duration(before) * time.Second).In(loc)
}

// StartIn is 00:00:00 of d in loc.
func (d Date) StartIn(loc *time.Location) time.Time { return d.At(0, 0, 0, loc) }

// EndIn is the last second of d in loc — 23:59:59, the second time it
// comes on a day a DST change repeats its last hour (America/Santiago,
// 3 April 2027) — the last moment the day is still "due today" there,
// which is when an all-day task becomes overdue. The store computes the
// same instant (store.followZone): the next day's start, less a second.
func (d Date) EndIn(loc *time.Location) time.Time { return d.AddDays(1).StartIn(loc).Add(-time.Second) }

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD (ParseDate's rules).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores d as a PostgreSQL date.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a PostgreSQL date, as the driver hands it over (a time at
// midnight UTC, or text).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		y, m, day := v.Date() // the day it names, whatever its location
		*d = Date{y, m, day}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return fmt.Errorf("dates.Date: cannot scan %T", src)
}

// Ptr is a pointer to d, for optional fields.
func (d Date) Ptr() *Date { return &d }

// Weekdays is a set of days of the week, Monday first: the days a weekly
// series falls on. It travels as a list of short English names
// (["mon","wed","fri"], always in week order) and is stored as a bit set
// (Monday 1, Tuesday 2, … Sunday 64).
type Weekdays uint8

// weekdayNames are the short names, Monday first (an array: a copy each).
func weekdayNames() [7]string { return [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} }

// WeekdayNames are the names Weekdays reads and writes, Monday first.
func WeekdayNames() []string { n := weekdayNames(); return n[:] }

// bit is d's place in a Weekdays (Monday first).
func bit(d time.Weekday) Weekdays { return 1 << ((int(d) + 6) % 7) }

// NewWeekdays is the set of the given days.
func NewWeekdays(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		w |= bit(d)
	}
	return w
}

// Has says whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&bit(d) != 0 }

// IsZero says whether the set is empty.
func (w Weekdays) IsZero() bool { return w == 0 }

// Names are the days' short names in week order.
func (w Weekdays) Names() []string {
	out := []string{}
	for i, n := range weekdayNames() {
		if w&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// ParseWeekdays reads short names ("mon" … "sun", any case); an unknown
// one is an error naming it.
func ParseWeekdays(names []string) (Weekdays, error) {
	var w Weekdays
	for _, n := range names {
		i := slices.Index(WeekdayNames(), strings.ToLower(strings.TrimSpace(n)))
		if i < 0 {
			return 0, fmt.Errorf("%q is not a day of the week (mon, tue, wed, thu, fri, sat, sun)", n)
		}
		w |= 1 << i
	}
	return w, nil
}

// MarshalJSON writes the names as a list.
func (w Weekdays) MarshalJSON() ([]byte, error) { return json.Marshal(w.Names()) }

// UnmarshalJSON reads a list of names (null is none).
func (w *Weekdays) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("days of the week must be a list such as [\"mon\",\"wed\"]: %w", err)
	}
	v, err := ParseWeekdays(names)
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Value stores the set as its bits.
func (w Weekdays) Value() (driver.Value, error) { return int64(w), nil }

// Scan reads the bits back.
func (w *Weekdays) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*w = Weekdays(v)
	case nil:
		*w = 0
	default:
		return fmt.Errorf("dates.Weekdays: cannot scan %T", src)
	}
	return nil
}
