package todomcp

import (
	"errors"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// The task's shapes in the tools and their mapping to the API's: a new
// field of api.TaskFields is added here (the conformance tests in
// apps/backend/internal/tasks/fields_test.go fail until it is).

// ArgName is the name the tools give a field of api.TaskFields: its JSON
// name in the API, but for the due (due_date, due_at), which the tools
// carry in one argument, due: a date alone for an all-day task, an RFC
// 3339 time for one with a time (the models that call them read one field
// better than two that exclude each other).
func ArgName(field string) string {
	if field == "due_at" || field == "due_date" {
		return "due"
	}
	return field
}

// Task is a task as the tools return it.
type Task struct {
	ID                 int64      `json:"id" jsonschema:"the task id, used by complete_task, update_task and delete_task"`
	Title              string     `json:"title"`
	Description        string     `json:"description,omitempty"`
	Completed          bool       `json:"completed"`
	CompletedAt        string     `json:"completed_at,omitempty" jsonschema:"RFC 3339 time the task was completed"`
	Due                string     `json:"due,omitempty" jsonschema:"when the task is due: a date (2026-12-24) for an all-day task, the same day wherever the user is; an RFC 3339 time in UTC for a task with a time"`
	Priority           string     `json:"priority" jsonschema:"low, medium or high"`
	Tags               []string   `json:"tags"`
	Recurrence         string     `json:"recurrence" jsonschema:"none, daily, weekly, monthly or yearly"`
	RecurrenceInterval int        `json:"recurrence_interval"`
	RecurrenceWeekdays []string   `json:"recurrence_weekdays,omitempty" jsonschema:"days of the week a daily or weekly task falls on (mon … sun)"`
	RecurrenceMonthDay int        `json:"recurrence_month_day,omitempty" jsonschema:"day of the month a monthly or yearly task keeps; -1 the last day"`
	Reminders          []Reminder `json:"reminders,omitempty" jsonschema:"when the user is reminded, in firing order"`
	ProjectID          int64      `json:"project_id" jsonschema:"the project it is in (list_projects names them)"`
	SectionID          int64      `json:"section_id,omitempty" jsonschema:"the section of the project it is in"`
	ParentID           int64      `json:"parent_id,omitempty" jsonschema:"the task it is a subtask of"`
	CreatedAt          string     `json:"created_at"`
}

// Reminder is one reminder of a task as the tools show it.
type Reminder struct {
	At            string `json:"at,omitempty" jsonschema:"RFC 3339 time of an absolute reminder"`
	BeforeMinutes *int   `json:"before_minutes,omitempty" jsonschema:"minutes before the due time"`
	AtTime        string `json:"at_time,omitempty" jsonschema:"HH:MM on the day before_minutes leads to (the day before at 09:00)"`
	FireAt        string `json:"fire_at,omitempty" jsonschema:"RFC 3339 time it fires; absent when the task has no due time"`
	Fired         bool   `json:"fired"`
}

// ReminderInput sets one reminder: at, or before_minutes (with at_time
// for "the day before at 9:00").
type ReminderInput struct {
	At            string `json:"at,omitempty" jsonschema:"RFC 3339 time in the future, with offset"`
	BeforeMinutes *int   `json:"before_minutes,omitempty" jsonschema:"minutes before the due time, 0-43200; needs a due time, or at_time on an all-day task"`
	AtTime        string `json:"at_time,omitempty" jsonschema:"HH:MM in the user's zone, when before_minutes is whole days (1440 = the day before)"`
}

// AddTaskInput are add_task's arguments.
type AddTaskInput struct {
	UserID      string          `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	Title       string          `json:"title" jsonschema:"short title of the task, 1-200 characters"`
	Description string          `json:"description,omitempty" jsonschema:"longer notes, up to 10000 characters"`
	Due         string          `json:"due,omitempty" jsonschema:"a date alone (2026-12-24) for an all-day task, or an RFC 3339 timestamp with offset (2026-12-24T17:00:00+01:00) for a time"`
	Priority    string          `json:"priority,omitempty" jsonschema:"low, medium (default) or high"`
	Tags        []string        `json:"tags,omitempty" jsonschema:"tag names such as work or family; created if new"`
	Recurrence  string          `json:"recurrence,omitempty" jsonschema:"none (default), daily, weekly, monthly or yearly"`
	Interval    int             `json:"recurrence_interval,omitempty" jsonschema:"repeat every N days/weeks/months/years (default 1)"`
	Weekdays    []string        `json:"recurrence_weekdays,omitempty" jsonschema:"days a daily or weekly task falls on: mon, tue, wed, thu, fri, sat, sun (every weekday: daily on mon-fri)"`
	MonthDay    int             `json:"recurrence_month_day,omitempty" jsonschema:"day of the month a monthly or yearly task keeps, 1-31, or -1 for the last day (default: the due's)"`
	Reminders   []ReminderInput `json:"reminders,omitempty" jsonschema:"up to 5 reminders"`
	ProjectID   int64           `json:"project_id,omitempty" jsonschema:"the project to add it to (from list_projects; default the Inbox)"`
	SectionID   int64           `json:"section_id,omitempty" jsonschema:"the section of that project to add it to"`
	ParentID    int64           `json:"parent_id,omitempty" jsonschema:"make it a subtask of this task (from list_tasks); it joins that task's project"`
}

// UpdateTaskInput are update_task's arguments; only given fields change.
type UpdateTaskInput struct {
	UserID      string           `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	TaskID      int64            `json:"task_id" jsonschema:"id of the task to change (from list_tasks)"`
	Title       *string          `json:"title,omitempty" jsonschema:"new title"`
	Description *string          `json:"description,omitempty" jsonschema:"new description"`
	Due         *string          `json:"due,omitempty" jsonschema:"new due: a date alone (YYYY-MM-DD) for all day, or an RFC 3339 time"`
	ClearDue    bool             `json:"clear_due,omitempty" jsonschema:"true removes the due date"`
	Priority    *string          `json:"priority,omitempty" jsonschema:"low, medium or high"`
	Tags        *[]string        `json:"tags,omitempty" jsonschema:"replaces all tags; an empty list removes them"`
	Recurrence  *string          `json:"recurrence,omitempty" jsonschema:"none, daily, weekly, monthly or yearly"`
	Interval    *int             `json:"recurrence_interval,omitempty" jsonschema:"repeat every N periods"`
	Weekdays    *[]string        `json:"recurrence_weekdays,omitempty" jsonschema:"replaces the days a daily or weekly task falls on (mon … sun); an empty list removes them"`
	MonthDay    *int             `json:"recurrence_month_day,omitempty" jsonschema:"day of the month a monthly or yearly task keeps, 1-31, -1 the last day, 0 the due's"`
	Reminders   *[]ReminderInput `json:"reminders,omitempty" jsonschema:"replaces all reminders; an empty list removes them"`
	ProjectID   *int64           `json:"project_id,omitempty" jsonschema:"moves it, with its subtasks, to this project (move_task does more)"`
	ParentID    *int64           `json:"parent_id,omitempty" jsonschema:"makes it a subtask of this task, with its own subtasks"`
}

// FromAPI is the task as the tools show it: times as RFC 3339 strings,
// the due time as "due".
func FromAPI(t api.Task) Task {
	out := Task{ID: t.ID, Title: t.Title, Description: t.Description, Completed: t.Completed, Priority: t.Priority,
		Tags: t.Tags, Recurrence: t.Recurrence, RecurrenceInterval: t.RecurrenceInterval,
		RecurrenceWeekdays: t.RecurrenceWeekdays.Names(), RecurrenceMonthDay: t.RecurrenceMonthDay, CreatedAt: t.CreatedAt.Format(time.RFC3339),
		ProjectID: t.ProjectID}
	if t.SectionID != nil {
		out.SectionID = *t.SectionID
	}
	if t.ParentID != nil {
		out.ParentID = *t.ParentID
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	switch {
	case t.DueDate != nil:
		out.Due = t.DueDate.String()
	case t.DueAt != nil:
		out.Due = t.DueAt.Format(time.RFC3339)
	}
	if t.CompletedAt != nil {
		out.CompletedAt = t.CompletedAt.Format(time.RFC3339)
	}
	for _, r := range t.Reminders {
		tr := Reminder{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime, Fired: r.FiredAt != nil}
		if r.At != nil {
			tr.At = r.At.Format(time.RFC3339)
		}
		if r.FireAt != nil {
			tr.FireAt = r.FireAt.Format(time.RFC3339)
		}
		out.Reminders = append(out.Reminders, tr)
	}
	return out
}

// TaskInput is add_task's arguments as the API's create.
func (in AddTaskInput) TaskInput() api.TaskInput {
	ti := api.TaskInput{Title: in.Title, Description: in.Description, Priority: in.Priority, Tags: in.Tags,
		Recurrence: in.Recurrence, RecurrenceInterval: in.Interval, RecurrenceWeekdays: in.Weekdays, RecurrenceMonthDay: in.MonthDay}
	if rs := reminderInputs(in.Reminders); rs != nil {
		ti.Reminders = &rs
	}
	if in.ProjectID != 0 {
		ti.ProjectID = &in.ProjectID
	}
	if in.SectionID != 0 {
		ti.SectionID = &in.SectionID
	}
	if in.ParentID != 0 {
		ti.ParentID = &in.ParentID
	}
	if in.Due != "" {
		due := in.Due
		if dates.LooksDateOnly(due) {
			ti.DueDate = &due
		} else {
			ti.DueAt = &due
		}
	}
	return ti
}

// ErrDueAndClearDue refuses update_task arguments that both set and clear
// the due time.
var ErrDueAndClearDue = errors.New("invalid input: give either due or clear_due, not both")

// TaskPatch is update_task's arguments as the API's patch.
func (in UpdateTaskInput) TaskPatch() (api.TaskPatch, error) {
	if in.ClearDue && in.Due != nil {
		return api.TaskPatch{}, ErrDueAndClearDue
	}
	p := api.TaskPatch{Title: in.Title, Description: in.Description, Priority: in.Priority, Tags: in.Tags,
		Recurrence: in.Recurrence, RecurrenceInterval: in.Interval, RecurrenceWeekdays: in.Weekdays, RecurrenceMonthDay: in.MonthDay,
		ProjectID: in.ProjectID}
	if in.ParentID != nil {
		p.ParentID = api.Value(*in.ParentID)
	}
	if in.Reminders != nil {
		rs := reminderInputs(*in.Reminders)
		if rs == nil {
			rs = []api.ReminderInput{}
		}
		p.Reminders = &rs
	}
	switch {
	case in.ClearDue:
		p.DueAt = api.Null[string]()
	case in.Due != nil && dates.LooksDateOnly(*in.Due):
		p.DueDate = api.Value(*in.Due)
	case in.Due != nil:
		p.DueAt = api.Value(*in.Due)
	}
	return p, nil
}

// reminderInputs are the tool's reminders in the API's shape.
func reminderInputs(in []ReminderInput) []api.ReminderInput {
	if in == nil {
		return nil
	}
	out := make([]api.ReminderInput, len(in))
	for i, r := range in {
		out[i] = api.ReminderInput{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime}
		if r.At != "" {
			at := r.At
			out[i].At = &at
		}
	}
	return out
}
