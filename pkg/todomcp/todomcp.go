// Package todomcp is the to-do MCP tool contract, declared once: each
// tool's name, description and hints, and its typed input and output (the
// JSON schemas the server advertises are derived from these structs). The
// backend registers its handlers through Register and the chatbot calls
// through Call, so a renamed field or tool changes both sides at once.
package todomcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	segjson "github.com/segmentio/encoding/json"
)

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
	// ProjectID keeps one project's tasks.
	ProjectID int64 `json:"project_id,omitempty" jsonschema:"only the tasks of this project (from list_projects)"`
	Limit     int   `json:"limit,omitempty" jsonschema:"how many tasks to return, 1-100 (default 50), soonest due first"`
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
	// Subtasks are the ids of the open subtasks completed with the task.
	Subtasks []int64 `json:"subtasks,omitempty" jsonschema:"ids of the open subtasks completed with it"`
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

// RestoreTaskInput are restore_task's arguments.
type RestoreTaskInput struct {
	UserID string `json:"user_id,omitempty" jsonschema:"optional; must be the signed-in user's id when given"`
	TaskID int64  `json:"task_id" jsonschema:"id of the deleted task (from delete_task's deleted_id)"`
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

// Tool describes one tool; In and Out are its arguments and structured
// result. The descriptors below are the contract and are never modified.
type Tool[In, Out any] struct {
	Name        string
	Title       string
	Description string
	ReadOnly    bool
	Destructive bool
	Idempotent  bool
}

// Definition is the tool as the server lists it (the SDK adds the schemas
// derived from In and Out when it is registered).
func (t Tool[In, Out]) Definition() *mcp.Tool {
	destructive := t.Destructive
	closed := false
	return &mcp.Tool{Name: t.Name, Description: t.Description, Annotations: &mcp.ToolAnnotations{
		Title: t.Title, ReadOnlyHint: t.ReadOnly, IdempotentHint: t.Idempotent,
		DestructiveHint: &destructive, OpenWorldHint: &closed,
	}}
}

// The tools.
var (
	AddTask = Tool[AddTaskInput, TaskOutput]{Name: "add_task", Title: "Add task",
		Description: "Add a task to the user's to-do list. Give a short title; optionally a due time or date, priority, tags and a repeat rule."}
	ListTasks = Tool[ListTasksInput, ListTasksOutput]{Name: "list_tasks", Title: "List tasks", ReadOnly: true, Idempotent: true,
		Description: "List the user's tasks, soonest due first, optionally filtered by status, priority, tag, text, due range or overdue. Use it to find task ids."}
	CompleteTask = Tool[CompleteTaskInput, CompleteTaskOutput]{Name: "complete_task", Title: "Complete task", Idempotent: true,
		Description: "Mark a task done (or not done with completed=false). Completing a task completes its open subtasks; completing a recurring task creates its next occurrence, with its subtasks."}
	DeleteTask = Tool[DeleteTaskInput, DeleteTaskOutput]{Name: "delete_task", Title: "Delete task", Destructive: true, Idempotent: true,
		Description: "Delete a task. It can be brought back with restore_task for 30 days. Confirm with the user first if there is any doubt which task they mean."}
	RestoreTask = Tool[RestoreTaskInput, TaskOutput]{Name: "restore_task", Title: "Restore task", Idempotent: true,
		Description: "Bring back a deleted task (undo a delete): the same task, id, tags and due date."}
	UpdateTask = Tool[UpdateTaskInput, TaskOutput]{Name: "update_task", Title: "Update task", Destructive: true, Idempotent: true,
		Description: "Change a task: title, description, due time (or clear_due), priority, tags (replaces them) or repeat rule. Only the given fields change."}
	ListTags = Tool[ListTagsInput, ListTagsOutput]{Name: "list_tags", Title: "List tags", ReadOnly: true, Idempotent: true,
		Description: "List the user's tags with how many tasks carry each."}
)

// Register adds a handler for t to the server; the handler's types must be
// the tool's. It does what the SDK's typed mcp.AddTool does — schemas
// derived from In and Out, arguments validated against the input schema
// with its defaults applied, the result's structured content and its JSON
// text when the handler gives no content, a handler's error as a tool
// error — except validating the tool's own output against its schema on
// every call: that decoded each answer back into maps and walked it (half
// the allocations of a list_tasks call, make bench), to check what the
// types the schema is derived from guarantee. The tests check it instead
// (CheckOutputs).
//
// It returns the handler it registered, for a server that answers some
// calls without the SDK's session machinery (the backend's plain
// tools/call path).
func Register[In, Out any](s *mcp.Server, t Tool[In, Out], h mcp.ToolHandlerFor[In, Out]) mcp.ToolHandler {
	in, err := schemaOf[In]()
	if err != nil {
		panic(fmt.Sprintf("todomcp: the input schema of %s: %v", t.Name, err))
	}
	out, err := schemaOf[Out]()
	if err != nil {
		panic(fmt.Sprintf("todomcp: the output schema of %s: %v", t.Name, err))
	}
	def := t.Definition()
	def.InputSchema, def.OutputSchema = in.Schema(), out.Schema()
	handler := func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, err := applyInput(req.Params.Arguments, in)
		if err != nil {
			return toolError(fmt.Errorf("validating \"arguments\": %w", err)), nil
		}
		var v In
		if err := json.Unmarshal(args, &v); err != nil {
			return toolError(err), nil
		}
		res, o, err := h(ctx, req, v)
		if err != nil {
			var wire *jsonrpc.Error
			if errors.As(err, &wire) {
				return nil, wire
			}
			return toolError(err), nil
		}
		if res == nil {
			res = &mcp.CallToolResult{}
		}
		// segmentio's encoder (encoding/json's output, faster), as the
		// backend's REST answers.
		b, err := segjson.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding the %s result: %w", t.Name, err)
		}
		res.StructuredContent = json.RawMessage(b)
		if res.Content == nil {
			res.Content = []mcp.Content{&mcp.TextContent{Text: string(b)}}
		}
		return res, nil
	}
	s.AddTool(def, handler)
	return handler
}

