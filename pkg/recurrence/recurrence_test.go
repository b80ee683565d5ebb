package recurrence_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
)

func day(y int, m time.Month, d int) dates.Date { return dates.NewDate(y, m, d) }

func TestNextDate(t *testing.T) {
	mwf := dates.NewWeekdays(time.Monday, time.Wednesday, time.Friday)
	workdays := dates.NewWeekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	cases := []struct {
		name string
		rule recurrence.Rule
		from dates.Date
		want dates.Date
		keep int
	}{
		{"daily", recurrence.Rule{Freq: "daily", Interval: 1}, day(2026, 1, 1), day(2026, 1, 2), 0},
		{"every 3 days", recurrence.Rule{Freq: "daily", Interval: 3}, day(2026, 1, 30), day(2026, 2, 2), 0},
		{"weekly", recurrence.Rule{Freq: "weekly", Interval: 1}, day(2026, 1, 1), day(2026, 1, 8), 0},
		{"biweekly", recurrence.Rule{Freq: "weekly", Interval: 2}, day(2026, 12, 25), day(2027, 1, 8), 0},
		{"monthly", recurrence.Rule{Freq: "monthly", Interval: 1}, day(2026, 1, 15), day(2026, 2, 15), 0},
		{"monthly clamps to the end of February and remembers the 31st", recurrence.Rule{Freq: "monthly", Interval: 1}, day(2026, 1, 31), day(2026, 2, 28), 31},
		{"and comes back to it", recurrence.Rule{Freq: "monthly", Interval: 1, MonthDay: 31}, day(2026, 2, 28), day(2026, 3, 31), 31},
		{"monthly clamps in a leap year", recurrence.Rule{Freq: "monthly", Interval: 1}, day(2028, 1, 31), day(2028, 2, 29), 31},
		{"quarterly across the year", recurrence.Rule{Freq: "monthly", Interval: 3}, day(2026, 11, 30), day(2027, 2, 28), 30},
		{"the last day of each month", recurrence.Rule{Freq: "monthly", Interval: 1, MonthDay: recurrence.LastDay}, day(2026, 2, 28), day(2026, 3, 31), recurrence.LastDay},
		{"every 1st", recurrence.Rule{Freq: "monthly", Interval: 1, MonthDay: 1}, day(2026, 12, 7), day(2027, 1, 1), 1},
		{"yearly", recurrence.Rule{Freq: "yearly", Interval: 1}, day(2026, 3, 1), day(2027, 3, 1), 0},
		{"yearly from a leap day", recurrence.Rule{Freq: "yearly", Interval: 1}, day(2028, 2, 29), day(2029, 2, 28), 29},
		{"back to the leap day", recurrence.Rule{Freq: "yearly", Interval: 3, MonthDay: 29}, day(2029, 2, 28), day(2032, 2, 29), 29},
		{"Mon, Wed, Fri from a Monday", recurrence.Rule{Freq: "weekly", Interval: 1, Weekdays: mwf}, day(2026, 12, 7), day(2026, 12, 9), 0},
		{"Mon, Wed, Fri from a Friday", recurrence.Rule{Freq: "weekly", Interval: 1, Weekdays: mwf}, day(2026, 12, 11), day(2026, 12, 14), 0},
		{"Mon, Wed, Fri every other week, from a Friday", recurrence.Rule{Freq: "weekly", Interval: 2, Weekdays: mwf}, day(2026, 12, 11), day(2026, 12, 21), 0},
		{"Mon, Wed, Fri from a Saturday", recurrence.Rule{Freq: "weekly", Interval: 1, Weekdays: mwf}, day(2026, 12, 12), day(2026, 12, 14), 0},
		{"every weekday from a Friday", recurrence.Rule{Freq: "daily", Interval: 1, Weekdays: workdays}, day(2026, 12, 11), day(2026, 12, 14), 0},
		{"every weekday from a Tuesday", recurrence.Rule{Freq: "daily", Interval: 1, Weekdays: workdays}, day(2026, 12, 8), day(2026, 12, 9), 0},
		{"zero interval means one", recurrence.Rule{Freq: "daily"}, day(2026, 1, 1), day(2026, 1, 2), 0},
		{"none stays", recurrence.Rule{Freq: "none", Interval: 1}, day(2026, 1, 1), day(2026, 1, 1), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, keep := c.rule.NextDate(c.from)
			assert.Equal(t, c.want.String(), got.String())
			assert.Equal(t, c.keep, keep, "the month day the next occurrence keeps")
		})
	}
}

