package tasks

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun/schema"

	"github.com/todo-app/todo-app/apps/backend/internal/openapi"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// A task's fields are declared once, in api.TaskFields. These tests are
// the proof that every surface carries each of them: the store's columns
// and update list, the API's answer, input and patch, the export, the
// OpenAPI schemas, the MCP tools' schemas, and every conversion between
// them (create, patch, next occurrence, import, the tools' arguments and
// answers). A new field fails here until it reaches all of them; the
// store's migrations are checked against the same columns in the store's
// tests (TestMigrationsCreateEveryColumn).

// sampleOf is a valid, non-zero value of the field name of type typ,
// made from its type so that a new field needs no line here: the last
// value of its closed set when it has one (api.Enum, as the OpenAPI
// document declares it), else a string naming the field, the number 2
// (within every range the task's rules set), a fixed day in the future,
// an instant at the end of that day in UTC (so that an all-day sample's
// due_at is the one its due_date makes: the rules check in UTC).
func sampleOf(t *testing.T, name string, typ reflect.Type) reflect.Value {
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch values := api.Enum(name); {
	case len(values) > 0 && typ.Kind() == reflect.String:
		return reflect.ValueOf(values[len(values)-1]).Convert(typ)
	case typ == reflect.TypeFor[time.Time]():
		return reflect.ValueOf(sampleDay.EndIn(time.UTC))
	case typ == reflect.TypeFor[dates.Date]():
		return reflect.ValueOf(sampleDay)
	case typ == reflect.TypeFor[dates.Weekdays]():
		return reflect.ValueOf(dates.NewWeekdays(time.Monday, time.Friday))
	case typ.Kind() == reflect.String:
		return reflect.ValueOf("the " + strings.ReplaceAll(name, "_", " ")).Convert(typ)
	case typ.Kind() == reflect.Bool:
		return reflect.ValueOf(true).Convert(typ)
	case reflect.Zero(typ).CanInt():
		return reflect.ValueOf(2).Convert(typ)
	}
	t.Fatalf("api.TaskFields has %q of type %s, for which sampleOf (fields_test.go) makes no sample: teach it one", name, typ)
	return reflect.Value{}
}

// declaredFields are the JSON names of api.TaskFields.
func declaredFields(t *testing.T) []string {
	var names []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[api.TaskFields]()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		require.NotEmpty(t, name, "api.TaskFields.%s has no json name", f.Name)
		names = append(names, name)
	}
	require.NotEmpty(t, names)
	return names
}

var sampleDay = dates.NewDate(2030, 5, 6)

// The two kinds of due: a task due on a day, whose due_at is derived from
// its due_date (the end of the day in the person's zone), and a task due
// at a time, with no due_date. Every surface must carry both.
const (
	allDay = true
	timed  = false
)

// derivedFields are the fields an input does not carry for a sample
// because the rules compute them from another: an all-day task's due_at.
func derivedFields(f api.TaskFields) map[string]bool {
	return map[string]bool{"due_at": f.DueDate != nil}
}

// sampleFields is an api.TaskFields with every field set to its sample,
// but for due_date on a timed sample.
func sampleFields(t *testing.T, kind bool) api.TaskFields {
	f := everySample(t)
	if kind == timed {
		f.DueDate = nil
	}
	return f
}

func everySample(t *testing.T) api.TaskFields {
	var f api.TaskFields
	v := reflect.ValueOf(&f).Elem()
	for i, sf := range reflect.VisibleFields(v.Type()) {
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		x := sampleOf(t, name, sf.Type)
		if sf.Type.Kind() == reflect.Pointer {
			p := reflect.New(x.Type())
			p.Elem().Set(x)
			x = p
		}
		v.Field(i).Set(x)
	}
	return f
}

// jsonKeys are the keys of v's JSON object.
func jsonKeys(t *testing.T, v any) map[string]json.RawMessage {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// renamed re-encodes v's JSON object with the MCP names into out.
func renamed(t *testing.T, v, out any) {
	m := jsonKeys(t, v)
	for from, x := range m {
		if to := todomcp.ArgName(from); to != from {
			delete(m, from)
			m[to] = x
		}
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, out))
}

func TestEveryTaskFieldIsStoredAndUpdated(t *testing.T) {
	table := store.Dialect().Tables().Get(reflect.TypeFor[store.Task]())
	updated := store.TaskUpdateColumns(store.Dialect())
	for _, name := range declaredFields(t) {
		assert.True(t, slices.ContainsFunc(table.Fields, func(f *schema.Field) bool { return f.Name == name }),
			"store.Task has no column %q", name)
		assert.Contains(t, updated, name, "UpdateTask does not write %q", name)
	}
}

