package taskstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/position"
)

// The rules of projects, sections and subtasks (issue: projects), each a
// case that fails when its rule is broken.
func placeCases() []ruleCase {
	return []ruleCase{
		{"a new task goes last in the Inbox, or where it names", newTaskPlace},
		{"completing a parent completes its open subtasks; undo reopens exactly those", completeParent},
		{"reopening a parent leaves its subtasks as they are", reopenParent},
		{"a recurring parent's next occurrence brings back all its subtasks, open and nested", recurringParent},
		{"deleting a parent deletes its subtree; restore brings back what that deletion took", deleteParent},
		{"a subtask restored after its parent is gone comes back at the top", restoreOrphan},
		{"a task cannot become its own ancestor", noCycles},
		{"subtasks nest four levels and no deeper", depthLimit},
		{"moving a task moves its subtasks; subtasks live in their parent's project", moveSubtree},
		{"a move between siblings writes the order asked for", reorder},
		{"an archived project's tasks are in no list, agenda or summary but its own", archivedHidden},
		{"another person's project, section or parent is not found; a failed move changes nothing", placeIsolation},
		{"undo reopens only what the last completion closed", undoOnlyTheLastCompletion},
		{"undoing a recurring completion keeps an occurrence someone added a subtask to", undoKeepsWorkedOccurrence},
		{"a client echoing a subtask's own project moves nothing", echoedPlaceStays},
		{"a deleted subtask follows its parent's move and is restored with it there", deletedSubtaskFollows},
	}
}

func (e *env) project(t *testing.T, user, name string) int64 {
	t.Helper()
	id, err := e.st.AddProject(e.ctx, user, name, false)
	require.NoError(t, err)
	return id
}

func (e *env) section(t *testing.T, user string, project int64, name string) int64 {
	t.Helper()
	id, err := e.st.AddSection(e.ctx, user, project, name)
	require.NoError(t, err)
	return id
}

func (e *env) sub(t *testing.T, user string, parent int64, title string) api.Task {
	t.Helper()
	return e.create(t, user, api.TaskInput{Title: title, ParentID: &parent})
}

func (e *env) move(t *testing.T, user string, id int64, m api.MoveRequest) api.Task {
	t.Helper()
	task, err := e.svc.Move(e.ctx, user, id, m)
	require.NoError(t, err)
	return task
}

func newTaskPlace(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	a := e.create(t, u, api.TaskInput{Title: "a"})
	b := e.create(t, u, api.TaskInput{Title: "b"})
	assert.Equal(t, a.ProjectID, b.ProjectID, "both in the Inbox")
	assert.Nil(t, a.ParentID)
	assert.True(t, position.Less(a.Position, b.Position), "the newer is last: %s, %s", a.Position, b.Position)

	home := e.project(t, u, "Home")
	garden := e.section(t, u, home, "Garden")
	c := e.create(t, u, api.TaskInput{Title: "mow", ProjectID: &home, SectionID: &garden})
	assert.Equal(t, home, c.ProjectID)
	assert.Equal(t, garden, *c.SectionID)
	// A subtask takes its parent's project and section.
	d := e.sub(t, u, c.ID, "oil the mower")
	assert.Equal(t, home, d.ProjectID)
	assert.Equal(t, garden, *d.SectionID)
	assert.Equal(t, c.ID, *d.ParentID)
	// A section of another project is named.
	_, err := e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", ProjectID: &a.ProjectID, SectionID: &garden})
	requireInvalid(t, err, "section_id")
}

