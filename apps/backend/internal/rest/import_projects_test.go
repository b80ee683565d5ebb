package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/position"
)

// outline writes a project's tree one task a line, indented by level
// under its section's name, checking on the way that the positions of
// each list increase (the order is the positions').
func outline(t *testing.T, tree api.TaskTree) []string {
	t.Helper()
	var out []string
	var walk func(tasks []api.TreeTask, indent string)
	walk = func(tasks []api.TreeTask, indent string) {
		for i, task := range tasks {
			if i > 0 {
				assert.True(t, position.Less(tasks[i-1].Position, task.Position), "%q before %q", tasks[i-1].Title, task.Title)
			}
			out = append(out, indent+task.Title)
			walk(task.Subtasks, indent+"  ")
		}
	}
	walk(tree.Tasks, "")
	for _, s := range tree.Sections {
		out = append(out, "# "+s.Name)
		walk(s.Tasks, "")
	}
	return out
}

// importedProject is the one project besides the Inbox.
func importedProject(t *testing.T, c *client.Client) api.Project {
	t.Helper()
	list, err := c.ListProjects(context.Background(), true)
	require.NoError(t, err)
	require.Len(t, list.Projects, 2, "the Inbox and one imported project: %+v", list.Projects)
	return list.Projects[1]
}

// importNamed posts a Todoist file with a project_name (the Go client
// does not send one).
func importNamed(t *testing.T, b *testenv.Backend, auth api.AuthResponse, file []byte, name string) (int, api.ImportReport) {
	t.Helper()
	q := url.Values{"format": {api.FormatTodoistCSV}, "project_name": {name}}
	req, err := http.NewRequest(http.MethodPost, b.URL+"/api/"+auth.User.ID+"/import?"+q.Encode(), bytes.NewReader(file))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+auth.Token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var rep api.ImportReport
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&rep))
	}
	return resp.StatusCode, rep
}

