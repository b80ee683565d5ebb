package ui

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/websession"
)

// treeRow is a task of a project's page with what its row offers: its
// subtasks, their progress, and the neighbours the keyboard moves name.
type treeRow struct {
	Subtasks []taskRow
	// Done and Total count its direct subtasks ("1/2"), the completed
	// ones too, which the page hides unless asked.
	Done, Total int
	// Prev and Next are its visible siblings (0 for none): "Move up" goes
	// before Prev, "Move down" after Next, "Indent" under Prev.
	Prev, Next int64
	// Level is 1 for a top-level task; CanIndent says whether one more
	// level is allowed below Prev (the backend refuses it anyway; the
	// button is not offered).
	Level     int
	CanIndent bool
}

type sectionView struct {
	api.Section
	Tasks []taskRow
}

type projectView struct {
	Project api.Project
	// Above and Below are its neighbours in the sidebar (0: none; the
	// Inbox stays first).
	Above, Below int64
	Tasks        []taskRow
	Sections     []sectionView
	// ShowDone shows completed tasks too (?done=1).
	ShowDone bool
	Here     string
	Colors   []string
}

func projectID(c *fiber.Ctx) (int64, error) { return pathID(c, "project") }

// projectPage shows a project as its tree: the tasks outside any section,
// then each section's, subtasks under their parents. One call with the
// completed tasks too, so a parent's progress counts its done subtasks.
func (h *Handler) projectPage(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	tree, err := h.asUser(c).ProjectTree(c.UserContext(), id, "all")
	if err != nil {
		return err
	}
	v := projectView{Project: tree.Project, ShowDone: c.Query("done") != "", Here: websession.SafeNext(c.OriginalURL()),
		Colors: api.ProjectColors()}
	p := h.page(c, tree.Project.Name, "project", nil)
	p.ProjectID = tree.Project.ID
	if tree.Project.Inbox {
		p.Nav = "inbox"
	}
	v.Tasks = rowsOf(tree.Tasks, 1, v.ShowDone, p, v.Here)
	for _, s := range tree.Sections {
		v.Sections = append(v.Sections, sectionView{Section: s.Section, Tasks: rowsOf(s.Tasks, 1, v.ShowDone, p, v.Here)})
	}
	for i, pr := range p.Projects {
		if pr.ID != tree.Project.ID || pr.Inbox {
			continue
		}
		if i > 0 && !p.Projects[i-1].Inbox {
			v.Above = p.Projects[i-1].ID
		}
		if i+1 < len(p.Projects) {
			v.Below = p.Projects[i+1].ID
		}
	}
	p.Data = v
	return h.render(c, fiber.StatusOK, "project", p)
}

// rowsOf turns one level of the tree into rows, hiding completed tasks
// unless showDone.
func rowsOf(tasks []api.TreeTask, level int, showDone bool, p page, next string) []taskRow {
	var out []taskRow
	for _, t := range tasks {
		if t.Completed && !showDone {
			continue
		}
		tr := &treeRow{Level: level, Subtasks: nil}
		for _, s := range t.Subtasks {
			tr.Total++
			if s.Completed {
				tr.Done++
			}
		}
		tr.Subtasks = rowsOf(t.Subtasks, level+1, showDone, p, next)
		out = append(out, taskRow{T: t.Task, P: p, Next: next, Tree: tr})
	}
	for i := range out {
		if i > 0 {
			out[i].Tree.Prev = out[i-1].T.ID
			// Under Prev the task and its own subtasks go one level down.
			out[i].Tree.CanIndent = level+1+height(out[i].Tree) <= api.MaxSubtaskDepth+1
		}
		if i+1 < len(out) {
			out[i].Tree.Next = out[i+1].T.ID
		}
	}
	return out
}

// height is how many levels of subtasks a row has below it (shown ones).
func height(t *treeRow) int {
	h := 0
	for _, s := range t.Subtasks {
		h = max(h, 1+height(s.Tree))
	}
	return h
}

// inbox sends to the person's Inbox, wherever its id is.
func (h *Handler) inbox(c *fiber.Ctx) error {
	list, err := h.asUser(c).ListProjects(c.UserContext(), false)
	if err != nil {
		return err
	}
	for _, p := range list.Projects {
		if p.Inbox {
			return c.Redirect(fmt.Sprintf("/projects/%d", p.ID), fiber.StatusSeeOther)
		}
	}
	return apierror.NotFound("inbox")
}

// backTo is where a project form returns: its next field when safe, the
// project's page otherwise.
func backTo(c *fiber.Ctx, id int64) string {
	if n := c.FormValue("next"); n != "" {
		return websession.SafeNext(n)
	}
	return fmt.Sprintf("/projects/%d", id)
}