func completeParent(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "trip"})
	a := e.sub(t, u, p.ID, "tickets")
	b := e.sub(t, u, p.ID, "hotel")
	deep := e.sub(t, u, b.ID, "deposit")
	done := e.sub(t, u, p.ID, "passport")
	_, err := e.svc.Complete(e.ctx, u, done.ID, yes(true))
	require.NoError(t, err)

	res, err := e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	assert.ElementsMatch(t, []int64{a.ID, b.ID, deep.ID}, res.Subtasks, "the open subtasks, at every depth")
	for _, id := range []int64{a.ID, b.ID, deep.ID, done.ID} {
		assert.True(t, e.get(t, u, id).Completed, "subtask %d", id)
	}
	// Someone reopens one by hand; the undo reopens the others only.
	_, err = e.svc.Complete(e.ctx, u, a.ID, yes(false))
	require.NoError(t, err)
	_, err = e.svc.Complete(e.ctx, u, a.ID, yes(true))
	require.NoError(t, err)
	res, err = e.svc.CompleteWith(e.ctx, u, p.ID, api.CompleteRequest{Completed: yes(false), Undo: true})
	require.NoError(t, err)
	assert.ElementsMatch(t, []int64{b.ID, deep.ID}, res.Subtasks)
	assert.False(t, e.get(t, u, p.ID).Completed)
	assert.False(t, e.get(t, u, b.ID).Completed)
	assert.False(t, e.get(t, u, deep.ID).Completed)
	assert.True(t, e.get(t, u, a.ID).Completed, "completed on its own since: stays")
	assert.True(t, e.get(t, u, done.ID).Completed, "done before the parent: stays")

	_, err = e.svc.CompleteWith(e.ctx, u, p.ID, api.CompleteRequest{Completed: yes(true), Undo: true})
	requireInvalid(t, err, "undo")
}

func reopenParent(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "move house"})
	a := e.sub(t, u, p.ID, "boxes")
	_, err := e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	res, err := e.svc.Complete(e.ctx, u, p.ID, yes(false))
	require.NoError(t, err)
	assert.Empty(t, res.Subtasks)
	assert.True(t, e.get(t, u, a.ID).Completed, "a plain reopen leaves the subtasks")
	// And by patch the same.
	_, err = e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	_, err = e.svc.Patch(e.ctx, u, p.ID, api.TaskPatch{Completed: yes(false)})
	require.NoError(t, err)
	assert.True(t, e.get(t, u, a.ID).Completed)
}

func recurringParent(t *testing.T, e *env) {
	u := e.person(t, "Europe/Berlin", nil)
	home := e.project(t, u, "Home")
	p := e.create(t, u, api.TaskInput{Title: "weekly clean", ProjectID: &home, DueDate: str("2030-03-04"), Recurrence: api.RecurWeekly})
	a := e.create(t, u, api.TaskInput{Title: "kitchen", ParentID: &p.ID, DueDate: str("2030-03-03"), Tags: []string{"chores"}})
	b := e.sub(t, u, p.ID, "bathroom")
	c := e.sub(t, u, b.ID, "mirror")
	_, err := e.svc.Complete(e.ctx, u, b.ID, yes(true))
	require.NoError(t, err)

	res, err := e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	assert.Equal(t, "2030-03-11", res.Next.DueDate.String())
	assert.Equal(t, home, res.Next.ProjectID, "the next occurrence stays in its project")
	tree, err := e.svc.List(e.ctx, u, tasks.ListInput{ProjectID: home, Status: "pending"})
	require.NoError(t, err)
	byTitle := map[string]api.Task{}
	for _, task := range tree.Tasks {
		byTitle[task.Title] = task
	}
	require.Len(t, byTitle, 4, "the occurrence and its three subtasks, open: %v", tree.Tasks)
	assert.Equal(t, res.Next.ID, *byTitle["kitchen"].ParentID)
	assert.Equal(t, res.Next.ID, *byTitle["bathroom"].ParentID)
	assert.Equal(t, byTitle["bathroom"].ID, *byTitle["mirror"].ParentID, "nested as before")
	assert.Equal(t, "2030-03-10", byTitle["kitchen"].DueDate.String(), "a day before its parent, as before")
	assert.Equal(t, []string{"chores"}, byTitle["kitchen"].Tags)
	assert.NotEqual(t, a.ID, byTitle["kitchen"].ID)
	assert.True(t, position.Less(byTitle["kitchen"].Position, byTitle["bathroom"].Position), "in the same order")
	assert.NotEqual(t, c.ID, byTitle["mirror"].ID, "a copy, not the old one")
	// Undoing the completion removes the untouched occurrence with its
	// subtasks, and nothing is left behind at the top.
	res, err = e.svc.Complete(e.ctx, u, p.ID, yes(false))
	require.NoError(t, err)
	require.NotNil(t, res.RemovedNextID)
	left, err := e.svc.List(e.ctx, u, tasks.ListInput{ProjectID: home})
	require.NoError(t, err)
	assert.Len(t, left.Tasks, 4, "the series' first task and its own three subtasks: %v", left.Tasks)
}

