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