// A Todoist template as Todoist writes it (testdata/todoist-template.csv:
// every column, the meta row, sections with empty rows between them,
// INDENT down past our four levels, notes, labels, a date in French)
// becomes one project with its sections in order, its tasks nested and
// in file order; what has no field here is kept in the description.
func TestTodoistTemplateBecomesAProject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, auth := b.SignUp(t, "ada@example.com")
	file, err := os.ReadFile("testdata/todoist-template.csv")
	require.NoError(t, err)

	preview, err := ada.Import(ctx, api.FormatTodoistCSV, true, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Empty(t, preview.Errors, "the meta row is accepted")
	assert.Equal(t, []int{10, 1, 3}, []int{preview.TasksCreated, preview.ProjectsCreated, preview.SectionsCreated})
	list, err := ada.ListProjects(ctx, true)
	require.NoError(t, err)
	assert.Len(t, list.Projects, 1, "a preview makes no project")

	status, rep := importNamed(t, b, auth, file, "Moving house")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []int{10, 1, 3}, []int{rep.TasksCreated, rep.ProjectsCreated, rep.SectionsCreated})
	assert.Equal(t, []string{
		"1 task was assigned to someone: the assignee is kept in its description",
		"2 tasks had a duration: it is kept in their descriptions",
		"2 tasks had a deadline: it is kept in their descriptions",
		"1 sub-task was nested deeper than the 4 levels kept here: it was put at the deepest level",
		"1 task's date is not in English (DATE_LANG): it was imported without a date, the date kept in its description",
	}, rep.Notes)
	p := importedProject(t, ada)
	assert.Equal(t, "Moving house", p.Name, "project_name names the project")
	tree, err := ada.ProjectTree(ctx, p.ID, "all")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"Plan the move",
		"  Book the van",
		"    Compare prices",
		"      Call three companies",
		"        Write down the quotes",
		"        Too deep for us",
		"Pack the books",
		"# Paperwork",
		"Change the address",
		"  Tell the bank",
		"# Nothing here yet",
		"# Last day",
		"Hand over the keys",
	}, outline(t, tree), "sections in order, INDENT nests (6 hangs at the deepest level), file order kept")

	tasks := byTitle(t, ada)
	plan := tasks["Plan the move"]
	assert.Equal(t, []string{"home"}, plan.Tags, "@labels become tags")
	assert.Equal(t, "high", plan.Priority, "PRIORITY 1 is p1, the highest")
	assert.Equal(t, "2031-06-01", dueDateOf(plan))
	assert.Equal(t, "Boxes first\n\nAsk for the keys", plan.Description, "a note row joins its task's description")
	van := tasks["Book the van"]
	assert.Equal(t, "medium", van.Priority, "PRIORITY 2 is p2")
	assert.Equal(t, "Responsible: Bob (14781401)\nDuration: 120 minute\nDeadline: 2031-05-30", van.Description,
		"RESPONSIBLE, DURATION with DURATION_UNIT and DEADLINE are kept in the description")
	assert.Equal(t, "2031-06-01T06:00:00Z", van.DueAt.UTC().Format("2006-01-02T15:04:05Z07:00"), "08:00 in the row's TIMEZONE")
	assert.Equal(t, "low", tasks["Compare prices"].Priority, "PRIORITY 3 is p3")
	addr := tasks["Change the address"]
	assert.Nil(t, addr.DueAt, "a date in French is not read: the task is undated")
	assert.Equal(t, "Deadline: 15 juin (fr)\nDate (fr): 1 juin 2031", addr.Description, "with its date and deadline kept")
	assert.Equal(t, []string{"admin", "post"}, addr.Tags)
	assert.Equal(t, "Change the address", addr.Title, "the labels leave the title")
	assert.Equal(t, "weekly", tasks["Pack the books"].Recurrence)
	assert.Equal(t, "medium", tasks["Hand over the keys"].Priority, "an empty PRIORITY is medium")

	// Renamed, and imported again under another name: nothing new.
	_, err = ada.PatchProject(ctx, p.ID, api.ProjectPatch{Name: ptr("Our move")})
	require.NoError(t, err)
	status, again := importNamed(t, b, auth, file, "Moving house again")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []int{0, 10, 0, 0}, []int{again.TasksCreated, again.TasksSkipped, again.ProjectsCreated, again.SectionsCreated})
	again, err = ada.Import(ctx, api.FormatTodoistCSV, false, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 10, 0, 0}, []int{again.TasksCreated, again.TasksSkipped, again.ProjectsCreated, again.SectionsCreated})
	assert.Equal(t, "Our move", importedProject(t, ada).Name, "still one project, with the name it was given")

	// The file with a row added: the row joins the project, in its section.
	grown := append(bytes.Clone(file), []byte("task,Return the van,,4,1,Ada (14781400),,,,,,,,\n")...)
	more, err := ada.Import(ctx, api.FormatTodoistCSV, false, bytes.NewReader(grown))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 10, 0, 0}, []int{more.TasksCreated, more.TasksSkipped, more.ProjectsCreated, more.SectionsCreated})
	tree, err = ada.ProjectTree(ctx, p.ID, "all")
	require.NoError(t, err)
	got := outline(t, tree)
	assert.Equal(t, []string{"# Last day", "Hand over the keys", "Return the van"}, got[len(got)-3:])
}

// A file imported before imports made projects (its tasks are in the
// Inbox) imported again adds nothing: no empty project either.
func TestTodoistImportedBeforeProjectsAddsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	file := "TYPE,CONTENT,PRIORITY,INDENT\nsection,Home,,\ntask,Buy milk,2,1\n"
	rep, err := ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(file))
	require.NoError(t, err)
	require.Equal(t, 1, rep.ProjectsCreated)
	p := importedProject(t, ada)
	// As an import before projects left it: the task in the Inbox, the
	// project never made.
	tree, err := ada.ProjectTree(ctx, p.ID, "all")
	require.NoError(t, err)
	milk := tree.Sections[0].Tasks[0]
	list, err := ada.ListProjects(ctx, false)
	require.NoError(t, err)
	_, err = ada.MoveTask(ctx, milk.ID, api.MoveRequest{ProjectID: &list.Projects[0].ID})
	require.NoError(t, err)
	_, err = b.App.Store.DB.ExecContext(ctx, "DELETE FROM sections WHERE project_id = ?", p.ID)
	require.NoError(t, err)
	_, err = b.App.Store.DB.ExecContext(ctx, "DELETE FROM projects WHERE id = ?", p.ID)
	require.NoError(t, err)

	again, err := ada.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 0, 0}, []int{again.TasksCreated, again.TasksSkipped, again.ProjectsCreated, again.SectionsCreated})
	list, err = ada.ListProjects(ctx, true)
	require.NoError(t, err)
	assert.Len(t, list.Projects, 1, "only the Inbox")
}

