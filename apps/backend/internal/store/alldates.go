package store

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// The instants of all-day dates (pkg/dates): an all-day task keeps its
// day in tasks.due_date, and tasks.due_at holds the end of that day in
// the person's zone — where the task sorts, when it becomes overdue, what
// ranges and "today" compare — so that every query reads one column. The
// instant is a consequence of the date and the zone, written only here
// and by the task rules; the reminders at a local time on such a day
// ("the day before at 9:00") likewise.

// endOfDaySQL is the last second of the column's date in zone ?: the
// next day's start less a second, as dates.Date.EndIn computes it (on a
// day whose last hour comes twice, 23:59:59 read as a local time would be
// ambiguous).
const endOfDaySQL = "(((%s + 1)::timestamp AT TIME ZONE ?) - interval '1 second')"

// followZone moves the instants of userID's all-day dates, and of the
// pending reminders at a local time on them, to zone: the dates stay, the
// instants follow the person (the rule of one zone per person).
func followZone(ctx context.Context, db bun.IDB, userID, zone string) error {
	end := fmt.Sprintf(endOfDaySQL, "due_date")
	if _, err := db.NewUpdate().Table("tasks").Set("due_at = "+end, zone).
		Where("user_id = ? AND due_date IS NOT NULL", userID).
		Where("due_at IS DISTINCT FROM "+end, zone).Exec(ctx); err != nil {
		return fmt.Errorf("moving all-day dates to %s: %w", zone, err)
	}
	// A reminder at a time of day ("the day before at 09:00") is that time
	// in the person's zone, on a day counted from the task's date: its
	// all-day date, or the day a timed task falls on there.
	fire := `((COALESCE(t.due_date, (t.due_at AT TIME ZONE ?)::date) - r.before_minutes / 1440) + r.at_time::time) AT TIME ZONE ?`
	if _, err := db.NewRaw(`UPDATE reminders AS r SET fire_at = `+fire+`
		FROM tasks AS t
		WHERE t.id = r.task_id AND r.user_id = ? AND t.due_at IS NOT NULL
		  AND r.at_time IS NOT NULL AND r.fired_at IS NULL
		  AND r.fire_at IS DISTINCT FROM `+fire, zone, zone, userID, zone, zone).Exec(ctx); err != nil {
		return fmt.Errorf("moving reminders at a time of day to %s: %w", zone, err)
	}
	return nil
}

// allDayMigration is the Go migration that gives tasks their all-day
// dates (docs/decisions.md, "A due is a date or a date and time"): it adds
// tasks.due_date and infers it for the rows that earlier versions stored
// as an instant standing for a date. Its counts go to log, per person.
func allDayMigration(log *slog.Logger) migrate.Migration {
	return migrate.Migration{
		Name:    "20261207200001",
		Comment: "all_day_dates",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			return m.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return inferAllDay(ctx, tx, log)
			})
		},
	}
}

// inferAllDay fills tasks.due_date (added by the SQL migration before it,
// so that the table's exclusive lock is not held through this pass; the
// updates here lock only the rows they change). Which rows were dates:
//   - due at 23:59:59 in the person's zone (users.time_zone, the only zone
//     recorded; a row written in another zone the person had then cannot be
//     told from a time): what the web form, quick add, the assistant,
//     REST/MCP dates and imports stored for a date since the date rule;
//   - due at 23:59:59 UTC: what the date rule's own migration made of the
//     REST/MCP dates stored before it (midnight UTC), for everyone;
//   - an occurrence of a repeating series due at 22:59:59 or 00:59:59
//     (the next day) in the person's zone: an all-day series whose next
//     occurrence was computed in UTC and drifted by a DST change.
//
// The person's reminders on those rows at a local time keep their time;
// pending reminders "minutes before" an all-day date stop (fire_at null):
// the date rule says a date alone gets none, and they fired at 23:44.
func inferAllDay(ctx context.Context, tx bun.Tx, log *slog.Logger) error {
	var counts []struct {
		UserID string `bun:"user_id"`
		Zone   string `bun:"time_zone"`
		N      int    `bun:"n"`
	}
	// local is the due time on the person's clock, as a timestamp.
	err := tx.NewRaw(`WITH inferred AS (
		UPDATE tasks AS t SET due_date = CASE
				WHEN (t.due_at AT TIME ZONE u.time_zone)::time = '23:59:59'
				THEN (t.due_at AT TIME ZONE u.time_zone)::date
				WHEN (t.due_at AT TIME ZONE 'UTC')::time = '23:59:59'
				THEN (t.due_at AT TIME ZONE 'UTC')::date
				WHEN (t.due_at AT TIME ZONE u.time_zone)::time = '00:59:59'
				THEN (t.due_at AT TIME ZONE u.time_zone)::date - 1
				ELSE (t.due_at AT TIME ZONE u.time_zone)::date END
		FROM users AS u
		WHERE u.id = t.user_id AND t.due_at IS NOT NULL AND (
			(t.due_at AT TIME ZONE u.time_zone)::time = '23:59:59'
			OR (t.due_at AT TIME ZONE 'UTC')::time = '23:59:59'
			OR ((t.recurrence <> 'none' OR t.recurred_from IS NOT NULL)
				AND (t.due_at AT TIME ZONE u.time_zone)::time IN ('22:59:59', '00:59:59')))
		RETURNING t.user_id, u.time_zone)
	SELECT user_id, time_zone, count(*) AS n FROM inferred GROUP BY user_id, time_zone ORDER BY user_id`).Scan(ctx, &counts)
	if err != nil {
		return fmt.Errorf("inferring all-day dates: %w", err)
	}
	// The instants now follow the rule exactly (a drifted 22:59:59 becomes
	// 23:59:59 of its day), and the reminders with them.
	if _, err := tx.ExecContext(ctx, `UPDATE tasks AS t SET due_at = ((t.due_date + 1)::timestamp AT TIME ZONE u.time_zone) - interval '1 second'
		FROM users AS u WHERE u.id = t.user_id AND t.due_date IS NOT NULL
		  AND t.due_at IS DISTINCT FROM ((t.due_date + 1)::timestamp AT TIME ZONE u.time_zone) - interval '1 second'`); err != nil {
		return fmt.Errorf("setting the instants of all-day dates: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reminders AS r
		SET fire_at = CASE WHEN r.at_time IS NULL THEN NULL
			ELSE ((t.due_date - r.before_minutes / 1440) + r.at_time::time) AT TIME ZONE u.time_zone END
		FROM tasks AS t JOIN users AS u ON u.id = t.user_id
		WHERE t.id = r.task_id AND t.due_date IS NOT NULL AND r.before_minutes IS NOT NULL AND r.fired_at IS NULL`); err != nil {
		return fmt.Errorf("moving reminders on all-day dates: %w", err)
	}
	total := 0
	for _, c := range counts {
		total += c.N
		log.Info("all-day dates inferred", slog.String("user_id", c.UserID), slog.String("time_zone", c.Zone), slog.Int("tasks", c.N))
	}
	log.Info("all-day dates migration done", slog.Int("people", len(counts)), slog.Int("tasks", total))
	return nil
}
