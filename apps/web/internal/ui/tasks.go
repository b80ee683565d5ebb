package ui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/websession"
)

const pageSize = 20

// listView is the task list with its filters, all mirrored in the URL.
type listView struct {
	Q, Status, Priority, DueFrom, DueTo, Sort, Order string
	Tags                                             []string
	Overdue                                          bool
	Page, Pages, Total                               int
	Tasks                                            []api.Task
	TagOptions                                       []string
	Errors                                           map[string]string
	PrevURL, NextURL, ThisURL                        string
	// Filtered: a filter other than the search is set (the filter panel
	// then opens by itself).
	Filtered bool
}

func (h *Handler) listTasks(c *fiber.Ctx) error {
	loc := websession.Location(c)
	v := listView{Q: c.Query("q"), Status: c.Query("status"), Priority: c.Query("priority"), DueFrom: c.Query("due_from"),
		DueTo: c.Query("due_to"), Sort: c.Query("sort"), Order: c.Query("order"), Overdue: c.Query("overdue") != "", Errors: map[string]string{}}
	// The list people open fifty times a day: what is still to do, soonest
	// first. "All" and "Newest" are a choice away (status=all, sort=created).
	args := c.Context().QueryArgs()
	if !args.Has("status") {
		v.Status = "pending"
	}
	if !args.Has("sort") {
		v.Sort = "due"
	}
	for _, t := range c.Context().QueryArgs().PeekMulti("tag") {
		if s := strings.TrimSpace(string(t)); s != "" {
			v.Tags = append(v.Tags, s)
		}
	}
	v.Page, _ = strconv.Atoi(c.Query("page"))
	if v.Page < 1 {
		v.Page = 1
	}
	q := api.TaskQuery{Status: v.Status, Priority: v.Priority, Tags: v.Tags, Q: v.Q, Overdue: v.Overdue,
		Sort: v.Sort, Order: v.Order, Limit: pageSize, Offset: (v.Page - 1) * pageSize}
	if v.DueFrom != "" {
		if d, err := time.ParseInLocation(time.DateOnly, v.DueFrom, loc); err == nil {
			q.DueFrom = &d
		} else {
			v.Errors["due_from"] = "must be a date"
		}
	}
	if v.DueTo != "" {
		if d, err := time.ParseInLocation(time.DateOnly, v.DueTo, loc); err == nil {
			end := d.AddDate(0, 0, 1).Add(-time.Second)
			q.DueTo = &end
		} else {
			v.Errors["due_to"] = "must be a date"
		}
	}
	be := h.asUser(c)
	if len(v.Errors) == 0 {
		res, err := be.ListTasks(c.UserContext(), q)
		if err != nil {
			fields, ok := websession.FormErrors(err)
			if !ok {
				return err
			}
			v.Errors = fields
		} else {
			v.Tasks, v.Total = res.Tasks, res.Total
		}
	}
	v.Pages = (v.Total + pageSize - 1) / pageSize
	v.ThisURL = c.OriginalURL()
	if v.Page > 1 {
		v.PrevURL = pageURL(c, v.Page-1)
	}
	if v.Page < v.Pages {
		v.NextURL = pageURL(c, v.Page+1)
	}
	var err error
	if v.TagOptions, err = h.tagOptions(c); err != nil {
		return err
	}
	status := fiber.StatusOK
	if len(v.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	v.Filtered = v.Priority != "" || len(v.Tags) > 0 || v.DueFrom != "" || v.DueTo != "" || v.Overdue || v.Order != "" ||
		v.Status != "pending" || v.Sort != "due" || len(v.Errors) > 0
	return h.render(c, status, "tasks", h.page(c, "Tasks", "tasks", v))
}

func pageURL(c *fiber.Ctx, page int) string {
	u, _ := url.Parse(c.OriginalURL())
	q := u.Query()
	q.Set("page", strconv.Itoa(page))
	u.RawQuery = q.Encode()
	return u.String()
}

func (h *Handler) tagOptions(c *fiber.Ctx) ([]string, error) {
	tags, err := h.asUser(c).ListTags(c.UserContext())
	if err != nil {
		return nil, err
	}
	out := make([]string, len(tags.Tags))
	for i, t := range tags.Tags {
		out[i] = t.Name
	}
	return out, nil
}

func (h *Handler) newTask(c *fiber.Ctx) error {
	f := taskForm{Priority: api.PriorityMedium, Recurrence: api.RecurNone, Interval: "1", DueDate: c.Query("due")}
	if f.DueDate != "" {
		if _, err := time.Parse(time.DateOnly, f.DueDate); err != nil {
			f.DueDate = ""
		}
	}
	// The person's default reminder is chosen already (Settings).
	me, err := h.asUser(c).Me(c.UserContext())
	if err != nil {
		return err
	}
	if me.DefaultReminderMinutes != nil {
		// Sent as no reminders at all, so the backend applies it by its
		// rule: to a task due at a time, not to an all-day one.
		f.Reminder, f.DefaultLabel = reminderDefault, defaultReminderLabel(*me.DefaultReminderMinutes)
	}
	return h.renderForm(c, fiber.StatusOK, f)
}

func (h *Handler) renderForm(c *fiber.Ctx, status int, f taskForm) error {
	opts, err := h.tagOptions(c)
	if err != nil {
		return err
	}
	f.TagOptions = opts
	title := "New task"
	if f.ID != 0 {
		title = "Edit task"
	}
	return h.render(c, status, "task_form", h.page(c, title, "tasks", f))
}

func (h *Handler) createTask(c *fiber.Ctx) error {
	f := readTaskForm(c)
	in, errs := f.input(websession.Location(c))
	if len(errs) > 0 {
		f.Errors = errs
		return h.renderForm(c, fiber.StatusUnprocessableEntity, f)
	}
	t, err := h.asUser(c).CreateTask(c.UserContext(), in)
	if err != nil {
		fields, ok := websession.FormErrors(err)
		if !ok {
			return err
		}
		f.Errors = apiFieldsToForm(fields)
		return h.renderForm(c, fiber.StatusUnprocessableEntity, f)
	}
	setFlash(c, fmt.Sprintf("Added “%s”.", t.Title))
	return c.Redirect(websession.SafeNext(c.FormValue("next", "/tasks")), fiber.StatusSeeOther)
}

// pathID is the page's :id, a positive whole number, else a 404 naming
// what (a task, project or section) was not found.
func pathID(c *fiber.Ctx, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, apierror.NotFound(what)
	}
	return id, nil
}

