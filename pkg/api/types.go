// Package api holds the JSON shapes of the backend's REST API, shared by
// the backend (which serves them) and the typed client (which sends them).
package api

import (
	"encoding/json"
	"time"

	"github.com/todo-app/todo-app/pkg/dates"
)

// Priorities and recurrence rules the backend accepts.
const (
	PriorityLow    = "low"
	PriorityMedium = "medium"
	PriorityHigh   = "high"

	RecurNone    = "none"
	RecurDaily   = "daily"
	RecurWeekly  = "weekly"
	RecurMonthly = "monthly"
	RecurYearly  = "yearly"
)

// Priorities lists valid priorities from lowest to highest.
func Priorities() []string { return []string{PriorityLow, PriorityMedium, PriorityHigh} }

// Recurrences lists valid recurrence rules.
func Recurrences() []string {
	return []string{RecurNone, RecurDaily, RecurWeekly, RecurMonthly, RecurYearly}
}

// Enum is the closed set of values of the field with this JSON name, nil
// for a field that has none: the OpenAPI document declares each as an
// enum, and a new field of that kind adds its case here.
func Enum(field string) []string {
	switch field {
	case "priority":
		return Priorities()
	case "recurrence":
		return Recurrences()
	case "role":
		return []string{RoleUser, RoleAssistant, RoleTool}
	case "scope":
		return []string{ScopeRead, ScopeWrite}
	case "color":
		return ProjectColors()
	}
	return nil
}

// User is a person with an account. The password hash never leaves the backend.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	// TimeZone is the person's zone, the one everything is read and shown
	// in: "today", relative dates, date-only inputs (pkg/dates), reminders,
	// the calendar feed and the exports.
	TimeZone string `json:"time_zone"`
	// TimeZoneAutomatic: the zone is the browser's of the most recent page
	// load (Preferences.BrowserTimeZone); false when the person chose one
	// in Settings, which wins over every browser.
	TimeZoneAutomatic bool `json:"time_zone_automatic"`
	// TimeZoneSeenAt is when a browser last reported the zone while
	// automatic; null when none has (the zone is sign-up's, or chosen).
	TimeZoneSeenAt *time.Time `json:"time_zone_seen_at"`
	// DefaultReminderMinutes is the reminder a new task with a due time
	// gets when it is created without reminders: minutes before the due
	// time; null for none.
	DefaultReminderMinutes *int      `json:"default_reminder_minutes"`
	CreatedAt              time.Time `json:"created_at"`
}

// Preferences are the person's settings (PATCH /api/auth/me): a field
// left out stays as it is; default_reminder_minutes null removes it. A
// time_zone given alone is a choice, which wins over every browser
// (automatic off); time_zone_automatic true gives the browser the say
// again. browser_time_zone is the zone of the browser in use now (the
// frontends send it on a page load when it differs from the person's, and
// every few minutes): it becomes the person's zone when automatic, and
// changes nothing when they chose one.
type Preferences struct {
	TimeZone               *string       `json:"time_zone,omitempty"`
	TimeZoneAutomatic      *bool         `json:"time_zone_automatic,omitempty"`
	BrowserTimeZone        *string       `json:"browser_time_zone,omitempty"`
	DefaultReminderMinutes Nullable[int] `json:"default_reminder_minutes,omitzero"`
}

// SignUpRequest creates an account.
type SignUpRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	// TimeZone (IANA, optional; UTC when absent) is the person's zone.
	TimeZone string `json:"time_zone,omitempty"`
}

// SignInRequest exchanges credentials for a token.
type SignInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// TimeZone (IANA, optional) updates the person's zone, e.g. after a
	// move or from a browser in another zone.
	TimeZone string `json:"time_zone,omitempty"`
}

