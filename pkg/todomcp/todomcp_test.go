package todomcp_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// taskFields are the tools' names of api.TaskFields (with the others, sorted):
// the task's own fields are held to every surface by the backend's
// fields_test.go, so a new one changes this table without an edit here.
func taskFields(others ...string) []string {
	names := others
	for _, f := range reflect.VisibleFields(reflect.TypeFor[api.TaskFields]()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		names = append(names, todomcp.ArgName(name))
	}
	slices.Sort(names)
	// due_date and due_at are one argument, due.
	return slices.Compact(names)
}

// properties are a schema's property names, sorted.
func properties[T any](t *testing.T) []string {
	t.Helper()
	s, err := jsonschema.For[T](nil)
	require.NoError(t, err)
	return slices.Sorted(func(yield func(string) bool) {
		for k := range s.Properties {
			if !yield(k) {
				return
			}
		}
	})
}

// The wire names are what MCP clients outside this repository (Claude
// Desktop, editors, agents) and language models' prompts depend on. One
// declaration keeps our server and chatbot in step; this table makes a
// rename a deliberate act: it fails until the table (and the docs) change.
// The task's own fields come from api.TaskFields (taskFields): a rename
// there is a rename of the API, which the committed OpenAPI document and
// its generated client show (their tests fail until they are regenerated).
func TestWireNamesOfTheContract(t *testing.T) {
	tools := map[string][2][]string{
		todomcp.AddTask.Name:      {properties[todomcp.AddTaskInput](t), properties[todomcp.TaskOutput](t)},
		todomcp.ListTasks.Name:    {properties[todomcp.ListTasksInput](t), properties[todomcp.ListTasksOutput](t)},
		todomcp.CompleteTask.Name: {properties[todomcp.CompleteTaskInput](t), properties[todomcp.CompleteTaskOutput](t)},
		todomcp.DeleteTask.Name:   {properties[todomcp.DeleteTaskInput](t), properties[todomcp.DeleteTaskOutput](t)},
		todomcp.UpdateTask.Name:   {properties[todomcp.UpdateTaskInput](t), properties[todomcp.TaskOutput](t)},
		todomcp.RestoreTask.Name:  {properties[todomcp.RestoreTaskInput](t), properties[todomcp.TaskOutput](t)},
		todomcp.ListTags.Name:     {properties[todomcp.ListTagsInput](t), properties[todomcp.ListTagsOutput](t)},
		todomcp.ListProjects.Name: {properties[todomcp.ListProjectsInput](t), properties[todomcp.ListProjectsOutput](t)},
		todomcp.AddProject.Name:   {properties[todomcp.AddProjectInput](t), properties[todomcp.ProjectOutput](t)},
		todomcp.MoveTask.Name:     {properties[todomcp.MoveTaskInput](t), properties[todomcp.TaskOutput](t)},
	}
	want := map[string][2][]string{
		"add_task":      {taskFields("parent_id", "project_id", "reminders", "section_id", "tags", "user_id"), {"task"}},
		"list_tasks":    {{"due_from", "due_to", "limit", "overdue", "priority", "project_id", "query", "status", "tag", "user_id"}, {"tasks", "total"}},
		"complete_task": {{"completed", "task_id", "user_id"}, {"next", "subtasks", "task"}},
		"delete_task":   {{"task_id", "user_id"}, {"deleted_id", "title"}},
		"update_task":   {taskFields("clear_due", "parent_id", "project_id", "reminders", "tags", "task_id", "user_id"), {"task"}},
		"list_tags":     {{"user_id"}, {"tags"}},
		"restore_task":  {{"task_id", "user_id"}, {"task"}},
		"list_projects": {{"archived", "user_id"}, {"projects"}},
		"add_project":   {{"color", "name", "user_id"}, {"project"}},
		"move_task":     {{"after_id", "parent_id", "project_id", "section_id", "task_id", "to_top", "user_id"}, {"task"}},
	}
	assert.Equal(t, want, tools)
	assert.Equal(t, taskFields("completed", "completed_at", "created_at", "id", "parent_id", "project_id", "reminders", "section_id", "tags"),
		properties[todomcp.Task](t))
	assert.Equal(t, []string{"archived", "id", "inbox", "name", "open_count", "sections"}, properties[todomcp.Project](t))
}

// recorder is a Caller that records what it was asked and answers a
// canned structured result.
type recorder struct {
	name string
	args map[string]any
	res  todomcp.Result
}

func (r *recorder) Call(_ context.Context, name string, args map[string]any) (todomcp.Result, error) {
	r.name, r.args = name, args
	return r.res, nil
}

func TestCallSendsTheContractsNamesAndDecodesTheResult(t *testing.T) {
	r := &recorder{res: todomcp.Result{Structured: json.RawMessage(`{"task":{"id":7,"title":"Call mom","due":"2026-12-04T17:00:00Z","tags":["family"],"priority":"high"}}`)}}
	due := "2026-12-04T17:00:00Z"
	out, res, err := todomcp.Call(context.Background(), r, todomcp.UpdateTask, todomcp.UpdateTaskInput{TaskID: 7, Due: &due})
	require.NoError(t, err)
	assert.False(t, res.IsError)
	assert.Equal(t, "update_task", r.name)
	assert.Equal(t, map[string]any{"task_id": float64(7), "due": due}, r.args, "only the given fields, by their wire names")
	assert.Equal(t, int64(7), out.Task.ID)
	assert.Equal(t, []string{"family"}, out.Task.Tags)

	r.res = todomcp.Result{IsError: true, Text: "task 9 not found"}
	out2, res, err := todomcp.Call(context.Background(), r, todomcp.DeleteTask, todomcp.DeleteTaskInput{TaskID: 9})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Zero(t, out2)
}
