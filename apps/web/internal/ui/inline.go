package ui

import (
	"bytes"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/websession"
)

// rowResult is what the page script gets back after changing a row: the
// task and the row as the page renders it, to put in place of the old one.
type rowResult struct {
	Task api.Task `json:"task"`
	HTML string   `json:"html"`
}

// renderRow renders a task row exactly as the list does.
func (h *Handler) renderRow(c *fiber.Ctx, t api.Task) (string, error) {
	var buf bytes.Buffer
	// Not h.page: that would consume the flash and undo cookies.
	loc := websession.Location(c)
	p := page{SignedIn: true, CSRF: websession.CSRFToken(c), Loc: loc, Now: h.now()}
	// The row names its project, as on the page it replaces a row of.
	h.sidebar(c, &p)
	if err := h.pages.RenderPart(&buf, "tasks", "taskrow", taskRow{T: t, P: p, Next: websession.SafeNext(c.FormValue("next"))}); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// inlineEdit saves the title, due date and time, priority and tags edited
// on a task's row (the page script; without it, the row's Edit link opens
// the full form). Errors are the form's messages, per field, as JSON.
func (h *Handler) inlineEdit(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	f := readTaskForm(c)
	in, errs := f.input(websession.Location(c))
	if len(errs) > 0 {
		return apierror.Validation(errs)
	}
	patch := api.TaskPatch{Title: &in.Title, Priority: &in.Priority}
	if in.Priority == "" {
		patch.Priority = nil
	}
	// A date alone keeps (or makes) the task all-day; with a time it is
	// due then; neither clears the due.
	switch {
	case in.DueDate != nil:
		patch.DueDate = api.Value(*in.DueDate)
	case in.DueAt != nil:
		patch.DueAt = api.Value(*in.DueAt)
	default:
		patch.DueAt = api.Null[string]()
	}
	tags := in.Tags
	if tags == nil {
		tags = []string{}
	}
	patch.Tags = &tags
	// The reminder only when the row's form had the field, and not "keep".
	if c.Request().PostArgs().Has("reminder") && f.Reminder != "keep" {
		patch.Reminders = in.Reminders
	}
	t, err := h.asUser(c).PatchTask(c.UserContext(), id, patch)
	if err != nil {
		if e, ok := apierror.As(err); ok && e.Status == http.StatusUnprocessableEntity {
			return apierror.Validation(apiFieldsToForm(e.Fields))
		}
		return err
	}
	html, err := h.renderRow(c, t)
	if err != nil {
		return err
	}
	return c.JSON(rowResult{Task: t, HTML: html})
}
