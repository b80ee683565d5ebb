package rest_test

import (
	"context"
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

// requireStatus requires err to be the API's answer with that status.
func requireStatus(t *testing.T, err error, status int) {
	t.Helper()
	e, ok := apierror.As(err)
	require.True(t, ok, "want HTTP %d, got %v", status, err)
	require.Equal(t, status, e.Status, "%v", err)
}

// An archived project's tasks leave the feed, and their reminders do not
// fire, until it is unarchived; the Inbox cannot be archived or deleted.
func TestArchivedProjectIsQuiet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	old, err := ada.CreateProject(ctx, api.ProjectInput{Name: "Old job"})
	require.NoError(t, err)
	soon := time.Now().Add(1500 * time.Millisecond)
	hidden, err := ada.CreateTask(ctx, api.TaskInput{Title: "Hidden report", ProjectID: &old.ID, DueAt: stamp(soon.Add(time.Hour)),
		Reminders: &[]api.ReminderInput{{At: stamp(soon)}}})
	require.NoError(t, err)
	shown, err := ada.CreateTask(ctx, api.TaskInput{Title: "Shown errand", DueAt: stamp(soon.Add(time.Hour)),
		Reminders: &[]api.ReminderInput{{At: stamp(soon)}}})
	require.NoError(t, err)
	archived := true
	_, err = ada.PatchProject(ctx, old.ID, api.ProjectPatch{Archived: &archived})
	require.NoError(t, err)

	feed, err := ada.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	ics, err := b.Client.CalendarICS(ctx, feed.Token)
	require.NoError(t, err)
	assert.Contains(t, string(ics), "Shown errand")
	assert.NotContains(t, string(ics), "Hidden report", "an archived project is not in the feed")

	require.Eventually(t, func() bool {
		got, err := ada.GetTask(ctx, shown.ID)
		return err == nil && got.Reminders[0].FiredAt != nil
	}, 10*time.Second, 100*time.Millisecond)
	time.Sleep(500 * time.Millisecond) // a few more polls
	got, err := ada.GetTask(ctx, hidden.ID)
	require.NoError(t, err)
	assert.Nil(t, got.Reminders[0].FiredAt, "an archived project's reminder does not fire")

	list, err := ada.ListProjects(ctx, false)
	require.NoError(t, err)
	require.NotEmpty(t, list.Projects)
	inbox := list.Projects[0]
	assert.True(t, inbox.Inbox, "the Inbox is first")
	for _, p := range list.Projects {
		assert.NotEqual(t, old.ID, p.ID, "archived projects are left out unless asked for")
	}
	_, err = ada.PatchProject(ctx, inbox.ID, api.ProjectPatch{Archived: &archived})
	requireStatus(t, err, http.StatusConflict)
	requireStatus(t, ada.DeleteProject(ctx, inbox.ID), http.StatusConflict)
	renamed := "Start here"
	p, err := ada.PatchProject(ctx, inbox.ID, api.ProjectPatch{Name: &renamed})
	require.NoError(t, err)
	assert.Equal(t, "Start here", p.Name, "the Inbox can be renamed")
}

