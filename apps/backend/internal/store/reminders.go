package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/todo-app/todo-app/pkg/dates"
)

// Reminder is a row of reminders.
type Reminder struct {
	bun.BaseModel `bun:"table:reminders,alias:r"`

	ID            int64      `bun:"id,pk,autoincrement"`
	TaskID        int64      `bun:"task_id,notnull"`
	UserID        string     `bun:"user_id,type:uuid,notnull"`
	At            *time.Time `bun:"at"`
	BeforeMinutes *int       `bun:"before_minutes"`
	AtTime        *string    `bun:"at_time"`
	FireAt        *time.Time `bun:"fire_at"`
	FiredAt       *time.Time `bun:"fired_at"`
	Late          bool       `bun:"late,notnull"`
	CreatedAt     time.Time  `bun:"created_at,notnull,default:now()"`
}

// SetReminders replaces the reminders of task t with rs (their FireAt
// computed by the caller; UserID and TaskID are filled in here).
func (tx Tx) SetReminders(ctx context.Context, t *Task, rs []Reminder) error {
	if _, err := tx.db.NewDelete().Model((*Reminder)(nil)).Where("task_id = ?", t.ID).Exec(ctx); err != nil {
		return fmt.Errorf("clearing the reminders of task %d: %w", t.ID, err)
	}
	if len(rs) == 0 {
		t.Reminders = nil
		return nil
	}
	for i := range rs {
		rs[i].ID, rs[i].TaskID, rs[i].UserID = 0, t.ID, t.UserID
	}
	if _, err := tx.db.NewInsert().Model(&rs).Exec(ctx); err != nil {
		return fmt.Errorf("saving the reminders of task %d: %w", t.ID, err)
	}
	slices.SortStableFunc(rs, byFireTime)
	t.Reminders = rs
	return nil
}

