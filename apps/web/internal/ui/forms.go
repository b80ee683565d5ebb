package ui

import (
	"encoding/base64"
	"encoding/json"
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

// saveUndo keeps a deleted task's fields for five minutes so the person
// can bring it back in one click.
func saveUndo(c *fiber.Ctx, t api.Task) {
	in := api.TaskInput{Title: t.Title, Description: t.Description, Priority: t.Priority, Tags: t.Tags,
		Recurrence: t.Recurrence, RecurrenceInterval: t.RecurrenceInterval}
	if t.DueAt != nil {
		s := t.DueAt.Format(time.RFC3339)
		in.DueAt = &s
	}
	b, _ := json.Marshal(in)
	c.Cookie(&fiber.Cookie{Name: undoCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(5 * time.Minute)})
}

func readUndo(c *fiber.Ctx) *api.TaskInput {
	raw := c.Cookies(undoCookie)
	if raw == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return nil
	}
	var in api.TaskInput
	if json.Unmarshal(b, &in) != nil || in.Title == "" {
		return nil
	}
	return &in
}