func deleteParent(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "party"})
	a := e.sub(t, u, p.ID, "cake")
	b := e.sub(t, u, a.ID, "candles")
	early := e.sub(t, u, p.ID, "balloons")
	require.NoError(t, e.svc.Delete(e.ctx, u, early.ID))
	e.clock.Advance(time.Second)
	require.NoError(t, e.svc.Delete(e.ctx, u, p.ID))
	for _, id := range []int64{p.ID, a.ID, b.ID} {
		_, err := e.svc.Get(e.ctx, u, id)
		assert.ErrorIs(t, err, domain.ErrNotFound, "task %d deleted with its parent", id)
	}
	_, err := e.svc.Restore(e.ctx, u, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p.ID, *e.get(t, u, a.ID).ParentID)
	assert.Equal(t, a.ID, *e.get(t, u, b.ID).ParentID)
	_, err = e.svc.Get(e.ctx, u, early.ID)
	assert.ErrorIs(t, err, domain.ErrNotFound, "deleted on its own before: stays deleted")
}

func restoreOrphan(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "party"})
	a := e.sub(t, u, p.ID, "cake")
	require.NoError(t, e.svc.Delete(e.ctx, u, a.ID))
	require.NoError(t, e.svc.Delete(e.ctx, u, p.ID))
	back, err := e.svc.Restore(e.ctx, u, a.ID)
	require.NoError(t, err)
	assert.Nil(t, back.ParentID, "its parent is deleted: at the top of its project")
	assert.Equal(t, p.ProjectID, back.ProjectID)
}

func noCycles(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "a"})
	c := e.sub(t, u, p.ID, "b")
	g := e.sub(t, u, c.ID, "c")
	var conflict *domain.Conflict
	_, err := e.svc.Move(e.ctx, u, p.ID, api.MoveRequest{ParentID: api.Value(g.ID)})
	require.ErrorAs(t, err, &conflict, "under its own grandchild")
	assert.Contains(t, conflict.Reason, "one of its own subtasks")
	_, err = e.svc.Move(e.ctx, u, p.ID, api.MoveRequest{ParentID: api.Value(p.ID)})
	require.ErrorAs(t, err, &conflict, "under itself")
	_, err = e.svc.Patch(e.ctx, u, p.ID, api.TaskPatch{ParentID: api.Value(c.ID), Title: str("renamed")})
	require.ErrorAs(t, err, &conflict, "by patch")
	assert.Equal(t, "a", e.get(t, u, p.ID).Title, "the failed patch changed nothing")
	assert.Nil(t, e.get(t, u, p.ID).ParentID)
}

func depthLimit(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	chain := []api.Task{e.create(t, u, api.TaskInput{Title: "level 0"})}
	for i := 1; i <= api.MaxSubtaskDepth; i++ {
		chain = append(chain, e.sub(t, u, chain[i-1].ID, "level"))
	}
	_, err := e.svc.Create(e.ctx, u, api.TaskInput{Title: "too deep", ParentID: &chain[api.MaxSubtaskDepth].ID})
	requireInvalid(t, err, "parent_id")
	// A two-level subtree under level 3 would end at level 5.
	top := e.create(t, u, api.TaskInput{Title: "other"})
	e.sub(t, u, top.ID, "its child")
	_, err = e.svc.Move(e.ctx, u, top.ID, api.MoveRequest{ParentID: api.Value(chain[3].ID)})
	requireInvalid(t, err, "parent_id")
	// Under level 2 it ends at level 4: allowed.
	e.move(t, u, top.ID, api.MoveRequest{ParentID: api.Value(chain[2].ID)})
}

