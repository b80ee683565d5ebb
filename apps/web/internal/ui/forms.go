package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// taskForm is the create/edit form as typed, kept to re-render on errors.
type taskForm struct {
	ID          int64
	Title       string
	Description string
	DueDate     string
	DueTime     string
	Priority    string
	Tags        string
	Recurrence  string
	Interval    string
	Errors      map[string]string
	TagOptions  []string
}

func readTaskForm(c *fiber.Ctx) taskForm {
	return taskForm{
		Title:       c.FormValue("title"),
		Description: c.FormValue("description"),
		DueDate:     strings.TrimSpace(c.FormValue("due_date")),
		DueTime:     strings.TrimSpace(c.FormValue("due_time")),
		Priority:    c.FormValue("priority"),
		Tags:        c.FormValue("tags"),
		Recurrence:  c.FormValue("recurrence"),
		Interval:    strings.TrimSpace(c.FormValue("recurrence_interval")),
	}
}

func formFromTask(t api.Task, loc *time.Location) taskForm {
	f := taskForm{ID: t.ID, Title: t.Title, Description: t.Description, Priority: t.Priority,
		Tags: strings.Join(t.Tags, ", "), Recurrence: t.Recurrence, Interval: strconv.Itoa(t.RecurrenceInterval)}
	if t.DueAt != nil {
		l := t.DueAt.In(loc)
		f.DueDate = l.Format(time.DateOnly)
		if !dates.IsDateOnly(l, loc) {
			f.DueTime = l.Format("15:04")
		}
	}
	return f
}

// input turns the form into an API input in the viewer's zone. A date
// without a time means "by the end of that day".
func (f taskForm) input(loc *time.Location) (api.TaskInput, map[string]string) {
	errs := map[string]string{}
	in := api.TaskInput{Title: f.Title, Description: f.Description, Priority: f.Priority, Recurrence: f.Recurrence}
	for _, t := range strings.Split(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			in.Tags = append(in.Tags, t)
		}
	}
	if f.Interval != "" {
		n, err := strconv.Atoi(f.Interval)
		if err != nil || n < 1 {
			errs["recurrence_interval"] = "must be a whole number of at least 1"
		}
		in.RecurrenceInterval = n
	}
	switch {
	case f.DueDate == "" && f.DueTime != "":
		errs["due"] = "pick a date for this time"
	case f.DueDate != "":
		d, err := time.ParseInLocation(time.DateOnly, f.DueDate, loc)
		if err != nil {
			errs["due"] = "must be a date such as 2026-12-24"
			break
		}
		due := dates.EndOfDay(d, loc) // the date rule: by the end of that day
		if f.DueTime != "" {
			tm, err := time.Parse("15:04", f.DueTime)
			if err != nil {
				errs["due"] = "time must look like 17:30"
				break
			}
			due = time.Date(d.Year(), d.Month(), d.Day(), tm.Hour(), tm.Minute(), 0, 0, loc)
		}
		s := due.Format(time.RFC3339)
		in.DueAt = &s
	}
	return in, errs
}

// apiFieldsToForm renames backend field names to the form's.
func apiFieldsToForm(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if k == "due_at" {
			k = "due"
		}
		out[k] = v
	}
	return out
}

const undoCookie = "todo_undo"

// saveUndo remembers which task was deleted, for five minutes, so that the
// person can bring it back in one click. Only the id: the backend keeps
// the deleted task itself (restore), and no cookie holds a task's content
// (a long description once made the cookie too big for every request).
func saveUndo(c *fiber.Ctx, id int64) {
	c.Cookie(&fiber.Cookie{Name: undoCookie, Value: strconv.FormatInt(id, 10), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(5 * time.Minute)})
}

// readUndo is the task that can be restored, or 0.
func readUndo(c *fiber.Ctx) int64 {
	id, err := strconv.ParseInt(c.Cookies(undoCookie), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}
