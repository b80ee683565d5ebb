package dates_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/dates"
)

func TestTheRule(t *testing.T) {
	ny := dates.Zone("America/New_York")
	due, dateOnly, err := dates.Parse("2026-12-01", ny, dates.End)
	require.NoError(t, err)
	assert.True(t, dateOnly)
	assert.Equal(t, "2026-12-02T04:59:59Z", due.UTC().Format(time.RFC3339), "the end of 1 December in New York")
	assert.True(t, dates.IsDateOnly(due, ny))
	assert.False(t, dates.IsDateOnly(due, time.UTC), "the same instant has a time in another zone")

	from, _, err := dates.Parse("2026-12-01", ny, dates.Start)
	require.NoError(t, err)
	assert.Equal(t, "2026-12-01T05:00:00Z", from.UTC().Format(time.RFC3339))

	exact, dateOnly, err := dates.Parse("2026-12-01T17:00:00+01:00", ny, dates.End)
	require.NoError(t, err)
	assert.False(t, dateOnly)
	assert.Equal(t, "2026-12-01T16:00:00Z", exact.UTC().Format(time.RFC3339))

	_, _, err = dates.Parse("1 Dec", ny, dates.End)
	assert.Error(t, err)
	assert.True(t, dates.LooksDateOnly(" 2026-12-01 "))
	assert.False(t, dates.LooksDateOnly("2026-12-01T00:00:00Z"))
}

func TestWeeksStartOnMonday(t *testing.T) {
	loc := dates.Zone("Europe/Berlin")
	for day, monday := range map[string]string{
		"2026-11-26": "2026-11-23", // Thursday
		"2026-11-23": "2026-11-23", // Monday
		"2026-11-29": "2026-11-23", // Sunday ends the week
		"2026-11-30": "2026-11-30",
	} {
		d, _ := time.ParseInLocation(time.DateOnly, day, loc)
		assert.Equal(t, monday, dates.StartOfWeek(d.Add(15*time.Hour)).Format(time.DateOnly), day)
	}
}

func TestZoneFallsBackToUTC(t *testing.T) {
	assert.Equal(t, time.UTC, dates.Zone(""))
	assert.Equal(t, time.UTC, dates.Zone("Not/AZone"))
	assert.Equal(t, "Asia/Tokyo", dates.Zone("Asia/Tokyo").String())
}

// The year bound is checked in UTC: the probe's timestamp is four digits
// as written and the year 10000 in UTC. Shown holds a stored time to what
// a JSON timestamp can hold.
func TestYearsAreBoundInUTC(t *testing.T) {
	far, err := time.Parse(time.RFC3339, "9999-12-31T23:59:59-23:59")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		t    time.Time
		want bool
	}{
		{far, false},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(1970, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), false},
	} {
		if got := dates.InYears(c.t); got != c.want {
			t.Errorf("dates.InYears(%s) = %v", c.t, got)
		}
	}
	if got := dates.Shown(far); got != time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC) {
		t.Errorf("dates.Shown(year 10000) = %s", got)
	}
	if b, err := dates.Shown(far).MarshalJSON(); err != nil {
		t.Errorf("dates.Shown(year 10000) cannot be written as JSON: %v (%s)", err, b)
	}
	if got := dates.Shown(time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)); got.Year() != 0 {
		t.Errorf("dates.Shown(year -5) = %s", got)
	}
	if mid := time.Date(2026, 12, 7, 12, 0, 0, 0, time.FixedZone("", 3600)); !dates.Shown(mid).Equal(mid) || dates.Shown(mid).Location() != time.UTC {
		t.Errorf("Shown keeps a time within range, in UTC")
	}
}

// Where a DST change skips midnight (Atlantic/Azores moves 00:00 → 01:00
// on 28 March 2027), the day still begins that day: when the clock
// resumes, not at 23:00 the day before as time.Date would have it.
func TestADayWhoseMidnightIsSkipped(t *testing.T) {
	azores := dates.Zone("Atlantic/Azores")
	day := dates.NewDate(2027, 3, 28)
	start := day.StartIn(azores)
	assert.Equal(t, "2027-03-28 01:00 +0000", start.In(azores).Format("2006-01-02 15:04 -0700"))
	assert.Equal(t, day, dates.DateOf(start, azores))
	assert.Equal(t, start, dates.StartOfDay(time.Date(2027, 3, 28, 15, 0, 0, 0, azores), azores))
	assert.Equal(t, "2027-03-28 23:59:59 +0000", day.EndIn(azores).Format("2006-01-02 15:04:05 -0700"))
	// An ordinary day and zone are untouched.
	assert.Equal(t, "2027-03-27 00:00 -0100", dates.NewDate(2027, 3, 27).StartIn(azores).Format("2006-01-02 15:04 -0700"))
}

// A day whose last hour comes twice ends at the second 23:59:59 (Santiago,
// 3 April 2027: 24:00 → 23:00); a time a DST change skips moves forward.
func TestDaysAndTimesAcrossDSTEdges(t *testing.T) {
	santiago := dates.Zone("America/Santiago")
	assert.Equal(t, "2027-04-04T03:59:59Z", dates.NewDate(2027, 4, 3).EndIn(santiago).UTC().Format(time.RFC3339))
	assert.Equal(t, "2027-04-03T02:59:59Z", dates.NewDate(2027, 4, 2).EndIn(santiago).UTC().Format(time.RFC3339), "an ordinary day")
	ny := dates.Zone("America/New_York")
	assert.Equal(t, "2027-03-14 03:30 EDT", dates.NewDate(2027, 3, 14).At(2, 30, 0, ny).Format("2006-01-02 15:04 MST"), "02:30 does not exist that day")
	assert.Equal(t, "2027-03-14 09:00 EDT", dates.NewDate(2027, 3, 14).At(9, 0, 0, ny).Format("2006-01-02 15:04 MST"))
	assert.Equal(t, "2027-11-07 01:30 EDT", dates.NewDate(2027, 11, 7).At(1, 30, 0, ny).Format("2006-01-02 15:04 MST"), "a repeated time: the first")
}
