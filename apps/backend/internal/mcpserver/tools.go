package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

func yes() *bool { b := true; return &b }

// register adds every tool to s and returns their handlers by name.
func (t *toolset) register(s *mcp.Server) map[string]mcp.ToolHandler {
	return map[string]mcp.ToolHandler{
		todomcp.AddTask.Name:      addTool(s, t.calls, todomcp.AddTask, t.addTask),
		todomcp.ListTasks.Name:    addTool(s, t.calls, todomcp.ListTasks, t.listTasks),
		todomcp.CompleteTask.Name: addTool(s, t.calls, todomcp.CompleteTask, t.completeTask),
		todomcp.DeleteTask.Name:   addTool(s, t.calls, todomcp.DeleteTask, t.deleteTask),
		todomcp.RestoreTask.Name:  addTool(s, t.calls, todomcp.RestoreTask, t.restoreTask),
		todomcp.UpdateTask.Name:   addTool(s, t.calls, todomcp.UpdateTask, t.updateTask),
		todomcp.ListTags.Name:     addTool(s, t.calls, todomcp.ListTags, t.listTags),
		todomcp.ListProjects.Name: addTool(s, t.calls, todomcp.ListProjects, t.listProjects),
		todomcp.AddProject.Name:   addTool(s, t.calls, todomcp.AddProject, t.addProject),
		todomcp.MoveTask.Name:     addTool(s, t.calls, todomcp.MoveTask, t.moveTask),
	}
}

// addTool adds a tool whose handler runs only when the caller may use
// it: a read-only API token gets a tool error (not a protocol error, so a
// model can say why) from every tool that is not read-only.
// Each call is counted by tool and outcome (ok, error, read_only).
func addTool[In, Out any](s *mcp.Server, calls *prometheus.CounterVec, t todomcp.Tool[In, Out], h mcp.ToolHandlerFor[In, Out]) mcp.ToolHandler {
	return todomcp.Register(s, t, func(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
		if !t.ReadOnly && !canWrite(req) {
			calls.WithLabelValues(t.Name, "read_only").Inc()
			var none Out
			return nil, none, errReadOnly
		}
		res, out, err := h(ctx, req, in)
		outcome := "ok"
		if err != nil || res != nil && res.IsError {
			outcome = "error"
		}
		calls.WithLabelValues(t.Name, outcome).Inc()
		return res, out, err
	})
}

var errReadOnly = errors.New("this API token is read-only: it can list tasks, projects and tags but not change them; create a read-write token in Settings")

func canWrite(req *mcp.CallToolRequest) bool {
	return req.Extra != nil && req.Extra.TokenInfo != nil && slices.Contains(req.Extra.TokenInfo.Scopes, string(auth.ScopeWrite))
}

func (t *toolset) addTask(ctx context.Context, req *mcp.CallToolRequest, in todomcp.AddTaskInput) (*mcp.CallToolResult, todomcp.TaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.TaskOutput{}, err
	}
	task, err := t.tasks.Create(ctx, uid, in.TaskInput())
	if err != nil {
		return nil, todomcp.TaskOutput{}, toolError(err, 0)
	}
	out := todomcp.TaskOutput{Task: todomcp.FromAPI(task)}
	return text("Added " + describe(out.Task)), out, nil
}

func (t *toolset) listTasks(ctx context.Context, req *mcp.CallToolRequest, in todomcp.ListTasksInput) (*mcp.CallToolResult, todomcp.ListTasksOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.ListTasksOutput{}, err
	}
	li := tasks.ListInput{Status: in.Status, Priority: in.Priority, Q: in.Query, DueFrom: in.DueFrom, DueTo: in.DueTo,
		Overdue: in.Overdue, Limit: in.Limit, Sort: "due", ProjectID: in.ProjectID}
	if in.Tag != "" {
		li.Tags = []string{in.Tag}
	}
	list, err := t.tasks.List(ctx, uid, li)
	if err != nil {
		return nil, todomcp.ListTasksOutput{}, toolError(err, 0)
	}
	out := todomcp.ListTasksOutput{Tasks: make([]todomcp.Task, len(list.Tasks)), Total: list.Total}
	var b strings.Builder
	if list.Total == 0 {
		b.WriteString("No tasks match.")
	} else {
		fmt.Fprintf(&b, "%d task(s):", list.Total)
	}
	for i, x := range list.Tasks {
		out.Tasks[i] = todomcp.FromAPI(x)
		b.WriteString("\n- " + describe(out.Tasks[i]))
	}
	if len(list.Tasks) < list.Total {
		fmt.Fprintf(&b, "\n(showing %d of %d)", len(list.Tasks), list.Total)
	}
	return text(b.String()), out, nil
}

func (t *toolset) completeTask(ctx context.Context, req *mcp.CallToolRequest, in todomcp.CompleteTaskInput) (*mcp.CallToolResult, todomcp.CompleteTaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.CompleteTaskOutput{}, err
	}
	completed := in.Completed
	if completed == nil {
		completed = yes()
	}
	res, err := t.tasks.Complete(ctx, uid, in.TaskID, completed)
	if err != nil {
		return nil, todomcp.CompleteTaskOutput{}, toolError(err, in.TaskID)
	}
	out := todomcp.CompleteTaskOutput{Task: todomcp.FromAPI(res.Task)}
	msg := "Completed " + describe(out.Task)
	if !res.Task.Completed {
		msg = "Reopened " + describe(out.Task)
	}
	if n := len(res.Subtasks); n > 0 && res.Task.Completed {
		msg += fmt.Sprintf(" and %d open subtask(s)", n)
	}
	out.Subtasks = res.Subtasks
	if res.Next != nil {
		n := todomcp.FromAPI(*res.Next)
		out.Next = &n
		msg += "\nNext occurrence: " + describe(n)
	}
	return text(msg), out, nil
}

