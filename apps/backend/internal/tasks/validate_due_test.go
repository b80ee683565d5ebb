package tasks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/todo-app/todo-app/pkg/dates"
)

func TestNextDue(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 9, 30, 0, 0, time.UTC) }
	cases := []struct {
		name     string
		from     time.Time
		rule     string
		interval int
		want     time.Time
	}{
		{"daily", d(2026, 1, 1), "daily", 1, d(2026, 1, 2)},
		{"every 3 days", d(2026, 1, 30), "daily", 3, d(2026, 2, 2)},
		{"weekly", d(2026, 1, 1), "weekly", 1, d(2026, 1, 8)},
		{"biweekly", d(2026, 12, 25), "weekly", 2, d(2027, 1, 8)},
		{"monthly", d(2026, 1, 15), "monthly", 1, d(2026, 2, 15)},
		{"monthly clamps to end of February", d(2026, 1, 31), "monthly", 1, d(2026, 2, 28)},
		{"monthly clamps in leap year", d(2028, 1, 31), "monthly", 1, d(2028, 2, 29)},
		{"quarterly across year", d(2026, 11, 30), "monthly", 3, d(2027, 2, 28)},
		{"yearly", d(2026, 3, 1), "yearly", 1, d(2027, 3, 1)},
		{"yearly from leap day", d(2028, 2, 29), "yearly", 1, d(2029, 2, 28)},
		{"zero interval means one", d(2026, 1, 1), "daily", 0, d(2026, 1, 2)},
		{"none stays", d(2026, 1, 1), "none", 1, d(2026, 1, 1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, NextDue(tc.from, tc.rule, tc.interval))
		})
	}
}

func TestParseDue(t *testing.T) {
	got, err := ParseDue("2026-12-24", time.UTC, dates.End)
	assert.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 24, 23, 59, 59, 0, time.UTC), got, "a date is due by the end of that day")
	tokyo := dates.Zone("Asia/Tokyo")
	got, err = ParseDue("2026-12-24", tokyo, dates.End)
	assert.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 24, 14, 59, 59, 0, time.UTC), got, "in the user's zone")
	got, err = ParseDue("2026-12-24", tokyo, dates.Start)
	assert.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 23, 15, 0, 0, 0, time.UTC), got, "a range starts at the day's start")
	got, err = ParseDue("2026-12-24T17:00:00-05:00", tokyo, dates.End)
	assert.NoError(t, err)
	assert.Equal(t, time.Date(2026, 12, 24, 22, 0, 0, 0, time.UTC), got, "a timestamp is what it says")
	for _, bad := range []string{"", "tomorrow", "2026-02-30", "24/12/2026", "0001-01-01", "2026-12-24T25:00:00Z"} {
		_, err := ParseDue(bad, time.UTC, dates.End)
		assert.Error(t, err, bad)
	}
}

func TestCleanTags(t *testing.T) {
	fe := fieldErrors{}
	assert.Equal(t, []string{"Work", "big idea"}, cleanTags([]string{" Work ", "#work", "big   idea"}, fe))
	assert.Empty(t, fe)
}
