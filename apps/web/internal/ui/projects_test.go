package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
)

// projectFixture is a person with a project "Home" (a section "Garden"),
// a parent with two subtasks (one done), and two more top-level tasks.
type projectFixture struct {
	be                            *client.Client
	inbox, home                   api.Project
	garden                        api.Section
	parent, sub1, sub2, rake, mow api.Task
}

func newProjectFixture(t *testing.T, backendURL, email string) projectFixture {
	t.Helper()
	ctx := context.Background()
	f := projectFixture{be: apiClient(t, backendURL, email)}
	var err error
	f.home, err = f.be.CreateProject(ctx, api.ProjectInput{Name: "Home", Color: "green"})
	require.NoError(t, err)
	f.garden, err = f.be.CreateSection(ctx, f.home.ID, api.SectionInput{Name: "Garden"})
	require.NoError(t, err)
	mk := func(in api.TaskInput) api.Task {
		task, err := f.be.CreateTask(ctx, in)
		require.NoError(t, err)
		return task
	}
	f.parent = mk(api.TaskInput{Title: "Clean the house", ProjectID: &f.home.ID})
	f.sub1 = mk(api.TaskInput{Title: "Kitchen", ParentID: &f.parent.ID})
	f.sub2 = mk(api.TaskInput{Title: "Bathroom", ParentID: &f.parent.ID})
	_, err = f.be.CompleteTask(ctx, f.sub1.ID, nil)
	require.NoError(t, err)
	f.rake = mk(api.TaskInput{Title: "Rake leaves", ProjectID: &f.home.ID, SectionID: &f.garden.ID})
	f.mow = mk(api.TaskInput{Title: "Mow the lawn", ProjectID: &f.home.ID, SectionID: &f.garden.ID})
	list, err := f.be.ListProjects(ctx, false)
	require.NoError(t, err)
	for _, p := range list.Projects {
		if p.Inbox {
			f.inbox = p
		}
	}
	require.NotZero(t, f.inbox.ID)
	return f
}

func (f projectFixture) task(t *testing.T, id int64) api.Task {
	t.Helper()
	task, err := f.be.GetTask(context.Background(), id)
	require.NoError(t, err)
	return task
}

// siblings are the titles of the open top-level tasks of a project's
// section, in order.
func (f projectFixture) section(t *testing.T, project, section int64) []string {
	t.Helper()
	tree, err := f.be.ProjectTree(context.Background(), project, "")
	require.NoError(t, err)
	var out []string
	for _, s := range tree.Sections {
		if s.ID == section {
			for _, task := range s.Tasks {
				out = append(out, task.Title)
			}
		}
	}
	return out
}

// nestedIn says whether the row of task child is inside the <li> of task
// parent in the page's HTML.
func nestedIn(body string, parent, child int64) bool {
	start := strings.Index(body, fmt.Sprintf(`id="task-%d"`, parent))
	if start < 0 {
		return false
	}
	depth := 1
	want := fmt.Sprintf(`id="task-%d"`, child)
	for _, m := range regexp.MustCompile(`<li\b|</li>|id="task-\d+"`).FindAllString(body[start+1:], -1) {
		switch {
		case m == "</li>":
			if depth--; depth == 0 {
				return false
			}
		case m == want:
			return true
		case m != "</li>" && strings.HasPrefix(m, "<li"):
			depth++
		}
	}
	return false
}

