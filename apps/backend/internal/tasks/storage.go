package tasks

import (
	"context"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
)

// Storage is what the task rules need from storage: exactly the reads and
// writes the Service makes, with the store's rows (store.Task,
// store.Reminder, …) as their shapes. PostgresStorage is the one the
// backend runs on; an in-memory one (package taskstest) lets the same
// rules be tested without a database.
//
// What the rules rely on, and every implementation must keep: each person
// sees only their own rows (another person's id is ErrNotFound, wrapped);
// a deleted task is invisible to every read but RestoreTask until purged;
// tags are one per person and name, names compared without case; and
// WithTx is all or nothing — the next occurrence of a completed task and
// the removal of an untouched one happen with the change that caused them,
// or not at all.
type Storage interface {
	// WithTx runs fn in a transaction, committing only if it returns nil.
	WithTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// GetTask loads one of the person's live tasks with its tags and
	// reminders, outside any transaction.
	GetTask(ctx context.Context, userID string, id int64) (store.Task, error)
	// ListTasks returns one page of the person's live tasks by f and how
	// many match (see store.TaskFilter).
	ListTasks(ctx context.Context, userID string, f store.TaskFilter) ([]store.Task, int, error)
	// LoadDetails fills in the tags and reminders of tasks listed with
	// NoDetails.
	LoadDetails(ctx context.Context, userID string, tasks []store.Task) error
	// CountSummary counts the dashboard's open, due-today, overdue and
	// done-this-week tasks, outside archived projects; CountProjects the
	// open, due-today and overdue tasks of each live unarchived project.
	CountSummary(ctx context.Context, userID string, b store.SummaryBounds) (store.SummaryCounts, error)
	CountProjects(ctx context.Context, userID string, b store.SummaryBounds) ([]store.ProjectCountRow, error)
	// DeleteTask marks a live task deleted (restorable) with its subtasks;
	// RestoreTask brings a deleted one back with the subtasks its deletion
	// took, at the top of its project when its parent is gone, in the
	// Inbox when its project is. Either is ErrNotFound when there is no
	// such task in that state.
	DeleteTask(ctx context.Context, userID string, id int64) error
	RestoreTask(ctx context.Context, userID string, id int64) error
	// PurgeDeletedTasks removes, for every person, at most limit tasks
	// deleted before cutoff, and says how many.
	PurgeDeletedTasks(ctx context.Context, cutoff time.Time, limit int) (int, error)
	// ListTags is the person's tags with how many live tasks (and open
	// ones) carry each, by name ignoring case.
	ListTags(ctx context.Context, userID string) ([]store.TagCount, error)
	DeleteTag(ctx context.Context, userID string, id int64) error
	// UserByID and UserTimeZone read the person's settings the rules
	// depend on (default reminder, time zone).
	UserByID(ctx context.Context, id string) (store.User, error)
	UserTimeZone(ctx context.Context, id string) (string, error)
	// Notifications and MarkSeen read and acknowledge fired reminders.
	Notifications(ctx context.Context, userID string, after int64, unseenSince *time.Time, limit int) ([]store.NotificationRow, int64, error)
	MarkSeen(ctx context.Context, userID string, ids []int64) error
}

// Tx is what the rules do inside one transaction of Storage.WithTx.
type Tx interface {
	// GetTask loads one of the person's live tasks with its tags and
	// reminders; GetTaskForUpdate loads it without them and holds it until
	// the transaction ends.
	GetTask(ctx context.Context, userID string, id int64) (store.Task, error)
	GetTaskForUpdate(ctx context.Context, userID string, id int64) (store.Task, error)
	// InsertTask stores t (filling its id and times) with the tags named,
	// creating those the person does not have yet.
	InsertTask(ctx context.Context, t *store.Task, tags []string) error
	// UpdateTask writes t's fields and completion, and its tags when tags
	// is not nil; it marks the task changed (updated_at).
	UpdateTask(ctx context.Context, t *store.Task, tags *[]string) error
	// SetReminders replaces the task's reminders with rs.
	SetReminders(ctx context.Context, t *store.Task, rs []store.Reminder) error
	// RemindersOf is the task's reminders by id.
	RemindersOf(ctx context.Context, taskID int64) ([]store.Reminder, error)
	// Reschedule stores new fire times, arming again a reminder whose time
	// moved into the future.
	Reschedule(ctx context.Context, rs []store.Reminder, now time.Time) error
	// DeleteUntouchedOccurrence removes the open occurrence generated from
	// task id if nobody changed it since it was created; its id, or 0.
	DeleteUntouchedOccurrence(ctx context.Context, userID string, id int64) (int64, error)
	// PersonZone is the person's zone name, read inside the transaction and
	// held until it ends: a zone change (which moves the instants of the
	// person's all-day dates) waits for the instants this one writes, and
	// no second connection is taken while this one is held.
	PersonZone(ctx context.Context, userID string) (string, error)

	// Inbox, GetProject and GetSection load the person's Inbox, one of
	// their live projects, one of their live sections (of a live project).
	Inbox(ctx context.Context, userID string) (store.Project, error)
	GetProject(ctx context.Context, userID string, id int64) (store.Project, error)
	GetSection(ctx context.Context, userID string, id int64) (store.Section, error)
	// NeighbourPosition is the nearest position to from among a list's
	// live rows (store.Sibling): above it, or below it when up; from
	// empty is the end of the list. Empty when there is none.
	NeighbourPosition(ctx context.Context, s store.Sibling, from string, up bool, excluding int64) (string, error)
	// Place moves a live task to place and its live subtasks to place's
	// project and section.
	Place(ctx context.Context, userID string, id int64, place api.TaskPlace) error
	// Subtree is a task's live subtasks at every depth, parents first.
	Subtree(ctx context.Context, userID string, id int64) ([]store.Task, error)
	// CompleteSubtree completes a task's open subtasks, marked completed
	// by it, writing those columns alone; ReopenSubtree reopens (undo) the
	// ones its completion closed, or (not undo) forgets which they were.
	// Both return the ids they changed.
	CompleteSubtree(ctx context.Context, userID string, id int64, at time.Time) ([]int64, error)
	ReopenSubtree(ctx context.Context, userID string, id int64, undo bool) ([]int64, error)
}

// PostgresStorage is Storage on the backend's PostgreSQL store: its own
// methods and queries, unchanged.
func PostgresStorage(s *store.Store) Storage { return postgres{s} }

type postgres struct{ *store.Store }

// WithTx hands fn the store's transaction as a Tx.
func (p postgres) WithTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error {
	return p.Store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error { return fn(ctx, tx) })
}

// GetTask reads outside a transaction (each statement on its own).
func (p postgres) GetTask(ctx context.Context, userID string, id int64) (store.Task, error) {
	return p.Store.Tasks().GetTask(ctx, userID, id)
}