func taskID(c *fiber.Ctx) (int64, error) { return pathID(c, "task") }

func (h *Handler) editTask(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	t, err := h.asUser(c).GetTask(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderForm(c, fiber.StatusOK, formFromTask(t, websession.Location(c)))
}

func (h *Handler) updateTask(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	f := readTaskForm(c)
	f.ID = id
	in, errs := f.input(websession.Location(c))
	if len(errs) > 0 {
		f.Errors = errs
		return h.renderForm(c, fiber.StatusUnprocessableEntity, f)
	}
	t, err := h.asUser(c).ReplaceTask(c.UserContext(), id, in)
	if err != nil {
		fields, ok := websession.FormErrors(err)
		if !ok {
			return err
		}
		f.Errors = apiFieldsToForm(fields)
		return h.renderForm(c, fiber.StatusUnprocessableEntity, f)
	}
	setFlash(c, fmt.Sprintf("Saved “%s”.", t.Title))
	return c.Redirect("/tasks", fiber.StatusSeeOther)
}

// toggleTask flips completion; the page script calls it for in-place updates.
func (h *Handler) toggleTask(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	res, err := h.asUser(c).CompleteTask(c.UserContext(), id, nil)
	if err != nil {
		return err
	}
	if websession.WantsJSON(c) {
		return c.JSON(res)
	}
	msg := fmt.Sprintf("Completed “%s”.", res.Task.Title)
	if !res.Task.Completed {
		msg = fmt.Sprintf("Reopened “%s”.", res.Task.Title)
	}
	if res.Next != nil {
		msg += " The next one is due " + formatDue(*res.Next, websession.Location(c)) + "."
	}
	setFlash(c, msg)
	return c.Redirect(websession.SafeNext(c.FormValue("next", "/tasks")), fiber.StatusSeeOther)
}

func (h *Handler) confirmDelete(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	t, err := h.asUser(c).GetTask(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "delete", h.page(c, "Delete task", "tasks", t))
}

func (h *Handler) deleteTask(c *fiber.Ctx) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	be := h.asUser(c)
	t, err := be.GetTask(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := be.DeleteTask(c.UserContext(), id); err != nil {
		return err
	}
	saveUndo(c, t.ID)
	if websession.WantsJSON(c) {
		// The page script removes the row and offers undo itself.
		return c.JSON(fiber.Map{"deleted": t.ID, "title": t.Title})
	}
	setFlash(c, "Task deleted.")
	return c.Redirect("/tasks", fiber.StatusSeeOther)
}

// undoDelete restores the last deleted task: the same task, with its id.
func (h *Handler) undoDelete(c *fiber.Ctx) error {
	id := readUndo(c)
	if id == 0 {
		setFlash(c, "There is nothing to undo.")
		return c.Redirect("/tasks", fiber.StatusSeeOther)
	}
	t, err := h.asUser(c).RestoreTask(c.UserContext(), id)
	clearCookie(c, undoCookie)
	if err == nil && websession.WantsJSON(c) {
		return c.JSON(fiber.Map{"restored": t.ID, "title": t.Title})
	}
	if apierror.IsNotFound(err) {
		setFlash(c, "That task can no longer be restored.")
		return c.Redirect("/tasks", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	setFlash(c, fmt.Sprintf("Restored “%s”.", t.Title))
	if t.Completed {
		// The default list shows open tasks: show it where it is.
		return c.Redirect("/tasks?status=completed", fiber.StatusSeeOther)
	}
	return c.Redirect("/tasks", fiber.StatusSeeOther)
}
