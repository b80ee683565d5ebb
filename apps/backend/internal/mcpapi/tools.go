package mcpapi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
)

// Task is a task as the tools return it.
type Task struct {
	ID                 int64    `json:"id" jsonschema:"the task id, used by complete_task, update_task and delete_task"`
	Title              string   `json:"title"`
	Description        string   `json:"description,omitempty"`
	Completed          bool     `json:"completed"`
	CompletedAt        string   `json:"completed_at,omitempty" jsonschema:"RFC 3339 time the task was completed"`
	Due                string   `json:"due,omitempty" jsonschema:"RFC 3339 due time in UTC"`
	Priority           string   `json:"priority" jsonschema:"low, medium or high"`
	Tags               []string `json:"tags"`
	Recurrence         string   `json:"recurrence" jsonschema:"none, daily, weekly, monthly or yearly"`
	RecurrenceInterval int      `json:"recurrence_interval"`
	CreatedAt          string   `json:"created_at"`
}

// AddTaskInput are add_task's arguments.
type AddTaskInput struct {
	UserID      string   `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	Title       string   `json:"title" jsonschema:"short title of the task, 1-200 characters"`
	Description string   `json:"description,omitempty" jsonschema:"longer notes, up to 10000 characters"`
	Due         string   `json:"due,omitempty" jsonschema:"due time: RFC 3339 timestamp with offset (2026-12-24T17:00:00+01:00) or a date (2026-12-24)"`
	Priority    string   `json:"priority,omitempty" jsonschema:"low, medium (default) or high"`
	Tags        []string `json:"tags,omitempty" jsonschema:"tag names such as work or family; created if new"`
	Recurrence  string   `json:"recurrence,omitempty" jsonschema:"none (default), daily, weekly, monthly or yearly"`
	Interval    int      `json:"recurrence_interval,omitempty" jsonschema:"repeat every N days/weeks/months/years (default 1)"`
}

// TaskOutput wraps one task.
type TaskOutput struct {
	Task Task `json:"task"`
}

// ListTasksInput are list_tasks' arguments.
type ListTasksInput struct {
	UserID   string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	Status   string `json:"status,omitempty" jsonschema:"all (default), pending or completed"`
	Priority string `json:"priority,omitempty" jsonschema:"only tasks of this priority: low, medium or high"`
	Tag      string `json:"tag,omitempty" jsonschema:"only tasks carrying this tag"`
	Query    string `json:"query,omitempty" jsonschema:"text to find in titles and descriptions"`
	DueFrom  string `json:"due_from,omitempty" jsonschema:"only tasks due at or after this time or date"`
	DueTo    string `json:"due_to,omitempty" jsonschema:"only tasks due at or before this time or date"`
	Overdue  bool   `json:"overdue,omitempty" jsonschema:"only pending tasks whose due time has passed"`
	Limit    int    `json:"limit,omitempty" jsonschema:"how many tasks to return, 1-100 (default 50), soonest due first"`
}

// ListTasksOutput is a page of tasks.
type ListTasksOutput struct {
	Tasks []Task `json:"tasks"`
	Total int    `json:"total" jsonschema:"how many tasks match in all"`
}

// CompleteTaskInput are complete_task's arguments.
type CompleteTaskInput struct {
	UserID    string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	TaskID    int64  `json:"task_id" jsonschema:"id of the task (from list_tasks)"`
	Completed *bool  `json:"completed,omitempty" jsonschema:"true (default) marks it done; false reopens it"`
}

// CompleteTaskOutput is the task and, for a recurring one, its next occurrence.
type CompleteTaskOutput struct {
	Task Task  `json:"task"`
	Next *Task `json:"next,omitempty" jsonschema:"the next occurrence created for a recurring task"`
}

// DeleteTaskInput are delete_task's arguments.
type DeleteTaskInput struct {
	UserID string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	TaskID int64  `json:"task_id" jsonschema:"id of the task to delete (from list_tasks)"`
}

// DeleteTaskOutput confirms a deletion.
type DeleteTaskOutput struct {
	DeletedID int64  `json:"deleted_id"`
	Title     string `json:"title"`
}

// UpdateTaskInput are update_task's arguments; only given fields change.
type UpdateTaskInput struct {
	UserID      string    `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	TaskID      int64     `json:"task_id" jsonschema:"id of the task to change (from list_tasks)"`
	Title       *string   `json:"title,omitempty" jsonschema:"new title"`
	Description *string   `json:"description,omitempty" jsonschema:"new description"`
	Due         *string   `json:"due,omitempty" jsonschema:"new due time (RFC 3339) or date (YYYY-MM-DD)"`
	ClearDue    bool      `json:"clear_due,omitempty" jsonschema:"true removes the due date"`
	Priority    *string   `json:"priority,omitempty" jsonschema:"low, medium or high"`
	Tags        *[]string `json:"tags,omitempty" jsonschema:"replaces all tags; an empty list removes them"`
	Recurrence  *string   `json:"recurrence,omitempty" jsonschema:"none, daily, weekly, monthly or yearly"`
	Interval    *int      `json:"recurrence_interval,omitempty" jsonschema:"repeat every N periods"`
}