// refused turns a 4xx from the backend into a flash with its words (a
// refused move, a name too long) and reports whether it did; other
// errors are the error page's.
func refused(c *fiber.Ctx, what string, err error) bool {
	e, ok := apierror.As(err)
	if !ok || e.Status < 400 || e.Status >= 500 || e.Status == fiber.StatusUnauthorized {
		return false
	}
	msg := e.Message
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strings.ReplaceAll(k, "_", " ") + " " + e.Fields[k]
		}
		msg = strings.Join(parts, "; ")
	}
	setFlash(c, what+": "+msg)
	return true
}

func (h *Handler) createProject(c *fiber.Ctx) error {
	name := strings.TrimSpace(c.FormValue("name"))
	pr, err := h.asUser(c).CreateProject(c.UserContext(), api.ProjectInput{Name: name, Color: c.FormValue("color")})
	if err != nil {
		if refused(c, "Project not added", err) {
			return c.Redirect(websession.SafeNext(c.FormValue("next", "/")), fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("Added the project “%s”.", pr.Name))
	return c.Redirect(fmt.Sprintf("/projects/%d", pr.ID), fiber.StatusSeeOther)
}

func (h *Handler) editProject(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	name, color := strings.TrimSpace(c.FormValue("name")), c.FormValue("color")
	patch := api.ProjectPatch{Name: &name}
	if color != "" {
		patch.Color = &color
	}
	pr, err := h.asUser(c).PatchProject(c.UserContext(), id, patch)
	if err != nil {
		if refused(c, "Not saved", err) {
			return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("Saved the project “%s”.", pr.Name))
	return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
}

// archiveProject archives (or, with archived=false, brings back) a
// project; archiving offers undo, and goes to the Inbox.
func (h *Handler) archiveProject(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	archived := c.FormValue("archived", "true") == "true"
	pr, err := h.asUser(c).PatchProject(c.UserContext(), id, api.ProjectPatch{Archived: &archived})
	if err != nil {
		if refused(c, "Not archived", err) {
			return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
		}
		return err
	}
	if !archived {
		clearCookie(c, projectUndoCookie)
		setFlash(c, fmt.Sprintf("“%s” is back.", pr.Name))
		return c.Redirect(fmt.Sprintf("/projects/%d", pr.ID), fiber.StatusSeeOther)
	}
	saveProjectUndo(c, projectUndo{Kind: "archive", ID: pr.ID})
	setFlash(c, fmt.Sprintf("Archived “%s”: its tasks are out of Today and Upcoming.", pr.Name))
	return c.Redirect("/inbox", fiber.StatusSeeOther)
}

func (h *Handler) deleteProject(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	be := h.asUser(c)
	pr, err := be.GetProject(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := be.DeleteProject(c.UserContext(), id); err != nil {
		if refused(c, "Not deleted", err) {
			return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
		}
		return err
	}
	saveProjectUndo(c, projectUndo{Kind: "delete", ID: pr.ID})
	setFlash(c, fmt.Sprintf("Deleted “%s” with its tasks.", pr.Name))
	return c.Redirect("/inbox", fiber.StatusSeeOther)
}

// undoProject restores the project (or section) deleted last, or
// unarchives the project archived last.
func (h *Handler) undoProject(c *fiber.Ctx) error {
	u := readProjectUndo(c)
	clearCookie(c, projectUndoCookie)
	be := h.asUser(c)
	var pr api.Project
	var err error
	switch u.Kind {
	case "delete":
		pr, err = be.RestoreProject(c.UserContext(), u.ID)
	case "archive":
		no := false
		pr, err = be.PatchProject(c.UserContext(), u.ID, api.ProjectPatch{Archived: &no})
	case "section":
		sec, err := be.RestoreSection(c.UserContext(), u.ID)
		if err != nil {
			if refused(c, "Not undone", err) {
				return c.Redirect("/inbox", fiber.StatusSeeOther)
			}
			return err
		}
		setFlash(c, fmt.Sprintf("The section “%s” is back.", sec.Name))
		return c.Redirect(fmt.Sprintf("/projects/%d", sec.ProjectID), fiber.StatusSeeOther)
	default:
		setFlash(c, "There is nothing to undo.")
		return c.Redirect("/inbox", fiber.StatusSeeOther)
	}
	if err != nil {
		if refused(c, "Not undone", err) {
			return c.Redirect("/inbox", fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("“%s” is back.", pr.Name))
	return c.Redirect(fmt.Sprintf("/projects/%d", pr.ID), fiber.StatusSeeOther)
}

// moveProject moves a project up or down the sidebar: to is "before:ID"
// or "after:ID", the neighbour it passes.
func (h *Handler) moveProject(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	kind, refText, _ := strings.Cut(c.FormValue("to"), ":")
	ref, err := strconv.ParseInt(refText, 10, 64)
	var r api.Reorder
	switch {
	case err != nil || ref < 1:
		setFlash(c, "Not moved: the move was not understood.")
		return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
	case kind == "before":
		r.BeforeID = &ref
	default:
		r.AfterID = &ref
	}
	pr, err := h.asUser(c).MoveProject(c.UserContext(), id, r)
	if err != nil {
		if refused(c, "Not moved", err) {
			return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("Moved “%s” %s in the list.", pr.Name, map[bool]string{true: "up", false: "down"}[kind == "before"]))
	return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
}

func sectionID(c *fiber.Ctx) (int64, error) { return pathID(c, "section") }

func (h *Handler) renameSection(c *fiber.Ctx) error {
	id, err := sectionID(c)
	if err != nil {
		return err
	}
	next := websession.SafeNext(c.FormValue("next", "/inbox"))
	s, err := h.asUser(c).RenameSection(c.UserContext(), id, api.SectionInput{Name: strings.TrimSpace(c.FormValue("name"))})
	if err != nil {
		if refused(c, "Not renamed", err) {
			return c.Redirect(next, fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("Renamed the section “%s”.", s.Name))
	return c.Redirect(next, fiber.StatusSeeOther)
}

// deleteSection deletes a section with its tasks, with undo.
func (h *Handler) deleteSection(c *fiber.Ctx) error {
	id, err := sectionID(c)
	if err != nil {
		return err
	}
	next := websession.SafeNext(c.FormValue("next", "/inbox"))
	if err := h.asUser(c).DeleteSection(c.UserContext(), id); err != nil {
		if refused(c, "Not deleted", err) {
			return c.Redirect(next, fiber.StatusSeeOther)
		}
		return err
	}
	saveProjectUndo(c, projectUndo{Kind: "section", ID: id})
	setFlash(c, fmt.Sprintf("Deleted the section “%s” with its tasks.", c.FormValue("name")))
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *Handler) createSection(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	s, err := h.asUser(c).CreateSection(c.UserContext(), id, api.SectionInput{Name: strings.TrimSpace(c.FormValue("name"))})
	if err != nil {
		if refused(c, "Section not added", err) {
			return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("Added the section “%s”.", s.Name))
	return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
}

// addProjectTask adds a task by its title to a project, in a section or
// under a parent when the form names one.
func (h *Handler) addProjectTask(c *fiber.Ctx) error {
	id, err := projectID(c)
	if err != nil {
		return err
	}
	in := api.TaskInput{Title: strings.TrimSpace(c.FormValue("title")), ProjectID: &id}
	if n, ok := formID(c, "section_id"); ok {
		in.SectionID = &n
	}
	if n, ok := formID(c, "parent_id"); ok {
		// A subtask takes its parent's project and section.
		in.ProjectID, in.ParentID = nil, &n
	}
	t, err := h.asUser(c).CreateTask(c.UserContext(), in)
	if err != nil {
		if refused(c, "Not added", err) {
			return c.Redirect(backTo(c, id), fiber.StatusSeeOther)
		}
		return err
	}
	setFlash(c, fmt.Sprintf("Added “%s”.", t.Title))
	return c.Redirect(fmt.Sprintf("%s#task-%d", backTo(c, id), t.ID), fiber.StatusSeeOther)
}

func formID(c *fiber.Ctx, name string) (int64, bool) {
	n, err := strconv.ParseInt(c.FormValue(name), 10, 64)
	return n, err == nil && n > 0
}

// moveTask moves a task as its row's buttons (or the drag script) say:
// to is "say:kind:id" — kind before or after a sibling-to-be (the task
// takes that task's project, section and parent), under a parent (last
// among its subtasks), project (top level of a project, last), section (top level of a section, last), dest
// (the form's dest field says project:ID or section:ID). say is
// how the flash tells it: up, down, indent, outdent, project or drop.
func (h *Handler) moveTask(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	next := websession.SafeNext(c.FormValue("next", "/inbox"))
	say, kind, ref, err := parseMove(c.FormValue("to"))
	if err == nil && kind == "dest" {
		// The row's select: "project:ID" or "section:ID".
		var refText string
		kind, refText, _ = strings.Cut(c.FormValue("dest"), ":")
		ref, err = strconv.ParseInt(refText, 10, 64)
		if kind != "project" && kind != "section" {
			err = errors.New("a destination is a project or a section")
		}
	}
	if err != nil || ref == 0 {
		setFlash(c, "Not moved: the move was not understood.")
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	be := h.asUser(c)
	ctx := c.UserContext()
	var m api.MoveRequest
	var where string
	switch kind {
	case "before", "after":
		sib, err := be.GetTask(ctx, ref)
		if err != nil {
			if refused(c, "Not moved", err) {
				return c.Redirect(next, fiber.StatusSeeOther)
			}
			return err
		}
		m = placeOf(sib)
		if kind == "before" {
			m.BeforeID = &sib.ID
		} else {
			m.AfterID = &sib.ID
		}
		where = fmt.Sprintf("%s “%s”", kind, sib.Title)
	case "under":
		parent, err := be.GetTask(ctx, ref)
		if err != nil {
			if refused(c, "Not moved", err) {
				return c.Redirect(next, fiber.StatusSeeOther)
			}
			return err
		}
		m.ParentID = api.Value(parent.ID)
		where = fmt.Sprintf("under “%s”", parent.Title)
	case "project":
		pr, err := be.GetProject(ctx, ref)
		if err != nil {
			if refused(c, "Not moved", err) {
				return c.Redirect(next, fiber.StatusSeeOther)
			}
			return err
		}
		m = api.MoveRequest{ProjectID: &pr.ID, SectionID: api.Null[int64](), ParentID: api.Null[int64]()}
		where = fmt.Sprintf("to “%s”", pr.Name)
	case "section":
		m = api.MoveRequest{SectionID: api.Value(ref), ParentID: api.Null[int64]()}
		where = "to the section"
	}
	t, err := be.MoveTask(ctx, id, m)
	if err != nil {
		if refused(c, "Not moved", err) {
			return c.Redirect(next, fiber.StatusSeeOther)
		}
		return err
	}
	msg := map[string]string{
		"up":      fmt.Sprintf("Moved “%s” up.", t.Title),
		"down":    fmt.Sprintf("Moved “%s” down.", t.Title),
		"indent":  fmt.Sprintf("“%s” is now a subtask, %s.", t.Title, where),
		"outdent": fmt.Sprintf("“%s” moved out one level, %s.", t.Title, where),
	}[say]
	if kind == "section" {
		// Its name, for the message: the project lists its sections.
		if pr, err := be.GetProject(ctx, t.ProjectID); err == nil {
			for _, s := range pr.Sections {
				if t.SectionID != nil && s.ID == *t.SectionID {
					where = fmt.Sprintf("to “%s › %s”", pr.Name, s.Name)
				}
			}
		}
	}
	if msg == "" {
		msg = fmt.Sprintf("Moved “%s” %s.", t.Title, where)
	}
	setFlash(c, msg)
	return c.Redirect(fmt.Sprintf("%s#task-%d", next, t.ID), fiber.StatusSeeOther)
}

// placeOf is a move to sib's place: its project, section and parent, so
// that after_id or before_id names a sibling.
func placeOf(sib api.Task) api.MoveRequest {
	if sib.ParentID != nil {
		return api.MoveRequest{ParentID: api.Value(*sib.ParentID)}
	}
	m := api.MoveRequest{ProjectID: &sib.ProjectID, SectionID: api.Null[int64](), ParentID: api.Null[int64]()}
	if sib.SectionID != nil {
		m.SectionID = api.Value(*sib.SectionID)
	}
	return m
}

var moveSays = map[string]bool{"up": true, "down": true, "indent": true, "outdent": true, "project": true, "drop": true}
var moveKinds = map[string]bool{"before": true, "after": true, "under": true, "project": true, "section": true, "dest": true}

func parseMove(to string) (say, kind string, ref int64, err error) {
	parts := strings.Split(to, ":")
	if len(parts) != 3 || !moveSays[parts[0]] || !moveKinds[parts[1]] {
		return "", "", 0, errors.New("a move is say:kind:id")
	}
	ref, err = strconv.ParseInt(parts[2], 10, 64)
	if err != nil || ref < 0 {
		return "", "", 0, errors.New("a move's id is a number")
	}
	return parts[0], parts[1], ref, nil
}

// projectUndo is the project archived or deleted last, for one click
// of undo; only its id in the cookie, as for tasks.
type projectUndo struct {
	Kind string // archive | delete | section (a section deleted)
	ID   int64
}

// Label is the undo button's text, "" when there is nothing to undo.
func (u projectUndo) Label() string {
	switch u.Kind {
	// Each says what it undoes: a task's undo can show beside it.
	case "archive":
		return "Undo archiving the project"
	case "delete":
		return "Undo deleting the project"
	case "section":
		return "Undo deleting the section"
	}
	return ""
}

const projectUndoCookie = "todo_undo_project"

func saveProjectUndo(c *fiber.Ctx, u projectUndo) {
	c.Cookie(&fiber.Cookie{Name: projectUndoCookie, Value: fmt.Sprintf("%s:%d", u.Kind, u.ID), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: websession.IsHTTPS(c), Expires: time.Now().Add(5 * time.Minute)})
}

func readProjectUndo(c *fiber.Ctx) projectUndo {
	kind, idText, ok := strings.Cut(c.Cookies(projectUndoCookie), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 || (kind != "archive" && kind != "delete" && kind != "section") {
		return projectUndo{}
	}
	return projectUndo{Kind: kind, ID: id}
}
