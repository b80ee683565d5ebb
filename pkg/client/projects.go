package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/todo-app/todo-app/pkg/api"
)

// MoveTask moves a task with its subtasks (project, section, parent, order).
func (c *Client) MoveTask(ctx context.Context, id int64, m api.MoveRequest) (api.Task, error) {
	var out api.Task
	return out, c.do(ctx, http.MethodPost, c.userPath("/tasks/%d/move", id), nil, m, &out)
}

// UndoComplete reopens a completed task and the subtasks its completion
// closed.
func (c *Client) UndoComplete(ctx context.Context, id int64) (api.CompleteResult, error) {
	var out api.CompleteResult
	no := false
	return out, c.do(ctx, http.MethodPatch, c.userPath("/tasks/%d/complete", id), nil, api.CompleteRequest{Completed: &no, Undo: true}, &out)
}

// ListProjects returns the projects in order (archived ones too when
// archived), with their sections and counts.
func (c *Client) ListProjects(ctx context.Context, archived bool) (api.ProjectList, error) {
	q := url.Values{}
	if archived {
		q.Set("archived", "true")
	}
	var out api.ProjectList
	return out, c.do(ctx, http.MethodGet, c.userPath("/projects"), q, nil, &out)
}

// CreateProject adds a project, last in the list.
func (c *Client) CreateProject(ctx context.Context, in api.ProjectInput) (api.Project, error) {
	var out api.Project
	return out, c.do(ctx, http.MethodPost, c.userPath("/projects"), nil, in, &out)
}

// GetProject fetches one project.
func (c *Client) GetProject(ctx context.Context, id int64) (api.Project, error) {
	var out api.Project
	return out, c.do(ctx, http.MethodGet, c.userPath("/projects/%d", id), nil, nil, &out)
}

// PatchProject renames, recolours, archives or unarchives a project.
func (c *Client) PatchProject(ctx context.Context, id int64, in api.ProjectPatch) (api.Project, error) {
	var out api.Project
	return out, c.do(ctx, http.MethodPatch, c.userPath("/projects/%d", id), nil, in, &out)
}

// DeleteProject deletes a project with its sections and tasks.
func (c *Client) DeleteProject(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/projects/%d", id), nil, nil, nil)
}

// RestoreProject brings a deleted project back with what its deletion took.
func (c *Client) RestoreProject(ctx context.Context, id int64) (api.Project, error) {
	var out api.Project
	return out, c.do(ctx, http.MethodPost, c.userPath("/projects/%d/restore", id), nil, nil, &out)
}

// MoveProject reorders a project.
func (c *Client) MoveProject(ctx context.Context, id int64, r api.Reorder) (api.Project, error) {
	var out api.Project
	return out, c.do(ctx, http.MethodPost, c.userPath("/projects/%d/move", id), nil, r, &out)
}

// ProjectTree returns a project's tasks as a tree; status "" is the open
// ones.
func (c *Client) ProjectTree(ctx context.Context, id int64, status string) (api.TaskTree, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	var out api.TaskTree
	return out, c.do(ctx, http.MethodGet, c.userPath("/projects/%d/tree", id), q, nil, &out)
}

// CreateSection adds a section, last in the project.
func (c *Client) CreateSection(ctx context.Context, projectID int64, in api.SectionInput) (api.Section, error) {
	var out api.Section
	return out, c.do(ctx, http.MethodPost, c.userPath("/projects/%d/sections", projectID), nil, in, &out)
}

// RenameSection renames a section.
func (c *Client) RenameSection(ctx context.Context, id int64, in api.SectionInput) (api.Section, error) {
	var out api.Section
	return out, c.do(ctx, http.MethodPatch, c.userPath("/sections/%d", id), nil, in, &out)
}

// DeleteSection deletes a section with its tasks.
func (c *Client) DeleteSection(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/sections/%d", id), nil, nil, nil)
}

// RestoreSection brings a deleted section back with its tasks.
func (c *Client) RestoreSection(ctx context.Context, id int64) (api.Section, error) {
	var out api.Section
	return out, c.do(ctx, http.MethodPost, c.userPath("/sections/%d/restore", id), nil, nil, &out)
}

// MoveSection reorders a section within its project.
func (c *Client) MoveSection(ctx context.Context, id int64, r api.Reorder) (api.Section, error) {
	var out api.Section
	return out, c.do(ctx, http.MethodPost, c.userPath("/sections/%d/move", id), nil, r, &out)
}
