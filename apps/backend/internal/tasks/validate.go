// Package tasks holds the rules for tasks and tags — validation,
// recurrence, tag handling — shared by the REST API and the MCP tools so
// that each rule has one implementation and two front doors.
package tasks

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
)

// Limits on user input.
const (
	MaxTitle       = 200
	MaxDescription = 10000
	MaxTagName     = 50
	MaxTags        = 20
	MaxInterval    = 1000
	MaxLimit       = 100
	DefaultLimit   = 50
	MaxQuery       = 200
	// MinYear and MaxYear bound every time a person sends, in UTC
	// (pkg/dates).
	MinYear = dates.MinYear
	MaxYear = dates.MaxYear
)

type fieldErrors map[string]string

func (f fieldErrors) add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

func cleanTitle(raw string, fe fieldErrors) string {
	t := strings.TrimSpace(raw)
	switch {
	case t == "":
		fe.add("title", "is required")
	case utf8.RuneCountInString(t) > MaxTitle:
		fe.add("title", fmt.Sprintf("must be at most %d characters", MaxTitle))
	case strings.ContainsFunc(t, isBadControl):
		fe.add("title", "must not contain control characters")
	}
	return t
}

func cleanDescription(raw string, fe fieldErrors) string {
	d := strings.TrimRightFunc(raw, unicode.IsSpace)
	switch {
	case utf8.RuneCountInString(d) > MaxDescription:
		fe.add("description", fmt.Sprintf("must be at most %d characters", MaxDescription))
	case strings.ContainsRune(d, 0):
		// PostgreSQL text cannot hold NUL.
		fe.add("description", "must not contain NUL characters")
	}
	return d
}

// isBadControl rejects control characters other than tab and newlines.
func isBadControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }

func cleanPriority(raw string, fe fieldErrors) string {
	p := strings.ToLower(strings.TrimSpace(raw))
	if p == "" {
		return api.PriorityMedium
	}
	for _, ok := range api.Priorities() {
		if p == ok {
			return p
		}
	}
	fe.add("priority", "must be one of low, medium, high")
	return p
}

func cleanRecurrence(raw string, interval int, fe fieldErrors) (string, int) {
	r := strings.ToLower(strings.TrimSpace(raw))
	if r == "" {
		r = api.RecurNone
	}
	valid := false
	for _, ok := range api.Recurrences() {
		valid = valid || r == ok
	}
	if !valid {
		fe.add("recurrence", "must be one of none, daily, weekly, monthly, yearly")
	}
	if interval == 0 {
		interval = 1
	}
	if interval < 1 || interval > MaxInterval {
		fe.add("recurrence_interval", fmt.Sprintf("must be between 1 and %d", MaxInterval))
	}
	return r, interval
}

// cleanWeekdays reads the days of the week a series falls on.
func cleanWeekdays(raw []string, fe fieldErrors) dates.Weekdays {
	w, err := dates.ParseWeekdays(raw)
	if err != nil {
		fe.add("recurrence_weekdays", err.Error())
	}
	return w
}

// cleanMonthDay checks the day of the month a series keeps.
func cleanMonthDay(n int, fe fieldErrors) int {
	if n < recurrence.LastDay || n > 31 {
		fe.add("recurrence_month_day", "must be a day of the month, 1 to 31, or -1 for the last day (0: the due's day)")
	}
	return n
}

