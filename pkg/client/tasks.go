package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/todo-app/todo-app/pkg/api"
)

// ListTasks returns one page of the user's tasks.
func (c *Client) ListTasks(ctx context.Context, q api.TaskQuery) (api.TaskList, error) {
	var out api.TaskList
	return out, c.do(ctx, http.MethodGet, c.userPath("/tasks"), q.Values(), nil, &out)
}

// CreateTask adds a task.
func (c *Client) CreateTask(ctx context.Context, in api.TaskInput) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodPost, c.userPath("/tasks"), nil, in, &out)
}

// GetTask fetches one task.
func (c *Client) GetTask(ctx context.Context, id int64) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodGet, c.userPath("/tasks/%d", id), nil, nil, &out)
}

// ReplaceTask replaces every editable field of a task (PUT).
func (c *Client) ReplaceTask(ctx context.Context, id int64, in api.TaskInput) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodPut, c.userPath("/tasks/%d", id), nil, in, &out)
}

// PatchTask changes only the given fields.
func (c *Client) PatchTask(ctx context.Context, id int64, in api.TaskPatch) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodPatch, c.userPath("/tasks/%d", id), nil, in, &out)
}

// DeleteTask removes a task.
func (c *Client) DeleteTask(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/tasks/%d", id), nil, nil, nil)
}

// Agenda lists overdue tasks and what is due day by day from today, for
// days days (0: the backend's default), in zone (empty: the person's).
func (c *Client) Agenda(ctx context.Context, days int, zone string) (api.Agenda, error) {
	q := url.Values{}
	if days > 0 {
		q.Set("days", strconv.Itoa(days))
	}
	if zone != "" {
		q.Set("time_zone", zone)
	}
	var out api.Agenda
	return out, c.do(ctx, http.MethodGet, c.userPath("/agenda"), q, nil, &out)
}

// Summary is the dashboard in one call, "today" read in zone (empty: the
// person's).
func (c *Client) Summary(ctx context.Context, zone string) (api.Summary, error) {
	q := url.Values{}
	if zone != "" {
		q.Set("time_zone", zone)
	}
	var out api.Summary
	return out, c.do(ctx, http.MethodGet, c.userPath("/summary"), q, nil, &out)
}

// RestoreTask brings back a deleted task (undo).
func (c *Client) RestoreTask(ctx context.Context, id int64) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodPost, c.userPath("/tasks/%d/restore", id), nil, nil, &out)
}

// CompleteTask sets completion (nil toggles). A recurring task that becomes
// completed returns its next occurrence too.
func (c *Client) CompleteTask(ctx context.Context, id int64, completed *bool) (api.CompleteResult, error) {
	var out api.CompleteResult
	return out, c.do(ctx, http.MethodPatch, c.userPath("/tasks/%d/complete", id), nil, api.CompleteRequest{Completed: completed}, &out)
}

// ListTags returns the user's tags with task counts.
func (c *Client) ListTags(ctx context.Context) (api.TagList, error) {
	var out api.TagList
	return out, c.do(ctx, http.MethodGet, c.userPath("/tags"), nil, nil, &out)
}

// DeleteTag removes a tag from every task and deletes it.
func (c *Client) DeleteTag(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/tags/%d", id), nil, nil, nil)
}