func moveSubtree(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	work := e.project(t, u, "Work")
	board := e.section(t, u, work, "Board")
	p := e.create(t, u, api.TaskInput{Title: "report"})
	a := e.sub(t, u, p.ID, "figures")
	b := e.sub(t, u, a.ID, "sources")
	moved := e.move(t, u, p.ID, api.MoveRequest{ProjectID: &work, SectionID: api.Value(board)})
	assert.Equal(t, work, moved.ProjectID)
	for _, id := range []int64{a.ID, b.ID} {
		got := e.get(t, u, id)
		assert.Equal(t, work, got.ProjectID, "subtask %d follows", id)
		assert.Equal(t, board, *got.SectionID)
	}
	assert.Equal(t, a.ID, *e.get(t, u, b.ID).ParentID, "the nesting is kept")
	// A subtask cannot be put in a project its parent is not in.
	_, err := e.svc.Move(e.ctx, u, a.ID, api.MoveRequest{ProjectID: &p.ProjectID, ParentID: api.Value(p.ID)})
	requireInvalid(t, err, "parent_id")
	// Out from under its parent: the top of the same project and section.
	top := e.move(t, u, b.ID, api.MoveRequest{ParentID: api.Null[int64]()})
	assert.Nil(t, top.ParentID)
	assert.Equal(t, work, top.ProjectID)
	assert.Equal(t, board, *top.SectionID)
	// Out of the section by patch.
	out, err := e.svc.Patch(e.ctx, u, top.ID, api.TaskPatch{SectionID: api.Null[int64]()})
	require.NoError(t, err)
	assert.Nil(t, out.SectionID)
}

func reorder(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	a := e.create(t, u, api.TaskInput{Title: "a"})
	b := e.create(t, u, api.TaskInput{Title: "b"})
	c := e.create(t, u, api.TaskInput{Title: "c"})
	c2 := e.move(t, u, c.ID, api.MoveRequest{AfterID: &a.ID})
	assert.True(t, position.Less(a.Position, c2.Position) && position.Less(c2.Position, b.Position), "a < c < b: %s %s %s", a.Position, c2.Position, b.Position)
	a2 := e.move(t, u, a.ID, api.MoveRequest{BeforeID: &b.ID})
	assert.True(t, position.Less(c2.Position, a2.Position) && position.Less(a2.Position, b.Position), "c < a < b")
	b2 := e.move(t, u, b.ID, api.MoveRequest{BeforeID: &c.ID})
	assert.True(t, position.Less(b2.Position, c2.Position), "b first")
	// The untouched ones keep their keys: a move writes one row.
	assert.Equal(t, c2.Position, e.get(t, u, c.ID).Position)
	other := e.project(t, u, "Other")
	elsewhere := e.create(t, u, api.TaskInput{Title: "x", ProjectID: &other})
	_, err := e.svc.Move(e.ctx, u, a.ID, api.MoveRequest{AfterID: &elsewhere.ID})
	requireInvalid(t, err, "after_id")
	_, err = e.svc.Move(e.ctx, u, a.ID, api.MoveRequest{AfterID: &b.ID, BeforeID: &c.ID})
	requireInvalid(t, err, "after_id")
}

func archivedHidden(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	old, err := e.st.AddProject(e.ctx, u, "Old", true)
	require.NoError(t, err)
	today := e.clock.Now().Add(time.Hour).Format(time.RFC3339)
	e.create(t, u, api.TaskInput{Title: "visible", DueAt: &today})
	e.create(t, u, api.TaskInput{Title: "archived", DueAt: &today, ProjectID: &old})
	assert.Equal(t, []string{"visible"}, e.titles(t, u, tasks.ListInput{}))
	assert.Equal(t, []string{"archived"}, e.titles(t, u, tasks.ListInput{ProjectID: old}), "its own list shows it")
	sum, err := e.svc.Summary(e.ctx, u, "")
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Open)
	for _, p := range sum.Projects {
		assert.NotEqual(t, old, p.ID, "not in the sidebar's counts")
	}
	ag, err := e.svc.Agenda(e.ctx, u, tasks.AgendaInput{})
	require.NoError(t, err)
	for _, d := range ag.Days {
		for _, it := range d.Items {
			assert.NotEqual(t, "archived", it.Task.Title)
		}
	}
}