// cleanTags trims, checks and de-duplicates tag names (ignoring case,
// keeping the first spelling).
func cleanTags(raw []string, fe fieldErrors) []string {
	if len(raw) > MaxTags {
		fe.add("tags", fmt.Sprintf("at most %d tags per task", MaxTags))
		return nil
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(raw))
	for _, t := range raw {
		t = strings.Join(strings.Fields(t), " ")
		t = strings.TrimPrefix(t, "#")
		switch {
		case t == "":
			fe.add("tags", "tag names must not be empty")
			continue
		case utf8.RuneCountInString(t) > MaxTagName:
			fe.add("tags", fmt.Sprintf("tag names must be at most %d characters", MaxTagName))
			continue
		case strings.ContainsAny(t, ","):
			fe.add("tags", "tag names must not contain commas")
			continue
		case strings.ContainsFunc(t, unicode.IsControl):
			fe.add("tags", "tag names must not contain control characters")
			continue
		}
		if k := strings.ToLower(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// CheckTags applies the tag rules of Create to names alone (an import's
// list of tags): the cleaned names, or what is wrong with them.
func CheckTags(names []string) ([]string, string) {
	fe := fieldErrors{}
	out := cleanTags(names, fe)
	return out, fe["tags"]
}

// ParseDue reads a time by the product's date rule (pkg/dates): an RFC
// 3339 timestamp, or a YYYY-MM-DD date standing for the end (due times,
// range ends) or the start (range starts) of that day in loc, the user's
// zone. It returns the time in UTC. The year is checked after the
// conversion to UTC: 9999-12-31T23:59:59-23:59 is in the year 10000 there,
// and would be stored as a time no JSON timestamp can express.
func ParseDue(raw string, loc *time.Location, b dates.Bound) (time.Time, error) {
	t, _, err := dates.Parse(raw, loc, b)
	if err != nil {
		return time.Time{}, fmt.Errorf("must be an RFC 3339 timestamp such as 2026-12-24T17:00:00Z or a date such as 2026-12-24")
	}
	t = t.UTC()
	if !dates.InYears(t) {
		return time.Time{}, errors.New(dates.YearProblem)
	}
	return t, nil
}

func cleanDue(raw *string, field string, fe fieldErrors, loc *time.Location, b dates.Bound) *time.Time {
	if raw == nil || strings.TrimSpace(*raw) == "" {
		return nil
	}
	t, err := ParseDue(*raw, loc, b)
	if err != nil {
		fe.add(field, err.Error())
		return nil
	}
	return &t
}

// Problems with a task's due, as the 422s name them.
const (
	dueBoth    = "give due_date (a day, all day) or due_at (a time), not both"
	dueBadDate = "must be a date such as 2026-12-08"
	dueBadTime = "must be an RFC 3339 timestamp such as 2026-12-08T09:00:00+01:00 (a day alone goes in due_date)"
)

// cleanTaskDue reads a task's due from its two inputs by the date rule
// (pkg/dates): a day (date, YYYY-MM-DD: all day) or an instant (at, RFC
// 3339), not both; a YYYY-MM-DD at is a day too (the shape before API
// 1.7.0, deprecated). An all-day date's instant is the end of its day in
// loc, the person's zone. Empty inputs give no due.
func cleanTaskDue(date, at *string, loc *time.Location, fe fieldErrors) (*dates.Date, *time.Time) {
	d, a := strings.TrimSpace(deref(date)), strings.TrimSpace(deref(at))
	switch {
	case d != "" && a != "":
		fe.add("due_date", dueBoth)
		return nil, nil
	case d != "":
		return cleanDay(d, "due_date", loc, fe)
	case a == "":
		return nil, nil
	case dates.LooksDateOnly(a):
		return cleanDay(a, "due_at", loc, fe)
	}
	t, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		fe.add("due_at", dueBadTime)
		return nil, nil
	}
	if t = t.UTC(); !dates.InYears(t) {
		fe.add("due_at", dates.YearProblem)
		return nil, nil
	}
	return nil, &t
}

func cleanDay(raw, field string, loc *time.Location, fe fieldErrors) (*dates.Date, *time.Time) {
	d, err := dates.ParseDate(raw)
	if err != nil {
		fe.add(field, dueBadDate+": "+err.Error())
		return nil, nil
	}
	end := d.EndIn(loc).UTC()
	if !dates.InYears(end) {
		fe.add(field, dates.YearProblem)
		return nil, nil
	}
	return &d, &end
}