func TestProjectSidebarAndPage(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("projects@example.com")
	f := newProjectFixture(t, s.Backend.URL, "projects@example.com")
	home := fmt.Sprintf("/projects/%d", f.home.ID)

	// The sidebar, on every page: Inbox, Today, Upcoming, then the
	// projects with their open counts, the other destinations after.
	for _, path := range []string{"/", "/tasks", "/today", "/settings", home} {
		p := b.get(path)
		require.Equal(t, http.StatusOK, p.Status, path)
		nav := regexp.MustCompile(`(?s)<nav id="sidebar".*?</nav>`).FindString(p.Body)
		require.NotEmpty(t, nav, "%s has the sidebar", path)
		assert.Regexp(t, `Inbox .*Today .*Upcoming .*Projects .*Home 4 open .*Add project .*Dashboard .*All tasks .*Calendar .*Settings`, text(nav), path)
		assert.Contains(t, nav, `dot-green`, path)
	}
	// A new project's colour is chosen in the sidebar's form.
	p := b.post("/", "/projects", url.Values{"name": {"Shed"}, "color": {"teal"}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	list, err := f.be.ListProjects(context.Background(), false)
	require.NoError(t, err)
	colors := map[string]string{}
	for _, pr := range list.Projects {
		colors[pr.Name] = pr.Color
	}
	assert.Equal(t, "teal", colors["Shed"])
	assert.Contains(t, b.get("/").Body, `<select id="new-project-color" name="color">`)

	p = b.get(home)
	assert.Regexp(t, `<a href="`+home+`"[^>]*aria-current="page"`, p.Body, "the sidebar marks the project shown")

	// The project's page: its tasks, the section with its own, the
	// subtask under its parent (the done one hidden but counted).
	body := text(p.Body)
	assert.Contains(t, p.Body, "<h1>")
	assert.Regexp(t, `Clean the house .*1/2 subtasks done .*Bathroom .*Garden .*Rake leaves .*Mow the lawn`, body)
	assert.NotContains(t, body, "Kitchen", "done subtasks are hidden")
	assert.True(t, nestedIn(p.Body, f.parent.ID, f.sub2.ID), "the subtask is an item of a list inside its parent's item")
	assert.False(t, nestedIn(p.Body, f.parent.ID, f.rake.ID))
	assert.Regexp(t, fmt.Sprintf(`(?s)id="task-%d".*<details class="subtree" open>.*id="task-%d"`, f.parent.ID, f.sub2.ID), p.Body, "collapsible")
	assert.Contains(t, text(b.get(home+"?done=1").Body), "Kitchen", "shown on request")

	// Add a task to the section and a subtask, through the page's forms.
	p = b.post(home, home+"/tasks", url.Values{"title": {"Water the roses"}, "section_id": {fmt.Sprint(f.garden.ID)}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, []string{"Rake leaves", "Mow the lawn", "Water the roses"}, f.section(t, f.home.ID, f.garden.ID))
	p = b.post(home, home+"/tasks", url.Values{"title": {"Windows"}, "parent_id": {fmt.Sprint(f.parent.ID)}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	windows := taskByTitle(t, f.be, "Windows")
	require.NotNil(t, windows.ParentID)
	assert.Equal(t, f.parent.ID, *windows.ParentID)
	assert.Contains(t, text(b.get(home).Body), "1/3 subtasks done")

	// Today and Upcoming name each task's project, but the Inbox's.
	today := time.Now().UTC().Format(time.DateOnly)
	_, err = f.be.CreateTask(context.Background(), api.TaskInput{Title: "Buy bulbs", DueDate: &today, ProjectID: &f.home.ID})
	require.NoError(t, err)
	_, err = f.be.CreateTask(context.Background(), api.TaskInput{Title: "Call the bank", DueDate: &today})
	require.NoError(t, err)
	for _, view := range []string{"/today", "/upcoming"} {
		p = b.get(view)
		require.Equal(t, http.StatusOK, p.Status)
		assert.Regexp(t, `Buy bulbs .*Project: Home`, text(rowRe("Buy bulbs").FindString(p.Body)), view)
		assert.NotContains(t, text(rowRe("Call the bank").FindString(p.Body)), "Project:", "%s: no label for the Inbox", view)
	}

	// A row edited in place comes back with its label too.
	bulbs := taskByTitle(t, f.be, "Buy bulbs")
	p = b.post("/today", fmt.Sprintf("/tasks/%d/inline", bulbs.ID), url.Values{"title": {"Buy tulip bulbs"}, "due_date": {today}, "priority": {"low"}})
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	assert.Contains(t, p.Body, `Project: \u003c/span\u003eHome`)

	// Add a project from the sidebar, then a section.
	p = b.post("/", "/projects", url.Values{"name": {"Work"}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	require.Regexp(t, `^/projects/\d+$`, p.Location)
	p = b.get(p.Location)
	assert.Contains(t, text(p.Body), "Added the project “Work”.")
	assert.Regexp(t, `Home 7 open .*Work`, text(regexp.MustCompile(`(?s)<nav id="sidebar".*?</nav>`).FindString(p.Body)))
}

func TestProjectKeyboardMoves(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("moves@example.com")
	f := newProjectFixture(t, s.Backend.URL, "moves@example.com")
	home := fmt.Sprintf("/projects/%d", f.home.ID)
	// press submits a row's move button as the page renders it.
	press := func(id int64, label string, extra url.Values) page {
		t.Helper()
		p := b.get(home)
		row := regexp.MustCompile(fmt.Sprintf(`(?s)<form method="post" action="/tasks/%d/move".*?</form>`, id)).FindString(p.Body)
		require.NotEmpty(t, row, "task %d has its move buttons", id)
		m := regexp.MustCompile(`<button type="submit" name="to" value="([^"]+)">` + regexp.QuoteMeta(label) + `</button>`).FindStringSubmatch(row)
		require.NotNil(t, m, "task %d has %q", id, label)
		form := url.Values{"to": {m[1]}, "next": {home}}
		for k, v := range extra {
			form[k] = v
		}
		p = b.post(home, fmt.Sprintf("/tasks/%d/move", id), form)
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		return b.get(home)
	}

	// Move up, then down: the section's order on the server.
	p := press(f.mow.ID, "Move up", nil)
	assert.Equal(t, []string{"Mow the lawn", "Rake leaves"}, f.section(t, f.home.ID, f.garden.ID))
	assert.Contains(t, text(p.Body), "Moved “Mow the lawn” up.", "said in the status message")
	press(f.mow.ID, "Move down", nil)
	assert.Equal(t, []string{"Rake leaves", "Mow the lawn"}, f.section(t, f.home.ID, f.garden.ID))

	// Indent: Mow goes under Rake, its previous sibling.
	p = press(f.mow.ID, "Indent", nil)
	mow := f.task(t, f.mow.ID)
	require.NotNil(t, mow.ParentID, "indented")
	assert.Equal(t, f.rake.ID, *mow.ParentID)
	assert.Contains(t, text(p.Body), "“Mow the lawn” is now a subtask, under “Rake leaves”.")
	// Outdent from the third level lands under the grandparent, right
	// after the former parent.
	hedge, err := f.be.CreateTask(context.Background(), api.TaskInput{Title: "Trim the hedge", ParentID: &f.mow.ID})
	require.NoError(t, err)
	press(hedge.ID, "Outdent", nil)
	require.NotNil(t, f.task(t, hedge.ID).ParentID)
	assert.Equal(t, f.rake.ID, *f.task(t, hedge.ID).ParentID)
	tree, err := f.be.ProjectTree(context.Background(), f.home.ID, "")
	require.NoError(t, err)
	require.Len(t, tree.Sections, 1)
	require.Len(t, tree.Sections[0].Tasks, 1)
	var under []string
	for _, st := range tree.Sections[0].Tasks[0].Subtasks {
		under = append(under, st.Title)
	}
	assert.Equal(t, []string{"Mow the lawn", "Trim the hedge"}, under)
	// Outdent: back to the top level, right after its former parent.
	press(f.mow.ID, "Outdent", nil)
	mow = f.task(t, f.mow.ID)
	assert.Nil(t, mow.ParentID, "outdented")
	require.NotNil(t, mow.SectionID)
	assert.Equal(t, f.garden.ID, *mow.SectionID, "still in its section")
	assert.Equal(t, []string{"Rake leaves", "Mow the lawn"}, f.section(t, f.home.ID, f.garden.ID))

	// Move to project: the Inbox, at its top level, subtasks along.
	press(f.parent.ID, "Move", url.Values{"dest": {fmt.Sprintf("project:%d", f.inbox.ID)}})
	moved := f.task(t, f.parent.ID)
	assert.Equal(t, f.inbox.ID, moved.ProjectID)
	assert.Equal(t, f.inbox.ID, f.task(t, f.sub2.ID).ProjectID, "its subtask moved with it")

	// Move to a section, from the same select: Bathroom (in the Inbox
	// now, under its parent) to Home › Garden, last, at its top level.
	p = b.get(fmt.Sprintf("/projects/%d", f.inbox.ID))
	assert.Contains(t, p.Body, fmt.Sprintf(`<option value="section:%d">Home › Garden</option>`, f.garden.ID), "sections are destinations too")
	p = b.post(home, fmt.Sprintf("/tasks/%d/move", f.sub2.ID), url.Values{"to": {"project:dest:0"}, "dest": {fmt.Sprintf("section:%d", f.garden.ID)}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	assert.Contains(t, text(b.get(home).Body), "Moved “Bathroom” to “Home › Garden”.")
	bath := f.task(t, f.sub2.ID)
	assert.Nil(t, bath.ParentID)
	require.NotNil(t, bath.SectionID)
	assert.Equal(t, f.garden.ID, *bath.SectionID)
	assert.Equal(t, []string{"Rake leaves", "Mow the lawn", "Bathroom"}, f.section(t, f.home.ID, f.garden.ID))

	// A refusal is the backend's words in the status message: under its
	// own subtask.
	p = b.post(home, fmt.Sprintf("/tasks/%d/move", f.rake.ID), url.Values{"to": {fmt.Sprintf("drop:under:%d", hedge.ID)}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	assert.Regexp(t, `Not moved: .*one of its own subtasks`, text(b.get(home).Body))
	assert.Nil(t, f.task(t, f.rake.ID).ParentID, "nothing changed")
}

func TestProjectRenameArchiveDeleteUndo(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("lifecycle@example.com")
	f := newProjectFixture(t, s.Backend.URL, "lifecycle@example.com")
	ctx := context.Background()
	home := fmt.Sprintf("/projects/%d", f.home.ID)
	today := time.Now().UTC().Format(time.DateOnly)
	_, err := f.be.CreateTask(ctx, api.TaskInput{Title: "Buy bulbs", DueDate: &today, ProjectID: &f.home.ID})
	require.NoError(t, err)

	// Rename and recolour.
	p := b.post(home, home, url.Values{"name": {"House"}, "color": {"blue"}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	pr, err := f.be.GetProject(ctx, f.home.ID)
	require.NoError(t, err)
	assert.Equal(t, "House", pr.Name)
	assert.Equal(t, "blue", pr.Color)
	assert.Contains(t, text(b.get(home).Body), "Saved the project “House”.")

	// Archive: out of the sidebar and of Today, with an undo.
	p = b.post(home, home+"/archive", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	pr, err = f.be.GetProject(ctx, f.home.ID)
	require.NoError(t, err)
	assert.True(t, pr.Archived)
	p = b.get("/today")
	assert.Contains(t, text(p.Body), "Archived “House”")
	assert.Contains(t, text(p.Body), "Undo archiving the project")
	assert.NotContains(t, text(p.Body), "Buy bulbs", "its tasks are out of Today")
	side := regexp.MustCompile(`(?s)<nav id="sidebar".*?</nav>`).FindString(p.Body)
	live := regexp.MustCompile(`(?s)aria-labelledby="side-projects">.*?</ul>`).FindString(side)
	assert.NotContains(t, live, "House", "not among the live projects")
	archived := regexp.MustCompile(`(?s)<details class="side-archived".*?</details>`).FindString(side)
	assert.Contains(t, archived, "Archived (1)", "found folded apart, to unarchive")
	assert.Contains(t, archived, fmt.Sprintf(`href="/projects/%d"`, f.home.ID))
	p = b.post("/today", "/projects/undo", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	pr, err = f.be.GetProject(ctx, f.home.ID)
	require.NoError(t, err)
	assert.False(t, pr.Archived, "undone")
	assert.Contains(t, text(b.get("/today").Body), "Buy bulbs")

	// Delete, with its tasks; undo brings it all back.
	p = b.post(home, home+"/delete", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	_, err = f.be.GetProject(ctx, f.home.ID)
	require.Error(t, err, "deleted")
	p = b.get("/inbox")
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get(p.Location)
	assert.Contains(t, text(p.Body), "Deleted “House” with its tasks.")
	assert.Contains(t, text(p.Body), "Undo deleting the project", "the button says what it undoes")
	p = b.post("/today", "/projects/undo", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, home, p.Location)
	assert.Contains(t, text(b.get(home).Body), "Clean the house", "its tasks are back")

	// The Inbox offers no archive or delete; a forged one is refused
	// with the backend's words.
	inbox := fmt.Sprintf("/projects/%d", f.inbox.ID)
	p = b.get(inbox)
	assert.NotContains(t, p.Body, inbox+"/archive")
	assert.NotContains(t, p.Body, inbox+"/delete")
	p = b.post(inbox, inbox+"/delete", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	assert.Regexp(t, `Not deleted: .*[Ii]nbox`, text(b.get(p.Location).Body))
	_, err = f.be.GetProject(ctx, f.inbox.ID)
	require.NoError(t, err, "still there")
}

func TestProjectSectionsAndListOrder(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("sections@example.com")
	f := newProjectFixture(t, s.Backend.URL, "sections@example.com")
	ctx := context.Background()
	home := fmt.Sprintf("/projects/%d", f.home.ID)
	work, err := f.be.CreateProject(ctx, api.ProjectInput{Name: "Work"})
	require.NoError(t, err)
	order := func() []string {
		list, err := f.be.ListProjects(ctx, false)
		require.NoError(t, err)
		var out []string
		for _, p := range list.Projects {
			out = append(out, p.Name)
		}
		return out
	}
	inbox := f.inbox.Name
	require.Equal(t, []string{inbox, "Home", "Work"}, order())

	// A project moves down and back up the sidebar; the Inbox stays first.
	p := b.get(home)
	assert.NotContains(t, p.Body, "Move up the list", "Home is first after the Inbox")
	p = b.post(home, home+"/move", url.Values{"to": {fmt.Sprintf("after:%d", work.ID)}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, []string{inbox, "Work", "Home"}, order())
	p = b.get(home)
	assert.Contains(t, text(p.Body), "Moved “Home” down in the list.")
	m := regexp.MustCompile(`name="to" value="([^"]+)">Move up the list`).FindStringSubmatch(p.Body)
	require.NotNil(t, m, "now it can go up")
	b.post(home, home+"/move", url.Values{"to": {m[1]}, "next": {home}})
	assert.Equal(t, []string{inbox, "Home", "Work"}, order())

	// Rename a section; delete it with its tasks, then undo.
	sec := fmt.Sprintf("/sections/%d", f.garden.ID)
	p = b.post(home, sec, url.Values{"name": {"Yard"}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	tree, err := f.be.ProjectTree(ctx, f.home.ID, "")
	require.NoError(t, err)
	require.Len(t, tree.Sections, 1)
	assert.Equal(t, "Yard", tree.Sections[0].Name)
	p = b.post(home, sec+"/delete", url.Values{"name": {"Yard"}, "next": {home}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	p = b.get(home)
	assert.Contains(t, text(p.Body), "Deleted the section “Yard” with its tasks.")
	assert.NotContains(t, text(p.Body), "Rake leaves")
	p = b.post(home, "/projects/undo", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, home, p.Location)
	assert.Equal(t, []string{"Rake leaves", "Mow the lawn"}, f.section(t, f.home.ID, f.garden.ID), "back with its tasks")
}