// A timed series keeps its wall-clock time across DST changes, north and
// south; an all-day one its dates; both skip what they missed.
func TestNextKeepsTheLocalTime(t *testing.T) {
	for _, c := range []struct {
		zone string
		from time.Time // local
		rule recurrence.Rule
		want string // local
	}{
		{"America/New_York", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), recurrence.Rule{Freq: "weekly", Interval: 1}, "2026-03-09 09:00"},
		{"Europe/Berlin", time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC), recurrence.Rule{Freq: "weekly", Interval: 1}, "2026-10-27 09:00"},
		{"Australia/Sydney", time.Date(2026, 4, 1, 7, 30, 0, 0, time.UTC), recurrence.Rule{Freq: "weekly", Interval: 1}, "2026-04-08 07:30"},
		{"America/Santiago", time.Date(2026, 9, 1, 18, 0, 0, 0, time.UTC), recurrence.Rule{Freq: "monthly", Interval: 1}, "2026-10-01 18:00"},
		{"Asia/Kathmandu", time.Date(2026, 12, 11, 6, 15, 0, 0, time.UTC), recurrence.Rule{Freq: "daily", Interval: 1,
			Weekdays: dates.NewWeekdays(time.Monday, time.Friday)}, "2026-12-14 06:15"},
	} {
		loc, err := time.LoadLocation(c.zone)
		require.NoError(t, err)
		from := time.Date(c.from.Year(), c.from.Month(), c.from.Day(), c.from.Hour(), c.from.Minute(), 0, 0, loc)
		date, due, _ := c.rule.Next(nil, &from, from, loc)
		assert.Nil(t, date)
		assert.Equal(t, c.want, due.In(loc).Format("2006-01-02 15:04"), c.zone)
	}

	ny, _ := time.LoadLocation("America/New_York")
	d := day(2026, 3, 1)
	now := time.Date(2026, 3, 20, 13, 0, 0, 0, time.UTC) // 09:00 in New York
	date, due, _ := recurrence.Rule{Freq: "weekly", Interval: 1}.Next(&d, nil, now, ny)
	require.NotNil(t, date)
	assert.Equal(t, "2026-03-22", date.String(), "a Sunday still, the first ahead of now")
	assert.Equal(t, "2026-03-23T03:59:59Z", due.Format(time.RFC3339), "its end in New York, summer time")

	from := time.Date(2026, 3, 1, 8, 0, 0, 0, ny)
	_, due, _ = recurrence.Rule{Freq: "daily", Interval: 1}.Next(nil, &from, now, ny)
	assert.Equal(t, "2026-03-21 08:00", due.In(ny).Format("2006-01-02 15:04"), "the first ahead, at 08:00")
}

func TestWeekdaysOnTheWire(t *testing.T) {
	w, err := dates.ParseWeekdays([]string{"FRI", " mon", "wed"})
	require.NoError(t, err)
	b, err := w.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, `["mon","wed","fri"]`, string(b), "in week order")
	_, err = dates.ParseWeekdays([]string{"mon", "funday"})
	assert.ErrorContains(t, err, "funday")
	var back dates.Weekdays
	require.NoError(t, back.UnmarshalJSON(b))
	assert.Equal(t, w, back)
	v, err := back.Value()
	require.NoError(t, err)
	var scanned dates.Weekdays
	require.NoError(t, scanned.Scan(v))
	assert.Equal(t, w, scanned)
}

func TestRulesSaidAsPeopleSayThem(t *testing.T) {
	mwf := dates.NewWeekdays(time.Monday, time.Wednesday, time.Friday)
	workdays := dates.NewWeekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	for want, r := range map[string]recurrence.Rule{
		"":                                  {Freq: "none"},
		"every day":                         {Freq: "daily", Interval: 1},
		"every 3 days":                      {Freq: "daily", Interval: 3},
		"every other week":                  {Freq: "weekly", Interval: 2},
		"every weekday":                     {Freq: "daily", Interval: 1, Weekdays: workdays},
		"every Mon, Wed, Fri":               {Freq: "weekly", Interval: 1, Weekdays: mwf},
		"every other week on Mon, Wed, Fri": {Freq: "weekly", Interval: 2, Weekdays: mwf},
		"every month on the 1st":            {Freq: "monthly", Interval: 1, MonthDay: 1},
		"every month on the 22nd":           {Freq: "monthly", Interval: 1, MonthDay: 22},
		"every month on the 11th":           {Freq: "monthly", Interval: 1, MonthDay: 11},
		"every 3 months on the last day":    {Freq: "monthly", Interval: 3, MonthDay: recurrence.LastDay},
		"every year":                        {Freq: "yearly", Interval: 1},
	} {
		assert.Equal(t, want, r.String())
	}
}