func TestEveryTaskFieldIsInEveryAPIShape(t *testing.T) {
	for _, kind := range []bool{allDay, timed} {
		everyFieldInEveryAPIShape(t, sampleFields(t, kind))
	}
}

func everyFieldInEveryAPIShape(t *testing.T, f api.TaskFields) {
	in := f.Input()
	var patch api.TaskPatch
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &patch))
	shapes := map[string]any{
		"api.Task":       api.Task{TaskFields: f},
		"api.ExportTask": api.ExportTask{TaskFields: f},
		"api.TaskInput":  in,
		"api.TaskPatch":  patch,
	}
	derived := derivedFields(f)
	for shape, v := range shapes {
		keys := jsonKeys(t, v)
		for _, name := range declaredFields(t) {
			if name == "due_date" && f.DueDate == nil || derived[name] && (shape == "api.TaskInput" || shape == "api.TaskPatch") {
				continue
			}
			x, ok := keys[name]
			if assert.True(t, ok, "%s has no %q", shape, name) {
				assert.NotEqual(t, "null", string(x), "%s drops the value of %q", shape, name)
			}
		}
	}

	doc, err := openapi.Build()
	require.NoError(t, err)
	for _, schema := range []string{"Task", "ExportTask", "TaskInput", "TaskPatch"} {
		ref, ok := doc.Components.Schemas[schema]
		require.True(t, ok, "the OpenAPI document has no schema %s", schema)
		for _, name := range declaredFields(t) {
			assert.Contains(t, ref.Value.Properties, name, "the OpenAPI schema %s has no %q", schema, name)
		}
	}
}

func TestEveryTaskFieldIsInTheMCPTools(t *testing.T) {
	for what, s := range map[string]*jsonschema.Schema{
		"add_task's arguments":    must(jsonschema.For[todomcp.AddTaskInput](nil)),
		"update_task's arguments": must(jsonschema.For[todomcp.UpdateTaskInput](nil)),
		"the tools' task":         must(jsonschema.For[todomcp.Task](nil)),
	} {
		for _, name := range declaredFields(t) {
			assert.Contains(t, s.Properties, todomcp.ArgName(name), "the MCP schema of %s has no %q", what, todomcp.ArgName(name))
		}
	}
}

func must(s *jsonschema.Schema, err error) *jsonschema.Schema {
	if err != nil {
		panic(err)
	}
	return s
}

// TestEveryTaskFieldSurvivesEveryConversion sends every field through
// each path a task's values take, and checks that none is dropped.
func TestEveryTaskFieldSurvivesEveryConversion(t *testing.T) {
	for _, kind := range []bool{allDay, timed} {
		everyFieldSurvivesEveryConversion(t, sampleFields(t, kind))
	}
}

func everyFieldSurvivesEveryConversion(t *testing.T, f api.TaskFields) {
	in := f.Input()

	// Create (and import, which creates with Check).
	created, _, fe := Check(in, time.UTC)
	require.Empty(t, fe)
	assert.Equal(t, f, created.TaskFields, "create")

	// Replace copies what Check made, whole; patch with every field set.
	var patch api.TaskPatch
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &patch))
	v, _, fe := checkPatch(patch, time.UTC)
	require.Empty(t, fe)
	var patched store.Task
	require.NoError(t, applyPatch(&patched, patch, v))
	assert.Equal(t, f, patched.TaskFields, "patch")

	// The answer, the export and the next occurrence embed the fields.
	answer := ToAPI(&store.Task{TaskFields: f})
	assert.Equal(t, f, answer.TaskFields, "answer")

	// The MCP tools: their answer, and their arguments to create and patch.
	tool := todomcp.FromAPI(answer)
	toolKeys := jsonKeys(t, tool)
	answerKeys := jsonKeys(t, answer)
	derived := derivedFields(f)
	for _, name := range declaredFields(t) {
		if derived[name] || string(answerKeys[name]) == "null" {
			continue // the tools' due is the day of an all-day task
		}
		assert.JSONEq(t, string(answerKeys[name]), string(toolKeys[todomcp.ArgName(name)]), "the tools' task: %q", name)
	}
	var add todomcp.AddTaskInput
	renamed(t, in, &add)
	assert.Equal(t, in, add.TaskInput(), "add_task")
	var upd todomcp.UpdateTaskInput
	renamed(t, in, &upd)
	got, err := upd.TaskPatch()
	require.NoError(t, err)
	assert.Equal(t, patch, got, "update_task")
}