// Deleting a project takes its sections and tasks with it; restoring it
// brings back exactly those, and the tree shows them in order, nested.
func TestProjectDeleteRestoreAndTree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")
	home, err := ada.CreateProject(ctx, api.ProjectInput{Name: "Home"})
	require.NoError(t, err)
	garden, err := ada.CreateSection(ctx, home.ID, api.SectionInput{Name: "Garden"})
	require.NoError(t, err)
	loose, err := ada.CreateTask(ctx, api.TaskInput{Title: "Loose", ProjectID: &home.ID})
	require.NoError(t, err)
	mow, err := ada.CreateTask(ctx, api.TaskInput{Title: "Mow", ProjectID: &home.ID, SectionID: &garden.ID})
	require.NoError(t, err)
	oil, err := ada.CreateTask(ctx, api.TaskInput{Title: "Oil", ParentID: &mow.ID})
	require.NoError(t, err)
	gone, err := ada.CreateTask(ctx, api.TaskInput{Title: "Gone before", ProjectID: &home.ID})
	require.NoError(t, err)
	require.NoError(t, ada.DeleteTask(ctx, gone.ID))

	tree, err := ada.ProjectTree(ctx, home.ID, "")
	require.NoError(t, err)
	require.Len(t, tree.Tasks, 1)
	assert.Equal(t, loose.ID, tree.Tasks[0].ID)
	require.Len(t, tree.Sections, 1)
	require.Len(t, tree.Sections[0].Tasks, 1)
	assert.Equal(t, mow.ID, tree.Sections[0].Tasks[0].ID)
	require.Len(t, tree.Sections[0].Tasks[0].Subtasks, 1)
	assert.Equal(t, oil.ID, tree.Sections[0].Tasks[0].Subtasks[0].ID)

	// Bob, on his own path, cannot see or fill Ada's project or add under
	// her task: not found, never hers.
	_, err = bob.ProjectTree(ctx, home.ID, "")
	requireStatus(t, err, http.StatusNotFound)
	_, err = bob.CreateTask(ctx, api.TaskInput{Title: "sneak", ProjectID: &home.ID})
	requireStatus(t, err, http.StatusNotFound)
	_, err = bob.CreateTask(ctx, api.TaskInput{Title: "sneak", ParentID: &mow.ID})
	requireStatus(t, err, http.StatusNotFound)

	require.NoError(t, ada.DeleteProject(ctx, home.ID))
	_, err = ada.GetTask(ctx, oil.ID)
	requireStatus(t, err, http.StatusNotFound)
	_, err = ada.RestoreProject(ctx, home.ID)
	require.NoError(t, err)
	for _, id := range []int64{loose.ID, mow.ID, oil.ID} {
		_, err := ada.GetTask(ctx, id)
		assert.NoError(t, err, "task %d is back", id)
	}
	_, err = ada.GetTask(ctx, gone.ID)
	requireStatus(t, err, http.StatusNotFound)
	back, err := ada.GetProject(ctx, home.ID)
	require.NoError(t, err)
	assert.Len(t, back.Sections, 1, "its section is back")
	assert.Equal(t, 3, back.OpenCount)

	// The summary counts per project.
	sum, err := ada.Summary(ctx, "")
	require.NoError(t, err)
	counts := map[int64]int{}
	for _, p := range sum.Projects {
		counts[p.ID] = p.Open
	}
	assert.Equal(t, 3, counts[home.ID])
}

// The calendar feed shows one project when Settings says so, at the same
// address; another person's project cannot be chosen.
func TestCalendarFeedOfOneProject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")
	work, err := ada.CreateProject(ctx, api.ProjectInput{Name: "Work"})
	require.NoError(t, err)
	due := time.Now().Add(48 * time.Hour)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Quarterly report", ProjectID: &work.ID, DueAt: stamp(due)})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Buy flowers", DueAt: stamp(due)})
	require.NoError(t, err)

	_, err = ada.ScopeCalendarFeed(ctx, &work.ID)
	requireStatus(t, err, http.StatusConflict) // the feed is off
	feed, err := ada.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	scoped, err := ada.ScopeCalendarFeed(ctx, &work.ID)
	require.NoError(t, err)
	assert.Equal(t, feed.Token, scoped.Token, "the address stays")
	require.NotNil(t, scoped.ProjectID)
	ics, err := b.Client.CalendarICS(ctx, feed.Token)
	require.NoError(t, err)
	assert.Contains(t, string(ics), "Quarterly report")
	assert.NotContains(t, string(ics), "Buy flowers", "only the chosen project")

	bobs, err := bob.CreateProject(ctx, api.ProjectInput{Name: "Bob's"})
	require.NoError(t, err)
	_, err = ada.ScopeCalendarFeed(ctx, &bobs.ID)
	requireStatus(t, err, http.StatusNotFound)

	all, err := ada.ScopeCalendarFeed(ctx, nil)
	require.NoError(t, err)
	assert.Nil(t, all.ProjectID)
	ics, err = b.Client.CalendarICS(ctx, feed.Token)
	require.NoError(t, err)
	assert.Contains(t, string(ics), "Buy flowers", "every project again")
}