func placeIsolation(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	other := e.person(t, "", nil)
	theirs := e.project(t, other, "Theirs")
	theirSection := e.section(t, other, theirs, "S")
	theirTask := e.create(t, other, api.TaskInput{Title: "theirs"})
	mine := e.create(t, u, api.TaskInput{Title: "mine"})
	for name, m := range map[string]api.MoveRequest{
		"project": {ProjectID: &theirs},
		"section": {SectionID: api.Value(theirSection)},
		"parent":  {ParentID: api.Value(theirTask.ID)},
		"after":   {AfterID: &theirTask.ID},
	} {
		_, err := e.svc.Move(e.ctx, u, mine.ID, m)
		assert.ErrorIs(t, err, domain.ErrNotFound, name)
	}
	_, err := e.svc.Create(e.ctx, u, api.TaskInput{Title: "x", ProjectID: &theirs})
	assert.ErrorIs(t, err, domain.ErrNotFound)
	_, err = e.svc.Move(e.ctx, other, mine.ID, api.MoveRequest{ProjectID: &theirs})
	assert.ErrorIs(t, err, domain.ErrNotFound, "nor can they move mine")
	got := e.get(t, u, mine.ID)
	assert.Equal(t, mine.TaskPlace, got.TaskPlace, "nothing moved")
	assert.Equal(t, []string{"theirs"}, e.titles(t, other, tasks.ListInput{}))
}

func undoOnlyTheLastCompletion(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "p"})
	c := e.sub(t, u, p.ID, "c")
	_, err := e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	_, err = e.svc.Complete(e.ctx, u, p.ID, yes(false)) // a plain reopen: c stays done
	require.NoError(t, err)
	res, err := e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	assert.Empty(t, res.Subtasks, "c was already done: this completion closed nothing")
	res, err = e.svc.CompleteWith(e.ctx, u, p.ID, api.CompleteRequest{Completed: yes(false), Undo: true})
	require.NoError(t, err)
	assert.Empty(t, res.Subtasks)
	assert.True(t, e.get(t, u, c.ID).Completed, "the last completion did not close c: the undo leaves it")
}

func undoKeepsWorkedOccurrence(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	p := e.create(t, u, api.TaskInput{Title: "weekly", DueDate: str("2030-03-04"), Recurrence: api.RecurWeekly})
	e.sub(t, u, p.ID, "step")
	res, err := e.svc.Complete(e.ctx, u, p.ID, yes(true))
	require.NoError(t, err)
	require.NotNil(t, res.Next)
	added := e.sub(t, u, res.Next.ID, "added by hand")
	res, err = e.svc.Complete(e.ctx, u, p.ID, yes(false))
	require.NoError(t, err)
	assert.Nil(t, res.RemovedNextID, "someone worked on it: kept")
	assert.Equal(t, "added by hand", e.get(t, u, added.ID).Title, "nothing of theirs is lost")
}

func echoedPlaceStays(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	home := e.project(t, u, "Home")
	room := e.section(t, u, home, "Room")
	p := e.create(t, u, api.TaskInput{Title: "p", ProjectID: &home, SectionID: &room})
	c := e.sub(t, u, p.ID, "c")
	got, err := e.svc.Patch(e.ctx, u, c.ID, api.TaskPatch{ProjectID: &home, Title: str("c2")})
	require.NoError(t, err)
	assert.Equal(t, p.ID, *got.ParentID, "still under its parent")
	assert.Equal(t, room, *got.SectionID)
	assert.Equal(t, c.Position, got.Position)
}

func deletedSubtaskFollows(t *testing.T, e *env) {
	u := e.person(t, "", nil)
	work := e.project(t, u, "Work")
	p := e.create(t, u, api.TaskInput{Title: "p"})
	d := e.sub(t, u, p.ID, "d")
	require.NoError(t, e.svc.Delete(e.ctx, u, d.ID))
	e.move(t, u, p.ID, api.MoveRequest{ProjectID: &work})
	back, err := e.svc.Restore(e.ctx, u, d.ID)
	require.NoError(t, err)
	assert.Equal(t, work, back.ProjectID, "in its parent's project")
	assert.Equal(t, p.ID, *back.ParentID)
	_, err = e.svc.List(e.ctx, u, tasks.ListInput{ProjectID: work + 1000})
	assert.ErrorIs(t, err, domain.ErrNotFound, "a project that is not theirs")
}