// byFireTime orders reminders as they fire; those with no time last.
func byFireTime(a, b Reminder) int {
	switch {
	case a.FireAt == nil && b.FireAt == nil:
		return cmp.Compare(a.ID, b.ID)
	case a.FireAt == nil:
		return 1
	case b.FireAt == nil:
		return -1
	}
	if c := a.FireAt.Compare(*b.FireAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// RemindersOf returns the reminders of one task.
func (tx Tx) RemindersOf(ctx context.Context, taskID int64) ([]Reminder, error) {
	var out []Reminder
	if err := tx.db.NewSelect().Model(&out).Where("r.task_id = ?", taskID).OrderExpr("r.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("loading the reminders of task %d: %w", taskID, err)
	}
	return out, nil
}

// Reschedule stores new fire times for reminders of one task: a reminder
// whose time changed is armed again (fired_at cleared) when the new time
// is still ahead.
func (tx Tx) Reschedule(ctx context.Context, rs []Reminder, now time.Time) error {
	for _, r := range rs {
		q := tx.db.NewUpdate().Model((*Reminder)(nil)).Set("fire_at = ?", r.FireAt).Where("id = ?", r.ID).
			Where("fire_at IS DISTINCT FROM ?", r.FireAt)
		if r.FireAt != nil && r.FireAt.After(now) {
			q.Set("fired_at = NULL, late = false")
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("rescheduling reminder %d: %w", r.ID, err)
		}
	}
	return nil
}

// loadReminders fills in the reminders of a page of tasks, in firing order.
func loadReminders(ctx context.Context, db bun.IDB, tasks []Task) error {
	if len(tasks) == 0 {
		return nil
	}
	ids := make([]int64, len(tasks))
	at := make(map[int64]int, len(tasks))
	for i, t := range tasks {
		ids[i], at[t.ID] = t.ID, i
	}
	var rows []Reminder
	if err := db.NewSelect().Model(&rows).Where("r.task_id IN (?)", bun.List(ids)).
		OrderExpr("r.fire_at NULLS LAST, r.id").Scan(ctx); err != nil {
		return fmt.Errorf("loading the reminders of %d tasks: %w", len(tasks), err)
	}
	for _, r := range rows {
		t := &tasks[at[r.TaskID]]
		t.Reminders = append(t.Reminders, r)
	}
	return nil
}

// Fired is a reminder a claim marked fired.
type Fired struct {
	NotificationID int64     `bun:"id"`
	ReminderID     int64     `bun:"reminder_id"`
	TaskID         int64     `bun:"task_id"`
	UserID         string    `bun:"user_id"`
	FireAt         time.Time `bun:"fire_at"`
	Late           bool      `bun:"late"`
}

// ClaimDue marks up to limit due reminders fired and records a
// notification for each, in one statement: rows another backend holds are
// skipped (SKIP LOCKED), and a row once marked is never found again, so
// each reminder fires exactly once. Reminders of completed or deleted
// tasks, and of tasks in archived projects, do not fire. A reminder more than lateAfter behind is marked late.
func (s *Store) ClaimDue(ctx context.Context, limit int, lateAfter time.Duration) ([]Fired, error) {
	var out []Fired
	err := s.DB.NewRaw(`
WITH due AS (
    SELECT r.id FROM reminders r JOIN tasks t ON t.id = r.task_id
    WHERE r.fired_at IS NULL AND r.fire_at <= now() AND NOT t.completed AND t.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = t.project_id AND p.archived)
    ORDER BY r.fire_at
    LIMIT ?
    FOR UPDATE OF r SKIP LOCKED
), fired AS (
    UPDATE reminders r SET fired_at = now(), late = now() - r.fire_at > make_interval(secs => ?)
    FROM due WHERE r.id = due.id
    RETURNING r.id, r.task_id, r.user_id, r.fire_at, r.fired_at, r.late
)
INSERT INTO notifications (user_id, reminder_id, task_id, fire_at, fired_at, late)
SELECT user_id, id, task_id, fire_at, fired_at, late FROM fired
RETURNING id, reminder_id, task_id, user_id, fire_at, late`, limit, lateAfter.Seconds()).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("claiming due reminders: %w", err)
	}
	return out, nil
}

// NotificationRow is a fired reminder as the pages show it.
type NotificationRow struct {
	ID        int64       `bun:"id"`
	TaskID    int64       `bun:"task_id"`
	Title     string      `bun:"title"`
	DueDate   *dates.Date `bun:"due_date"`
	DueAt     *time.Time  `bun:"due_at"`
	Completed bool        `bun:"completed"`
	FireAt    time.Time   `bun:"fire_at"`
	FiredAt   time.Time   `bun:"fired_at"`
	Late      bool        `bun:"late"`
	Seen      bool        `bun:"seen"`
}

// Notifications returns the user's fired reminders with id above after,
// oldest first (unseenSince set: only those not seen yet, fired since
// then), at most limit; and the user's newest notification id.
func (s *Store) Notifications(ctx context.Context, userID string, after int64, unseenSince *time.Time, limit int) ([]NotificationRow, int64, error) {
	out := []NotificationRow{}
	q := s.DB.NewSelect().TableExpr("notifications AS n").Join("JOIN tasks AS t ON t.id = n.task_id").
		ColumnExpr("n.id, n.task_id, t.title, t.due_date, t.due_at, t.completed, n.fire_at, n.fired_at, n.late, n.seen_at IS NOT NULL AS seen").
		Where("n.user_id = ? AND n.id > ? AND t.deleted_at IS NULL", userID, after)
	if unseenSince != nil {
		q.Where("n.seen_at IS NULL AND n.fired_at >= ?", *unseenSince)
	}
	if err := q.OrderExpr("n.id").Limit(int64(limit)).Scan(ctx, &out); err != nil {
		return nil, 0, fmt.Errorf("listing notifications: %w", err)
	}
	var last int64
	if err := s.DB.NewSelect().TableExpr("notifications").ColumnExpr("coalesce(max(id), 0)").
		Where("user_id = ?", userID).Scan(ctx, &last); err != nil {
		return nil, 0, fmt.Errorf("finding the newest notification: %w", err)
	}
	return out, last, nil
}

// MarkSeen marks the user's notifications ids seen.
func (s *Store) MarkSeen(ctx context.Context, userID string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.DB.NewUpdate().TableExpr("notifications").Set("seen_at = now()").
		Where("user_id = ? AND id IN (?) AND seen_at IS NULL", userID, bun.List(ids)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("marking notifications seen: %w", err)
	}
	return nil
}