// ListTagsInput are list_tags' arguments.
type ListTagsInput struct {
	UserID string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
}

// Tag is a tag with its usage.
type Tag struct {
	Name      string `json:"name"`
	TaskCount int    `json:"task_count"`
	OpenCount int    `json:"open_count" jsonschema:"how many of its tasks are not completed"`
}

// ListTagsOutput lists tags.
type ListTagsOutput struct {
	Tags []Tag `json:"tags"`
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func (t *toolset) register(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{
		Name:        "add_task",
		Description: "Add a task to the user's to-do list. Give a short title; optionally a due time or date, priority, tags and a repeat rule.",
		Annotations: &mcp.ToolAnnotations{Title: "Add task", DestructiveHint: no(), OpenWorldHint: no()},
	}, t.addTask)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "list_tasks",
		Description: "List the user's tasks, soonest due first, optionally filtered by status, priority, tag, text, due range or overdue. Use it to find task ids.",
		Annotations: &mcp.ToolAnnotations{Title: "List tasks", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: no()},
	}, t.listTasks)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "complete_task",
		Description: "Mark a task done (or not done with completed=false). Completing a recurring task creates its next occurrence.",
		Annotations: &mcp.ToolAnnotations{Title: "Complete task", DestructiveHint: no(), IdempotentHint: true, OpenWorldHint: no()},
	}, t.completeTask)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "delete_task",
		Description: "Delete a task permanently. Confirm with the user first if there is any doubt which task they mean.",
		Annotations: &mcp.ToolAnnotations{Title: "Delete task", DestructiveHint: yes(), IdempotentHint: true, OpenWorldHint: no()},
	}, t.deleteTask)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "update_task",
		Description: "Change a task: title, description, due time (or clear_due), priority, tags (replaces them) or repeat rule. Only the given fields change.",
		Annotations: &mcp.ToolAnnotations{Title: "Update task", DestructiveHint: yes(), IdempotentHint: true, OpenWorldHint: no()},
	}, t.updateTask)
	mcp.AddTool(s, &mcp.Tool{
		Name:        "list_tags",
		Description: "List the user's tags with how many tasks carry each.",
		Annotations: &mcp.ToolAnnotations{Title: "List tags", ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: no()},
	}, t.listTags)
}

func (t *toolset) addTask(ctx context.Context, req *mcp.CallToolRequest, in AddTaskInput) (*mcp.CallToolResult, TaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, TaskOutput{}, err
	}
	ti := api.TaskInput{Title: in.Title, Description: in.Description, Priority: in.Priority, Tags: in.Tags, Recurrence: in.Recurrence, RecurrenceInterval: in.Interval}
	if in.Due != "" {
		ti.DueAt = &in.Due
	}
	task, err := t.tasks.Create(ctx, uid, ti)
	if err != nil {
		return nil, TaskOutput{}, toolError(err, 0)
	}
	out := TaskOutput{Task: toTool(task)}
	return text("Added " + describe(out.Task)), out, nil
}

func (t *toolset) listTasks(ctx context.Context, req *mcp.CallToolRequest, in ListTasksInput) (*mcp.CallToolResult, ListTasksOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, ListTasksOutput{}, err
	}
	li := tasks.ListInput{Status: in.Status, Priority: in.Priority, Q: in.Query, DueFrom: in.DueFrom, DueTo: in.DueTo,
		Overdue: in.Overdue, Limit: in.Limit, Sort: "due"}
	if in.Tag != "" {
		li.Tags = []string{in.Tag}
	}
	list, err := t.tasks.List(ctx, uid, li)
	if err != nil {
		return nil, ListTasksOutput{}, toolError(err, 0)
	}
	out := ListTasksOutput{Tasks: make([]Task, len(list.Tasks)), Total: list.Total}
	var b strings.Builder
	if list.Total == 0 {
		b.WriteString("No tasks match.")
	} else {
		fmt.Fprintf(&b, "%d task(s):", list.Total)
	}
	for i, x := range list.Tasks {
		out.Tasks[i] = toTool(x)
		b.WriteString("\n- " + describe(out.Tasks[i]))
	}
	if len(list.Tasks) < list.Total {
		fmt.Fprintf(&b, "\n(showing %d of %d)", len(list.Tasks), list.Total)
	}
	return text(b.String()), out, nil
}