// A list written as null (a client that leaves empty lists null, a file
// from before projects) is an empty list, not a broken file.
func TestImportTakesNullListsAsEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	doc := `{"kind":"todo-app-export","version":2,"tags":null,"projects":null,"sections":null,"conversations":null,
		"tasks":[{"key":"k1","title":"Kept"}]}`
	rep, err := ada.Import(ctx, api.FormatJSON, false, strings.NewReader(doc))
	require.NoError(t, err)
	assert.Equal(t, 1, rep.TasksCreated)
}

// A hand-made file that names the project of the top-level task only:
// every subtask, at every depth, lands in its parent's project.
func TestImportedSubtasksFollowTheirParentsProject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	doc := `{"kind":"todo-app-export","version":2,
		"projects":[{"key":"p-home","name":"Home","color":"green","position":"1"}],
		"tasks":[
			{"key":"a","title":"Top","project_key":"p-home"},
			{"key":"b","title":"Child","parent_key":"a"},
			{"key":"c","title":"Grandchild","parent_key":"b"}]}`
	_, err := ada.Import(ctx, api.FormatJSON, false, strings.NewReader(doc))
	require.NoError(t, err)
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 3)
	byTitle := map[string]api.Task{}
	for _, task := range list.Tasks {
		byTitle[task.Title] = task
	}
	home := byTitle["Top"].ProjectID
	assert.Equal(t, home, byTitle["Child"].ProjectID)
	assert.Equal(t, home, byTitle["Grandchild"].ProjectID, "a grandchild follows too")
	assert.Equal(t, byTitle["Child"].ID, *byTitle["Grandchild"].ParentID)
}

// Two Todoist files that merely start alike (two boards whose first
// section is "To Do") become two projects; the same file again adds
// nothing, even with a task added at its end.
func TestTodoistFilesThatStartAlikeAreTwoProjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	const head = "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT\nmeta,view_style=board,,,\nsection,To Do,,,\n"
	first := head + "task,Book the venue,,4,1\ntask,Send invitations,,4,1\n"
	second := head + "task,Fix the bike,,4,1\ntask,Buy a lock,,4,1\n"
	for _, f := range []string{first, second} {
		_, err := ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(f))
		require.NoError(t, err)
	}
	list, err := ada.ListProjects(ctx, false)
	require.NoError(t, err)
	require.Len(t, list.Projects, 3, "the Inbox and one project a file")
	venue, err := ada.ListTasks(ctx, api.TaskQuery{Q: "venue"})
	require.NoError(t, err)
	bike, err := ada.ListTasks(ctx, api.TaskQuery{Q: "bike"})
	require.NoError(t, err)
	require.Len(t, venue.Tasks, 1)
	require.Len(t, bike.Tasks, 1)
	assert.NotEqual(t, venue.Tasks[0].ProjectID, bike.Tasks[0].ProjectID)

	rep, err := ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(first+"task,Order the cake,,4,1\n"))
	require.NoError(t, err)
	assert.Equal(t, 1, rep.TasksCreated, "only the new task")
	assert.Equal(t, 0, rep.ProjectsCreated)
	cake, err := ada.ListTasks(ctx, api.TaskQuery{Q: "cake"})
	require.NoError(t, err)
	require.Len(t, cake.Tasks, 1)
	assert.Equal(t, venue.Tasks[0].ProjectID, cake.Tasks[0].ProjectID, "into the project the file made")
}
