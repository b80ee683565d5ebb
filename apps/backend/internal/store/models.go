package store

import (
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// User is a row of users.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           string `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	Email        string `bun:"email,notnull"`
	Name         string `bun:"name,notnull"`
	PasswordHash string `bun:"password_hash,notnull"`
	TimeZone     string `bun:"time_zone,notnull,default:'UTC'"`
	// TimeZoneAuto: the zone is the browser's of the most recent page
	// load (SeeBrowserZone); false when the person chose it in Settings.
	TimeZoneAuto bool `bun:"time_zone_auto,notnull,default:true"`
	// TimeZoneSeenAt is when a browser last reported TimeZone while
	// automatic; nil when none has.
	TimeZoneSeenAt *time.Time `bun:"time_zone_seen_at"`
	// DefaultReminderMinutes is the reminder new tasks with a due time
	// get (minutes before it), nil for none.
	DefaultReminderMinutes *int      `bun:"default_reminder_minutes"`
	CreatedAt              time.Time `bun:"created_at,notnull,default:now()"`
}

// Location is the person's one zone (pkg/dates): "today", the instants of
// their all-day dates, their reminders at a time of day, the calendar
// feed and the exports are all read in it. An unknown name is UTC.
func (u User) Location() *time.Location { return dates.Zone(u.TimeZone) }

// Task is a row of tasks with its tags loaded through task_tags.
type Task struct {
	bun.BaseModel `bun:"table:tasks,alias:t"`

	ID     int64  `bun:"id,pk,autoincrement"`
	UserID string `bun:"user_id,type:uuid,notnull"`
	// TaskFields are the fields a person sets, one column each, named as
	// bun names them (title, due_at, recurrence_interval): declared once
	// in pkg/api, so a new field is a new column here without an edit.
	api.TaskFields
	// TaskPlace is where it is (project_id, section_id, parent_id,
	// position): changed by moves alone (Tx.Place), never by UpdateTask.
	api.TaskPlace
	Completed   bool       `bun:"completed,notnull"`
	CompletedAt *time.Time `bun:"completed_at"`
	// CompletedBy is the ancestor whose completion completed this
	// subtask (nil when it was completed on its own, or is open).
	CompletedBy *int64    `bun:"completed_by"`
	CreatedAt   time.Time `bun:"created_at,notnull,default:now()"`
	UpdatedAt   time.Time `bun:"updated_at,notnull,default:now()"`
	// DeletedAt is set while the task is deleted but restorable.
	DeletedAt *time.Time `bun:"deleted_at"`
	// RecurredFrom is the task this occurrence was generated from.
	RecurredFrom *int64 `bun:"recurred_from"`
	// ImportKey is the key the task was imported with (internal/transfer).
	ImportKey *string `bun:"import_key"`
	// UID is the task's iCalendar UID, a random UUID the database gives
	// every row (never a person): read by the calendar feed alone
	// (FeedTasks selects it), never written, so that no path that copies
	// a task (the next occurrence of a recurring one) can copy it too.
	UID string `bun:"uid,scanonly"`

	Tags []Tag `bun:"m2m:task_tags,join:Task=Tag"`
	// Reminders are loaded with the task (loadReminders).
	Reminders []Reminder `bun:"-"`
}

// Project is a row of projects.
type Project struct {
	bun.BaseModel `bun:"table:projects,alias:p"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    string     `bun:"user_id,type:uuid,notnull"`
	Name      string     `bun:"name,notnull"`
	Color     string     `bun:"color,notnull"`
	Position  string     `bun:"position,notnull"`
	Inbox     bool       `bun:"inbox,notnull"`
	Archived  bool       `bun:"archived,notnull"`
	CreatedAt time.Time  `bun:"created_at,notnull,default:now()"`
	UpdatedAt time.Time  `bun:"updated_at,notnull,default:now()"`
	DeletedAt *time.Time `bun:"deleted_at"`
	// ImportKey is the key the project was imported with (internal/transfer).
	ImportKey *string `bun:"import_key"`
}

// Section is a row of sections.
type Section struct {
	bun.BaseModel `bun:"table:sections,alias:s"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    string     `bun:"user_id,type:uuid,notnull"`
	ProjectID int64      `bun:"project_id,notnull"`
	Name      string     `bun:"name,notnull"`
	Position  string     `bun:"position,notnull"`
	CreatedAt time.Time  `bun:"created_at,notnull,default:now()"`
	DeletedAt *time.Time `bun:"deleted_at"`
	// ImportKey is the key the section was imported with (internal/transfer).
	ImportKey *string `bun:"import_key"`
}

// Tag is a row of tags.
type Tag struct {
	bun.BaseModel `bun:"table:tags,alias:g"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    string    `bun:"user_id,type:uuid,notnull"`
	Name      string    `bun:"name,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull,default:now()"`
}

// TaskTag joins tasks and tags.
type TaskTag struct {
	bun.BaseModel `bun:"table:task_tags"`

	TaskID int64 `bun:"task_id,pk"`
	Task   *Task `bun:"rel:belongs-to,join:task_id=id"`
	TagID  int64 `bun:"tag_id,pk"`
	Tag    *Tag  `bun:"rel:belongs-to,join:tag_id=id"`
}

// TagCount is a tag with how many of the user's tasks carry it.
type TagCount struct {
	ID        int64  `bun:"id"`
	Name      string `bun:"name"`
	TaskCount int    `bun:"task_count"`
	OpenCount int    `bun:"open_count"`
}

// Conversation is a row of conversations.
type Conversation struct {
	bun.BaseModel `bun:"table:conversations,alias:c"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    string    `bun:"user_id,type:uuid,notnull"`
	Title     string    `bun:"title,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull,default:now()"`
	UpdatedAt time.Time `bun:"updated_at,notnull,default:now()"`
	// ImportKey is the key the conversation was imported with.
	ImportKey *string `bun:"import_key"`
}

// Message is a row of messages.
type Message struct {
	bun.BaseModel `bun:"table:messages,alias:m"`

	ID             int64           `bun:"id,pk,autoincrement"`
	ConversationID int64           `bun:"conversation_id,notnull"`
	UserID         string          `bun:"user_id,type:uuid,notnull"`
	Role           string          `bun:"role,notnull"`
	Content        string          `bun:"content,notnull"`
	ToolCalls      json.RawMessage `bun:"tool_calls,type:jsonb,nullzero"`
	CreatedAt      time.Time       `bun:"created_at,notnull,default:now()"`
}