// outlines is every project's outline, by name ("Inbox" for the Inbox),
// with its colour and whether it is archived.
func outlines(t *testing.T, c *client.Client) map[string][]string {
	t.Helper()
	ctx := context.Background()
	list, err := c.ListProjects(ctx, true)
	require.NoError(t, err)
	out := map[string][]string{}
	for _, p := range list.Projects {
		tree, err := c.ProjectTree(ctx, p.ID, "all")
		require.NoError(t, err)
		name := p.Name
		if p.Inbox {
			name = "Inbox"
		}
		out[name] = append([]string{p.Color + map[bool]string{true: " archived"}[p.Archived]}, outline(t, tree)...)
	}
	return out
}

// Our JSON export carries the projects, sections, subtasks and order: a
// round trip through another account gives the same structure and the
// same file (apart from ids), and importing it again makes nothing.
func TestExportImportRoundTripProjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")

	home, err := ada.CreateProject(ctx, api.ProjectInput{Name: "Home", Color: "green"})
	require.NoError(t, err)
	work, err := ada.CreateProject(ctx, api.ProjectInput{Name: "Work", Color: "blue"})
	require.NoError(t, err)
	kitchen, err := ada.CreateSection(ctx, home.ID, api.SectionInput{Name: "Kitchen"})
	require.NoError(t, err)
	_, err = ada.CreateSection(ctx, home.ID, api.SectionInput{Name: "Garden"})
	require.NoError(t, err)
	add := func(title string, project int64, section, parent *int64) api.Task {
		t.Helper()
		task, err := ada.CreateTask(ctx, api.TaskInput{Title: title, ProjectID: &project, SectionID: section, ParentID: parent})
		require.NoError(t, err)
		return task
	}
	clean := add("Clean", home.ID, &kitchen.ID, nil)
	oven := add("Oven", home.ID, &kitchen.ID, &clean.ID)
	add("Racks", home.ID, &kitchen.ID, &oven.ID)
	first := add("Dishes", home.ID, nil, nil)
	second := add("Laundry", home.ID, nil, nil)
	// Laundry before Dishes: a position between, not the id order.
	_, err = ada.MoveTask(ctx, second.ID, api.MoveRequest{BeforeID: &first.ID})
	require.NoError(t, err)
	// A subtask older than its parent: the file names a parent that
	// comes after it.
	child := add("Write the summary", work.ID, nil, nil)
	parent := add("Quarterly report", work.ID, nil, nil)
	_, err = ada.MoveTask(ctx, child.ID, api.MoveRequest{ParentID: api.Value(parent.ID)})
	require.NoError(t, err)
	_, err = ada.PatchProject(ctx, work.ID, api.ProjectPatch{Archived: ptr(true)})
	require.NoError(t, err)
	_, err = ada.CreateTask(ctx, api.TaskInput{Title: "Loose end"})
	require.NoError(t, err)

	want := map[string][]string{
		"Inbox": {"grey", "Loose end"},
		"Home":  {"green", "Laundry", "Dishes", "# Kitchen", "Clean", "  Oven", "    Racks", "# Garden"},
		"Work":  {"blue archived", "Quarterly report", "  Write the summary"},
	}
	require.Equal(t, want, outlines(t, ada))

	file := exportOf(t, ada, api.FormatJSON)
	rep, err := bob.Import(ctx, api.FormatJSON, false, bytes.NewReader(file))
	require.NoError(t, err, "%+v", rep)
	assert.Equal(t, []int{8, 2, 2}, []int{rep.TasksCreated, rep.ProjectsCreated, rep.SectionsCreated})
	assert.Equal(t, want, outlines(t, bob), "bob has ada's projects, sections, subtasks and order")
	assert.Equal(t, comparable(t, file), comparable(t, exportOf(t, bob, api.FormatJSON)), "and exports the same file")

	again, err := bob.Import(ctx, api.FormatJSON, false, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 8, 0, 0}, []int{again.TasksCreated, again.TasksSkipped, again.ProjectsCreated, again.SectionsCreated})
	own, err := ada.Import(ctx, api.FormatJSON, false, bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 8, 0, 0}, []int{own.TasksCreated, own.TasksSkipped, own.ProjectsCreated, own.SectionsCreated})
	assert.Equal(t, want, outlines(t, bob))
	assert.Equal(t, want, outlines(t, ada))

	// Bob deletes the Home project he imported: importing the file again
	// brings back nothing, and makes no empty project (found by a cold
	// review: every import made another).
	bobs, err := bob.ListProjects(ctx, true)
	require.NoError(t, err)
	for _, p := range bobs.Projects {
		if p.Name == "Home" {
			require.NoError(t, bob.DeleteProject(ctx, p.ID))
		}
	}
	for range 2 {
		after, err := bob.Import(ctx, api.FormatJSON, false, bytes.NewReader(file))
		require.NoError(t, err)
		assert.Equal(t, []int{0, 0, 0}, []int{after.TasksCreated, after.ProjectsCreated, after.SectionsCreated})
	}
	bobs, err = bob.ListProjects(ctx, true)
	require.NoError(t, err)
	var names []string
	for _, p := range bobs.Projects {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"Inbox", "Work"}, names, "Home stays deleted")
}