func (t *toolset) completeTask(ctx context.Context, req *mcp.CallToolRequest, in CompleteTaskInput) (*mcp.CallToolResult, CompleteTaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, CompleteTaskOutput{}, err
	}
	completed := in.Completed
	if completed == nil {
		completed = yes()
	}
	res, err := t.tasks.Complete(ctx, uid, in.TaskID, completed)
	if err != nil {
		return nil, CompleteTaskOutput{}, toolError(err, in.TaskID)
	}
	out := CompleteTaskOutput{Task: toTool(res.Task)}
	msg := "Completed " + describe(out.Task)
	if !res.Task.Completed {
		msg = "Reopened " + describe(out.Task)
	}
	if res.Next != nil {
		n := toTool(*res.Next)
		out.Next = &n
		msg += "\nNext occurrence: " + describe(n)
	}
	return text(msg), out, nil
}

func (t *toolset) deleteTask(ctx context.Context, req *mcp.CallToolRequest, in DeleteTaskInput) (*mcp.CallToolResult, DeleteTaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, DeleteTaskOutput{}, err
	}
	task, err := t.tasks.Get(ctx, uid, in.TaskID)
	if err != nil {
		return nil, DeleteTaskOutput{}, toolError(err, in.TaskID)
	}
	if err := t.tasks.Delete(ctx, uid, in.TaskID); err != nil {
		return nil, DeleteTaskOutput{}, toolError(err, in.TaskID)
	}
	out := DeleteTaskOutput{DeletedID: task.ID, Title: task.Title}
	return text(fmt.Sprintf("Deleted #%d %s", task.ID, task.Title)), out, nil
}

func (t *toolset) updateTask(ctx context.Context, req *mcp.CallToolRequest, in UpdateTaskInput) (*mcp.CallToolResult, TaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, TaskOutput{}, err
	}
	if in.ClearDue && in.Due != nil {
		return nil, TaskOutput{}, fmt.Errorf("invalid input: give either due or clear_due, not both")
	}
	p := api.TaskPatch{Title: in.Title, Description: in.Description, Priority: in.Priority, Tags: in.Tags,
		Recurrence: in.Recurrence, RecurrenceInterval: in.Interval}
	switch {
	case in.ClearDue:
		p.DueAt = api.Null[string]()
	case in.Due != nil:
		p.DueAt = api.Value(*in.Due)
	}
	task, err := t.tasks.Patch(ctx, uid, in.TaskID, p)
	if err != nil {
		return nil, TaskOutput{}, toolError(err, in.TaskID)
	}
	out := TaskOutput{Task: toTool(task)}
	return text("Updated " + describe(out.Task)), out, nil
}

func (t *toolset) listTags(ctx context.Context, req *mcp.CallToolRequest, in ListTagsInput) (*mcp.CallToolResult, ListTagsOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, ListTagsOutput{}, err
	}
	tags, err := t.tasks.Tags(ctx, uid)
	if err != nil {
		return nil, ListTagsOutput{}, toolError(err, 0)
	}
	out := ListTagsOutput{Tags: make([]Tag, len(tags.Tags))}
	names := make([]string, len(tags.Tags))
	for i, g := range tags.Tags {
		out.Tags[i] = Tag{Name: g.Name, TaskCount: g.TaskCount, OpenCount: g.OpenCount}
		names[i] = fmt.Sprintf("%s (%d)", g.Name, g.TaskCount)
	}
	if len(names) == 0 {
		return text("No tags yet."), out, nil
	}
	return text("Tags: " + strings.Join(names, ", ")), out, nil
}

func toTool(t api.Task) Task {
	out := Task{ID: t.ID, Title: t.Title, Description: t.Description, Completed: t.Completed, Priority: t.Priority,
		Tags: t.Tags, Recurrence: t.Recurrence, RecurrenceInterval: t.RecurrenceInterval, CreatedAt: t.CreatedAt.Format(time.RFC3339)}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if t.DueAt != nil {
		out.Due = t.DueAt.Format(time.RFC3339)
	}
	if t.CompletedAt != nil {
		out.CompletedAt = t.CompletedAt.Format(time.RFC3339)
	}
	return out
}

// describe is the one-line human summary used in text results.
func describe(t Task) string {
	parts := []string{fmt.Sprintf("#%d %s", t.ID, t.Title)}
	if t.Due != "" {
		parts = append(parts, "due "+t.Due)
	}
	parts = append(parts, t.Priority+" priority")
	if len(t.Tags) > 0 {
		parts = append(parts, "tags: "+strings.Join(t.Tags, ", "))
	}
	if t.Recurrence != "" && t.Recurrence != api.RecurNone {
		parts = append(parts, "repeats "+t.Recurrence)
	}
	if t.Completed {
		parts = append(parts, "done")
	}
	return strings.Join(parts, " — ")
}

func sortStrings(s []string) []string { sort.Strings(s); return s }