func toolError(err error) *mcp.CallToolResult {
	var res mcp.CallToolResult
	res.SetError(err)
	return &res
}

// schemaOf is T's schema, as the SDK derives it, resolved.
func schemaOf[T any]() (*jsonschema.Resolved, error) {
	sc, err := jsonschema.For[T](&jsonschema.ForOptions{})
	if err != nil {
		return nil, err
	}
	return sc.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: true})
}

// applyInput validates the arguments (none: {}) against the input schema
// after applying its defaults, and returns them as JSON.
func applyInput(raw json.RawMessage, r *jsonschema.Resolved) (json.RawMessage, error) {
	v := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("unmarshaling arguments: %w", err)
		}
	}
	var a any = v
	if err := r.ApplyDefaults(&a); err != nil {
		return nil, fmt.Errorf("applying schema defaults: %w", err)
	}
	if err := r.Validate(&a); err != nil {
		return nil, err
	}
	return json.Marshal(a)
}

// Result is a tool call's outcome as a client sees it.
type Result struct {
	IsError    bool
	Text       string
	Structured json.RawMessage
}

// Caller calls a tool by name with JSON-shaped arguments (an MCP client
// session; a language model's tool calls arrive in this shape too).
type Caller interface {
	Call(ctx context.Context, name string, args map[string]any) (Result, error)
}

// Call runs t with typed arguments and decodes its structured result. A
// tool failure is a Result with IsError (out is then the zero value); the
// error is for transport and protocol failures.
func Call[In, Out any](ctx context.Context, c Caller, t Tool[In, Out], in In) (Out, Result, error) {
	var out Out
	b, err := json.Marshal(in)
	if err != nil {
		return out, Result{}, fmt.Errorf("encoding %s arguments: %w", t.Name, err)
	}
	var args map[string]any
	if err := json.Unmarshal(b, &args); err != nil {
		return out, Result{}, fmt.Errorf("encoding %s arguments: %w", t.Name, err)
	}
	res, err := c.Call(ctx, t.Name, args)
	if err != nil {
		return out, res, err
	}
	if !res.IsError && len(res.Structured) > 0 {
		if err := json.Unmarshal(res.Structured, &out); err != nil {
			return out, res, fmt.Errorf("reading %s result: %w", t.Name, err)
		}
	}
	return out, res, nil
}