// AuthResponse is what sign-up and sign-in return.
type AuthResponse struct {
	User      User      `json:"user"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// TaskFields are a task's own fields, declared once: the values a person
// sets (create, replace, patch, import) that the store keeps in a column
// each and every surface carries. The task in answers (Task), in exports
// (ExportTask) and the store's row embed it, so the store's columns, its
// update list, the OpenAPI schemas and the copy to a recurring task's
// next occurrence follow from this struct alone. The inputs, which take
// strings and pointers, are TaskInput and TaskPatch below; the MCP tools'
// shapes are in pkg/todomcp. The conformance tests
// (apps/backend/internal/tasks/fields_test.go) fail when any surface lacks
// a field declared here. Tags and reminders are rows of their own, not fields.
type TaskFields struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	// DueDate is the day an all-day task is due: floating, the same day in
	// every zone (pkg/dates); null for a task with a time or none.
	DueDate *dates.Date `json:"due_date"`
	// DueAt is when a task with a time is due. For an all-day task it is
	// the end of its day in the person's zone (where it sorts and when it
	// becomes overdue), recomputed when their zone changes: deprecated for
	// clients to read, which should read due_date (null from API 2.0.0).
	DueAt              *time.Time `json:"due_at"`
	Priority           string     `json:"priority"`
	Recurrence         string     `json:"recurrence"`
	RecurrenceInterval int        `json:"recurrence_interval"`
	// RecurrenceWeekdays are the days of the week a daily or weekly
	// series falls on ("every weekday", "every Mon, Wed, Fri"); empty:
	// every interval days, or weekly on its due's weekday.
	RecurrenceWeekdays dates.Weekdays `json:"recurrence_weekdays"`
	// RecurrenceMonthDay is the day of the month a monthly or yearly
	// series keeps: 1–31, -1 for the last day, 0 for its due's day. A
	// shorter month clamps it to its last day, and the series comes back
	// to it after (pkg/recurrence).
	RecurrenceMonthDay int `json:"recurrence_month_day"`
}

// Input is the TaskInput that sets these fields (times as RFC 3339): an
// import turns an exported task back into a create with it.
func (f TaskFields) Input() TaskInput {
	in := TaskInput{Title: f.Title, Description: f.Description, Priority: f.Priority,
		Recurrence: f.Recurrence, RecurrenceInterval: f.RecurrenceInterval,
		RecurrenceWeekdays: f.RecurrenceWeekdays.Names(), RecurrenceMonthDay: f.RecurrenceMonthDay}
	if f.DueDate != nil {
		s := f.DueDate.String()
		in.DueDate = &s
	} else if f.DueAt != nil {
		s := f.DueAt.Format(time.RFC3339Nano)
		in.DueAt = &s
	}
	return in
}

// Task is one to-do item as the API returns it.
type Task struct {
	ID     int64  `json:"id"`
	UserID string `json:"user_id"`
	TaskFields
	TaskPlace
	Completed   bool       `json:"completed"`
	CompletedAt *time.Time `json:"completed_at"`
	Tags        []string   `json:"tags"`
	// Reminders, in firing order.
	Reminders []Reminder `json:"reminders"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Reminder is when to remind the person of a task: at a time (At), or
// BeforeMinutes before the task is due — on that day at AtTime (HH:MM in
// the person's zone) when AtTime is set, for "the day before at 9:00".
// FireAt is when it fires (null: relative to a task with no due time);
// FiredAt is set once it has, Late when that was more than a minute after
// FireAt.
type Reminder struct {
	ID            int64      `json:"id"`
	At            *time.Time `json:"at,omitempty"`
	BeforeMinutes *int       `json:"before_minutes,omitempty"`
	AtTime        string     `json:"at_time,omitempty"`
	FireAt        *time.Time `json:"fire_at"`
	FiredAt       *time.Time `json:"fired_at"`
	Late          bool       `json:"late"`
}

// ReminderInput sets one reminder: at (RFC 3339, in the future), or
// before_minutes (0 to 43200, 30 days) before the due time, with at_time
// (HH:MM) when before_minutes is whole days ("the day before at 9:00":
// before_minutes 1440, at_time "09:00").
type ReminderInput struct {
	At            *string `json:"at,omitempty"`
	BeforeMinutes *int    `json:"before_minutes,omitempty"`
	AtTime        string  `json:"at_time,omitempty"`
}

// CalendarFeed is the person's private calendar feed: when Enabled, the
// web app serves their open tasks with due dates at /calendar/{token}.ics.
type CalendarFeed struct {
	Enabled   bool       `json:"enabled"`
	Token     string     `json:"token,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	// ProjectID is the one project the feed shows; null: every project.
	ProjectID *int64 `json:"project_id"`
}

// CalendarFeedScope chooses what the feed shows: one project's tasks
// (project_id) or, null, every project's. The address stays.
type CalendarFeedScope struct {
	ProjectID Nullable[int64] `json:"project_id,omitzero"`
}

// Notification is a reminder that fired, with its task as it is now.
type Notification struct {
	ID     int64  `json:"id"`
	TaskID int64  `json:"task_id"`
	Title  string `json:"title"`
	// DueDate and DueAt are the task's due, as in Task.
	DueDate   *dates.Date `json:"due_date"`
	DueAt     *time.Time  `json:"due_at"`
	Completed bool        `json:"completed"`
	FireAt    time.Time   `json:"fire_at"`
	FiredAt   time.Time   `json:"fired_at"`
	Late      bool        `json:"late"`
	Seen      bool        `json:"seen"`
}

// NotificationList is what fired: after the id asked for, or (without
// one) what has not been seen yet; LastID is the newest there is, where
// the next "after" starts.
type NotificationList struct {
	Notifications []Notification `json:"notifications"`
	LastID        int64          `json:"last_id"`
}

// SeenRequest marks notifications seen.
type SeenRequest struct {
	IDs []int64 `json:"ids"`
}

// SnoozeRequest reminds again in Minutes (1–1440).
type SnoozeRequest struct {
	Minutes int `json:"minutes"`
}

// MaxReminders bounds the reminders of one task.
const MaxReminders = 5

// TaskInput creates (POST) or replaces (PUT) a task. Dates are strings so
// that a malformed one is reported against its field. A task is due on a
// day (due_date, YYYY-MM-DD: all day) or at a time (due_at, RFC 3339), not
// both. A YYYY-MM-DD due_at is read as due_date: deprecated, accepted
// until API 2.0.0.
type TaskInput struct {
	Title              string   `json:"title"`
	Description        string   `json:"description,omitempty"`
	DueDate            *string  `json:"due_date,omitempty"`
	DueAt              *string  `json:"due_at,omitempty"`
	Priority           string   `json:"priority,omitempty"`
	Tags               []string `json:"tags,omitempty"`
	Recurrence         string   `json:"recurrence,omitempty"`
	RecurrenceInterval int      `json:"recurrence_interval,omitempty"`
	// RecurrenceWeekdays: "mon" … "sun" (api.TaskFields).
	RecurrenceWeekdays []string `json:"recurrence_weekdays,omitempty"`
	RecurrenceMonthDay int      `json:"recurrence_month_day,omitempty"`
	// Reminders (at most MaxReminders). Absent (or null) on a PUT keeps
	// the task's; [] removes them.
	Reminders *[]ReminderInput `json:"reminders,omitempty"`
	// ProjectID, SectionID and ParentID place a new task (POST; a PUT
	// leaves the place as it is: MoveRequest changes it): in the Inbox
	// when all are absent, last among its siblings. A subtask takes its
	// parent's project and section.
	ProjectID *int64 `json:"project_id,omitempty"`
	SectionID *int64 `json:"section_id,omitempty"`
	ParentID  *int64 `json:"parent_id,omitempty"`
}

// TaskPatch changes only the fields that are present. A due_date makes
// the task all-day on that day, a due_at gives it that time; null for
// either clears the due.
type TaskPatch struct {
	Title              *string          `json:"title,omitempty"`
	Description        *string          `json:"description,omitempty"`
	DueDate            Nullable[string] `json:"due_date,omitzero"`
	DueAt              Nullable[string] `json:"due_at,omitzero"`
	Priority           *string          `json:"priority,omitempty"`
	Tags               *[]string        `json:"tags,omitempty"`
	Recurrence         *string          `json:"recurrence,omitempty"`
	RecurrenceInterval *int             `json:"recurrence_interval,omitempty"`
	RecurrenceWeekdays *[]string        `json:"recurrence_weekdays,omitempty"`
	RecurrenceMonthDay *int             `json:"recurrence_month_day,omitempty"`
	Completed          *bool            `json:"completed,omitempty"`
	// Reminders replaces them all; [] removes them.
	Reminders *[]ReminderInput `json:"reminders,omitempty"`
	// ProjectID, SectionID and ParentID move the task with its subtasks,
	// last among its new siblings, as MoveRequest does.
	ProjectID *int64          `json:"project_id,omitempty"`
	SectionID Nullable[int64] `json:"section_id,omitzero"`
	ParentID  Nullable[int64] `json:"parent_id,omitzero"`
}

// Move is the MoveRequest a patch's place fields make, nil when it sets
// none.
func (p TaskPatch) Move() *MoveRequest {
	if p.ProjectID == nil && !p.SectionID.Set && !p.ParentID.Set {
		return nil
	}
	return &MoveRequest{ProjectID: p.ProjectID, SectionID: p.SectionID, ParentID: p.ParentID}
}

// CompleteRequest sets the completion state; an empty body toggles it.
// Completing a task completes its open subtasks with it. Reopening leaves
// the subtasks as they are, unless undo is true: then the subtasks that
// this task's completion closed (and nobody reopened since) open again.
type CompleteRequest struct {
	Completed *bool `json:"completed,omitempty"`
	Undo      bool  `json:"undo,omitempty"`
}

// CompleteResult is the task after completion and, when it recurs, the
// next occurrence created in the same transaction. Reopening a recurring
// task removes the occurrence its completion created if nobody has
// changed it since: RemovedNextID names it.
type CompleteResult struct {
	Task          Task   `json:"task"`
	Next          *Task  `json:"next"`
	RemovedNextID *int64 `json:"removed_next_id"`
	// Subtasks are the ids of the subtasks completed (or, on an undo,
	// reopened) with the task.
	Subtasks []int64 `json:"subtasks"`
}

// TaskList is one page of tasks.
type TaskList struct {
	Tasks      []Task `json:"tasks"`
	Total      int    `json:"total"`
	Limit      int    `json:"limit"`
	Offset     int    `json:"offset"`
	NextOffset *int   `json:"next_offset"`
}

// Tag is a label with how many tasks carry it.
type Tag struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	TaskCount int    `json:"task_count"`
	OpenCount int    `json:"open_count"`
}

// TagList wraps tags so the response can grow fields later.
type TagList struct {
	Tags []Tag `json:"tags"`
}

// Conversation is one chat thread.
type Conversation struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ConversationDetail is a conversation with its messages, oldest first.
type ConversationDetail struct {
	Conversation
	Messages []Message `json:"messages"`
}

// ConversationList lists conversations, most recently active first.
type ConversationList struct {
	Conversations []Conversation `json:"conversations"`
}

// ConversationInput starts a conversation; an empty title is filled from
// the first user message.
type ConversationInput struct {
	Title string `json:"title"`
}

// Message roles.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Message is one entry of a conversation.
type Message struct {
	ID             int64           `json:"id"`
	ConversationID int64           `json:"conversation_id"`
	Role           string          `json:"role"`
	Content        string          `json:"content"`
	ToolCalls      json.RawMessage `json:"tool_calls"`
	CreatedAt      time.Time       `json:"created_at"`
}

// MessageInput appends a message. tool_calls is any JSON value.
type MessageInput struct {
	Role      string          `json:"role"`
	Content   string          `json:"content"`
	ToolCalls json.RawMessage `json:"tool_calls,omitempty"`
}

// MessageList lists messages, oldest first.
type MessageList struct {
	Messages []Message `json:"messages"`
}

// Summary is the dashboard in one answer: the counts of the person's
// tasks, the first overdue ones and what comes next.
type Summary struct {
	// TimeZone is the zone "today" and "this week" are read in.
	TimeZone string `json:"time_zone"`
	Open     int    `json:"open"`
	DueToday int    `json:"due_today"` // open, due today
	Overdue  int    `json:"overdue"`   // open, due before now
	// DoneThisWeek counts tasks completed since Monday 00:00.
	DoneThisWeek int `json:"done_this_week"`
	// Projects are the live, unarchived projects in their order with
	// their counts (the sidebar's).
	Projects []ProjectCount `json:"projects"`
	// OverdueTasks are the five most overdue, longest overdue first.
	OverdueTasks []Task `json:"overdue_tasks"`
	// Upcoming are the next seven open tasks due from now, soonest first.
	Upcoming []Task `json:"upcoming"`
}

// ProjectCount is a project's open tasks, and of those how many are due
// today or overdue.
type ProjectCount struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Color    string `json:"color"`
	Inbox    bool   `json:"inbox"`
	Open     int    `json:"open"`
	DueToday int    `json:"due_today"`
	Overdue  int    `json:"overdue"`
}

// Agenda is what is due: overdue tasks, then each day from today (in the
// person's time zone) with the tasks due that day and the future
// occurrences recurring tasks will have.
type Agenda struct {
	// TimeZone is the zone the days are read in.
	TimeZone string      `json:"time_zone"`
	Overdue  []Task      `json:"overdue"`
	Days     []AgendaDay `json:"days"`
}

// AgendaDay is one day of an agenda.
type AgendaDay struct {
	Date  string       `json:"date"` // YYYY-MM-DD
	Items []AgendaItem `json:"items"`
}

// AgendaItem is a task due that day, or (Occurrence) a later occurrence
// of a recurring task: not a task yet, it is created when the one before
// it is completed. Due is when this item is due; DueDate its day when it
// is all day (for an occurrence, which has no task of its own yet).
type AgendaItem struct {
	Task       Task        `json:"task"`
	Due        time.Time   `json:"due"`
	DueDate    *dates.Date `json:"due_date"`
	Occurrence bool        `json:"occurrence"`
}