func (t *toolset) deleteTask(ctx context.Context, req *mcp.CallToolRequest, in todomcp.DeleteTaskInput) (*mcp.CallToolResult, todomcp.DeleteTaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.DeleteTaskOutput{}, err
	}
	task, err := t.tasks.Get(ctx, uid, in.TaskID)
	if err != nil {
		return nil, todomcp.DeleteTaskOutput{}, toolError(err, in.TaskID)
	}
	if err := t.tasks.Delete(ctx, uid, in.TaskID); err != nil {
		return nil, todomcp.DeleteTaskOutput{}, toolError(err, in.TaskID)
	}
	out := todomcp.DeleteTaskOutput{DeletedID: task.ID, Title: task.Title}
	return text(fmt.Sprintf("Deleted #%d %s", task.ID, task.Title)), out, nil
}

func (t *toolset) restoreTask(ctx context.Context, req *mcp.CallToolRequest, in todomcp.RestoreTaskInput) (*mcp.CallToolResult, todomcp.TaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.TaskOutput{}, err
	}
	task, err := t.tasks.Restore(ctx, uid, in.TaskID)
	if err != nil {
		return nil, todomcp.TaskOutput{}, toolError(err, in.TaskID)
	}
	out := todomcp.TaskOutput{Task: todomcp.FromAPI(task)}
	return text("Restored " + describe(out.Task)), out, nil
}

func (t *toolset) updateTask(ctx context.Context, req *mcp.CallToolRequest, in todomcp.UpdateTaskInput) (*mcp.CallToolResult, todomcp.TaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.TaskOutput{}, err
	}
	p, err := in.TaskPatch()
	if err != nil {
		return nil, todomcp.TaskOutput{}, err
	}
	task, err := t.tasks.Patch(ctx, uid, in.TaskID, p)
	if err != nil {
		return nil, todomcp.TaskOutput{}, toolError(err, in.TaskID)
	}
	out := todomcp.TaskOutput{Task: todomcp.FromAPI(task)}
	return text("Updated " + describe(out.Task)), out, nil
}

func (t *toolset) listTags(ctx context.Context, req *mcp.CallToolRequest, in todomcp.ListTagsInput) (*mcp.CallToolResult, todomcp.ListTagsOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.ListTagsOutput{}, err
	}
	tags, err := t.tasks.Tags(ctx, uid)
	if err != nil {
		return nil, todomcp.ListTagsOutput{}, toolError(err, 0)
	}
	out := todomcp.ListTagsOutput{Tags: make([]todomcp.Tag, len(tags.Tags))}
	names := make([]string, len(tags.Tags))
	for i, g := range tags.Tags {
		out.Tags[i] = todomcp.Tag{Name: g.Name, TaskCount: g.TaskCount, OpenCount: g.OpenCount}
		names[i] = fmt.Sprintf("%s (%d)", g.Name, g.TaskCount)
	}
	if len(names) == 0 {
		return text("No tags yet."), out, nil
	}
	return text("Tags: " + strings.Join(names, ", ")), out, nil
}

// describe is the one-line human summary used in text results.
func describe(t todomcp.Task) string {
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
	for _, r := range t.Reminders {
		if r.FireAt != "" && !r.Fired {
			parts = append(parts, "reminder "+r.FireAt)
		}
	}
	if t.Completed {
		parts = append(parts, "done")
	}
	return strings.Join(parts, " — ")
}

func sortStrings(s []string) []string { sort.Strings(s); return s }

func (t *toolset) listProjects(ctx context.Context, req *mcp.CallToolRequest, in todomcp.ListProjectsInput) (*mcp.CallToolResult, todomcp.ListProjectsOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.ListProjectsOutput{}, err
	}
	list, err := t.projects.List(ctx, uid, in.Archived)
	if err != nil {
		return nil, todomcp.ListProjectsOutput{}, toolError(err, 0)
	}
	out := todomcp.ListProjectsOutput{Projects: make([]todomcp.Project, len(list.Projects))}
	lines := make([]string, len(list.Projects))
	for i, p := range list.Projects {
		out.Projects[i] = todomcp.ProjectFromAPI(p)
		lines[i] = fmt.Sprintf("- #%d %s (%d open)", p.ID, p.Name, p.OpenCount)
	}
	return text("Projects:\n" + strings.Join(lines, "\n")), out, nil
}

func (t *toolset) addProject(ctx context.Context, req *mcp.CallToolRequest, in todomcp.AddProjectInput) (*mcp.CallToolResult, todomcp.ProjectOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.ProjectOutput{}, err
	}
	p, err := t.projects.Create(ctx, uid, api.ProjectInput{Name: in.Name, Color: in.Color})
	if err != nil {
		return nil, todomcp.ProjectOutput{}, toolError(err, 0)
	}
	out := todomcp.ProjectOutput{Project: todomcp.ProjectFromAPI(p)}
	return text(fmt.Sprintf("Added project #%d %s", p.ID, p.Name)), out, nil
}

func (t *toolset) moveTask(ctx context.Context, req *mcp.CallToolRequest, in todomcp.MoveTaskInput) (*mcp.CallToolResult, todomcp.TaskOutput, error) {
	uid, err := userOf(req, in.UserID)
	if err != nil {
		return nil, todomcp.TaskOutput{}, err
	}
	task, err := t.tasks.Move(ctx, uid, in.TaskID, in.MoveRequest())
	if err != nil {
		return nil, todomcp.TaskOutput{}, toolError(err, in.TaskID)
	}
	out := todomcp.TaskOutput{Task: todomcp.FromAPI(task)}
	return text("Moved " + describe(out.Task)), out, nil
}
