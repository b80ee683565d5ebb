package stack

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatchUpIsTheLongestGap(t *testing.T) {
	for schedule, want := range map[string]time.Duration{
		"0 3 * * *":    24 * time.Hour,
		"30 1 * * 0":   7 * 24 * time.Hour,
		"*/15 * * * *": 15 * time.Minute,
		"0 3 1 * *":    31 * 24 * time.Hour,
		"0 3,4 * * *":  23 * time.Hour,
		"0 */6 * * *":  6 * time.Hour,
	} {
		got, err := catchUpSeconds(schedule)
		require.NoError(t, err, schedule)
		assert.Equal(t, int(want/time.Second), got, schedule)
	}
	for _, bad := range []string{"daily", "61 3 * * *", "0 3 30 2 *"} {
		_, err := catchUpSeconds(bad)
		assert.ErrorContains(t, err, "backup.schedule", bad)
	}
}

// startsAtBoot is the CronJob controller's decision when the cluster
// comes back at now, its last run at last: it starts the most recent
// missed run if that is within startingDeadlineSeconds of now, and
// nothing when it counts more than 100 missed runs within the deadline
// (pkg/controller/cronjob, getNextScheduleTime and its documentation).
func startsAtBoot(t *testing.T, schedule string, deadline int, last, now time.Time) bool {
	t.Helper()
	s, err := cron.ParseStandard(schedule)
	require.NoError(t, err)
	earliest := last
	if d := now.Add(-time.Duration(deadline) * time.Second); d.After(earliest) {
		earliest = d
	}
	var recent time.Time
	missed := 0
	for next := s.Next(earliest); !next.After(now); next = s.Next(next) {
		recent = next
		missed++
	}
	return missed > 0 && missed <= 100 && now.Sub(recent) <= time.Duration(deadline)*time.Second
}

// The schedule catches up: a laptop shut at night (last backup the night
// before, off from 23:00 to 09:00) gets its backup at boot; so does one
// off for a week, and one booted late in the evening. With the deadline
// of an hour it had, none did.
func TestAMissedBackupRunsAtBoot(t *testing.T) {
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	lastRun := day.Add(-21 * time.Hour) // 03:00 the day before
	deadline, err := catchUpSeconds("0 3 * * *")
	require.NoError(t, err)
	for _, boot := range []time.Time{day.Add(9 * time.Hour), day.Add(23 * time.Hour), day.AddDate(0, 0, 7).Add(2 * time.Hour)} {
		assert.True(t, startsAtBoot(t, "0 3 * * *", deadline, lastRun, boot), "booted at %s", boot)
		assert.False(t, startsAtBoot(t, "0 3 * * *", 3600, lastRun, boot), "the old deadline, booted at %s", boot)
	}
	// A schedule every 15 minutes, the machine off for a month: still
	// under the controller's 100 missed runs.
	deadline, err = catchUpSeconds("*/15 * * * *")
	require.NoError(t, err)
	assert.True(t, startsAtBoot(t, "*/15 * * * *", deadline, day, day.AddDate(0, 1, 0).Add(7*time.Minute)))
	assert.False(t, startsAtBoot(t, "*/15 * * * *", 30*24*3600, day, day.AddDate(0, 1, 0).Add(7*time.Minute)), "a month's deadline counts too many")
}
