package rest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
)

// Undo restores the same task: id, tags, dates, description (however
// long), through the backend, for every client.
func TestDeleteThenRestoreIsTheSameTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")
	due := "2031-02-03T10:00:00Z"
	long := string(make([]byte, 0, 10000))
	for len(long) < 10000 {
		long += "0123456789"
	}
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "Keep me", Description: long, DueAt: &due, Priority: "high", Tags: []string{"home", "x"}})
	require.NoError(t, err)

	require.NoError(t, ada.DeleteTask(ctx, task.ID))
	_, err = ada.GetTask(ctx, task.ID)
	assert.Equal(t, http.StatusNotFound, status(err), "a deleted task is gone from reads")
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Equal(t, 0, list.Total)
	tags, err := ada.ListTags(ctx)
	require.NoError(t, err)
	for _, g := range tags.Tags {
		assert.Equal(t, 0, g.TaskCount, "tag %s counts no deleted task", g.Name)
	}
	_, err = ada.PatchTask(ctx, task.ID, api.TaskPatch{DueAt: api.Null[string]()})
	assert.Equal(t, http.StatusNotFound, status(err), "nor can it be changed")
	assert.Equal(t, http.StatusNotFound, status(ada.DeleteTask(ctx, task.ID)), "deleting twice")

	_, err = bob.RestoreTask(ctx, task.ID)
	assert.Equal(t, http.StatusNotFound, status(err), "only its owner can restore it")
	back, err := ada.RestoreTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, task, back, "the same task, field for field")
	_, err = ada.RestoreTask(ctx, task.ID)
	assert.Equal(t, http.StatusNotFound, status(err), "restoring a task that is not deleted")
	_, err = ada.RestoreTask(ctx, 999999)
	assert.Equal(t, http.StatusNotFound, status(err))
}

// Deleted tasks are purged after the retention period, not before.
func TestDeletedTasksArePurgedAfterRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	old, err := ada.CreateTask(ctx, api.TaskInput{Title: "Long gone"})
	require.NoError(t, err)
	recent, err := ada.CreateTask(ctx, api.TaskInput{Title: "Just deleted"})
	require.NoError(t, err)
	require.NoError(t, ada.DeleteTask(ctx, old.ID))
	require.NoError(t, ada.DeleteTask(ctx, recent.ID))
	_, err = b.App.Store.DB.ExecContext(ctx, "UPDATE tasks SET deleted_at = now() - interval '31 days' WHERE id = ?", old.ID)
	require.NoError(t, err)

	n, err := b.App.Tasks.Purge(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = ada.RestoreTask(ctx, old.ID)
	assert.Equal(t, http.StatusNotFound, status(err), "purged for good")
	_, err = ada.RestoreTask(ctx, recent.ID)
	assert.NoError(t, err, "within the retention period")
}

// The probe's bug: un-ticking a completed recurring task left two open
// copies. Reopening removes the occurrence the completion created — unless
// someone has changed it since.
func TestReopeningARecurringTaskRemovesItsUntouchedOccurrence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	due := "2031-01-05T09:00:00Z"
	task, err := ada.CreateTask(ctx, api.TaskInput{Title: "Water plants", DueAt: &due, Recurrence: "weekly", Tags: []string{"home"}})
	require.NoError(t, err)
	open := func() []int64 {
		list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "pending"})
		require.NoError(t, err)
		var ids []int64
		for _, t := range list.Tasks {
			ids = append(ids, t.ID)
		}
		return ids
	}

	done, err := ada.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, done.Next)
	assert.Equal(t, []int64{done.Next.ID}, open())
	reopened, err := ada.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, reopened.RemovedNextID)
	assert.Equal(t, done.Next.ID, *reopened.RemovedNextID)
	assert.Equal(t, []int64{task.ID}, open(), "one open copy, the reopened one")

	// Through PATCH completed=false as well (the web form and update_task).
	done, err = ada.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	no := false
	_, err = ada.PatchTask(ctx, task.ID, api.TaskPatch{Completed: &no})
	require.NoError(t, err)
	assert.Equal(t, []int64{task.ID}, open())

	// A changed occurrence is someone's work: it stays.
	done, err = ada.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	note := "bring the big can"
	_, err = ada.PatchTask(ctx, done.Next.ID, api.TaskPatch{Description: &note})
	require.NoError(t, err)
	reopened, err = ada.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	assert.Nil(t, reopened.RemovedNextID)
	assert.ElementsMatch(t, []int64{task.ID, done.Next.ID}, open())
}
