package tasks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/todo-app/todo-app/pkg/dates"
)

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
