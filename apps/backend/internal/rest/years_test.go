package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// farYear is the probe's timestamp: a four-digit year, and in UTC the
// year 10000, which no JSON timestamp can hold.
const farYear = "9999-12-31T23:59:59-23:59"

const yearsProblem = "between the years 1970 and 9999 (in UTC)"

// Every timestamp a person sends is held to the years 1970-9999 in UTC,
// each refused with 422 naming its field: a reminder's at on create and
// on patch (due dates already were).
func TestTimestampsOutsideTheYearsAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	// field is what the 422 says of name.
	field := func(err error, name string) string {
		t.Helper()
		e, ok := apierror.As(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, http.StatusUnprocessableEntity, e.Status)
		return e.Fields[name]
	}
	far := farYear
	_, err := ada.CreateTask(ctx, api.TaskInput{Title: "x", DueAt: &far})
	assert.Contains(t, field(err, "due_at"), yearsProblem)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "x", Reminders: &[]api.ReminderInput{{At: &far}}})
	assert.Contains(t, field(err, "reminders[0]"), yearsProblem)
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "x"})
	require.NoError(t, err)
	_, err = ada.PatchTask(ctx, task.ID, api.TaskPatch{Reminders: &[]api.ReminderInput{{At: &far}}})
	assert.Contains(t, field(err, "reminders[0]"), yearsProblem)
}

// An import is held to the same years, for every timestamp in the file:
// the row and field are named, and nothing is imported.
func TestImportedTimestampsOutsideTheYearsAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	for name, doc := range map[string]string{
		"reminder at":  `{"kind":"todo-app-export","tasks":[{"key":"k1","title":"T","reminders":[{"at":"` + farYear + `"}]}]}`,
		"completed_at": `{"kind":"todo-app-export","tasks":[{"key":"k1","title":"T","completed":true,"completed_at":"` + farYear + `"}]}`,
		"created_at":   `{"kind":"todo-app-export","tasks":[{"key":"k1","title":"T","created_at":"` + farYear + `"}]}`,
		"updated_at":   `{"kind":"todo-app-export","tasks":[{"key":"k1","title":"T","updated_at":"0001-01-01T00:00:00+01:00"}]}`,
		"conversation": `{"kind":"todo-app-export","conversations":[{"key":"c1","title":"C","created_at":"` + farYear + `","messages":[]}]}`,
		"message":      `{"kind":"todo-app-export","conversations":[{"key":"c1","title":"C","messages":[{"role":"user","content":"hi","created_at":"` + farYear + `"}]}]}`,
	} {
		rep, err := ada.Import(ctx, api.FormatJSON, false, strings.NewReader(doc))
		e, ok := apierror.As(err)
		require.True(t, ok, "%s: %v", name, err)
		assert.Equal(t, http.StatusUnprocessableEntity, e.Status, name)
		assert.Contains(t, fmt.Sprint(rep.Errors), "1970 and 9999", name)
	}
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Empty(t, list.Tasks, "nothing was imported")
}

// What is stored already renders, whatever its year: a task's times and
// its reminder moved to the year 10000 in the database (as the probe's
// timestamp stored the reminder before the bound; due_at has a CHECK of
// its own since a migration) leave the lists, the task, the agenda, the
// summary and both exports answering, with the task in them.
func TestStoredFarYearsStillRender(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "Far away", Reminders: &[]api.ReminderInput{{At: stamp(time.Now().Add(48 * time.Hour))}}})
	require.NoError(t, err)
	_, err = b.App.Store.DB.ExecContext(ctx, `UPDATE tasks SET completed = true, completed_at = '10000-01-01 05:59:59+00', created_at = '10000-01-01 00:00:00+00' WHERE id = ?`, task.ID)
	require.NoError(t, err)
	_, err = b.App.Store.DB.ExecContext(ctx, `UPDATE reminders SET at = '10000-01-01 05:59:59+00', fire_at = '10000-01-01 05:59:59+00' WHERE task_id = ?`, task.ID)
	require.NoError(t, err)

	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	assert.Equal(t, 9999, list.Tasks[0].CreatedAt.Year(), "shown at the last moment a timestamp can hold")
	assert.Equal(t, 9999, list.Tasks[0].CompletedAt.Year())
	got, err := ada.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Len(t, got.Reminders, 1)
	_, err = ada.Agenda(ctx, 7, "")
	require.NoError(t, err)
	_, err = ada.Summary(ctx, "")
	require.NoError(t, err)
	for _, format := range []string{api.FormatJSON, api.FormatCSV} {
		d, err := ada.Export(ctx, format)
		require.NoError(t, err, format)
		raw, err := io.ReadAll(d.Body)
		d.Body.Close()
		require.NoError(t, err, format)
		assert.Contains(t, string(raw), "Far away", format)
		if format == api.FormatJSON {
			var doc api.Export
			require.NoError(t, json.Unmarshal(raw, &doc), "the export is whole")
			require.Len(t, doc.Tasks, 1)
		}
	}
}