// A hand-made file that nests a task under itself, under a cycle or too
// deep is refused, naming the row and parent_key; a task naming a
// project or section the file does not have, too.
func TestImportRefusesBadNesting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, _ := b.SignUp(t, "ada@example.com")
	task := func(key, parent string) string {
		return `{"key":"` + key + `","title":"` + key + `","priority":"medium","parent_key":"` + parent + `"}`
	}
	chain := []string{task("a", ""), task("b", "a"), task("c", "b"), task("d", "c"), task("e", "d")}
	file := func(tasks ...string) string {
		return `{"kind":"todo-app-export","version":2,"tasks":[` + strings.Join(tasks, ",") + `]}`
	}
	rep, err := ada.Import(ctx, api.FormatJSON, false, strings.NewReader(file(chain...)))
	require.NoError(t, err, "four levels below a top-level task: %+v", rep)

	for name, tc := range map[string]struct {
		tasks []string
		want  []api.ImportError
	}{
		"five levels": {append(chain, task("f", "e")),
			[]api.ImportError{{In: "tasks", Row: 6, Field: "parent_key", Message: "puts the task more than 4 levels below a top-level task, or under itself"}}},
		"itself": {[]string{task("x", "x")},
			[]api.ImportError{{In: "tasks", Row: 1, Field: "parent_key", Message: "puts the task more than 4 levels below a top-level task, or under itself"}}},
		"cycle": {[]string{task("x", "y"), task("y", "x")}, []api.ImportError{
			{In: "tasks", Row: 1, Field: "parent_key", Message: "puts the task more than 4 levels below a top-level task, or under itself"},
			{In: "tasks", Row: 2, Field: "parent_key", Message: "puts the task more than 4 levels below a top-level task, or under itself"}}},
		"project": {[]string{`{"key":"p","title":"p","priority":"medium","project_key":"nowhere"}`},
			[]api.ImportError{{In: "tasks", Row: 1, Field: "project_key", Message: "is not the key of one of the file's projects (they come before the tasks)"}}},
		"section": {[]string{`{"key":"s","title":"s","priority":"medium","section_key":"nowhere"}`},
			[]api.ImportError{{In: "tasks", Row: 1, Field: "section_key", Message: "is not the key of one of the file's sections (they come before the tasks)"}}},
	} {
		rep, err := ada.Import(ctx, api.FormatJSON, true, strings.NewReader(file(tc.tasks...)))
		require.NoError(t, err, name)
		assert.Equal(t, tc.want, rep.Errors, name)
	}
}
