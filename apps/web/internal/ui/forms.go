package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/websession"
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
	// Reminder is one of reminderChoices' values, or "keep" for reminders
	// the form cannot show (several, or at a set time) that stay as they are.
	Reminder string
	// Kept describes those reminders.
	Kept string
	// DefaultLabel names the person's default reminder (Settings) on a
	// new task's form; "" when they have none.
	DefaultLabel string
	Errors       map[string]string
	TagOptions   []string
}

// reminderChoice is an option of the form's Reminder field: minutes
// before the due time, and a clock time on that day for whole days.
type reminderChoice struct {
	Value, Label string
	Before       int
	AtTime       string
}

// AllDay says whether the choice suits an all-day task: one reminded at a
// time of day (AtTime) on its date or whole days before, the backend's
// rule (pkg/dates); "minutes before" needs a task with a time.
func (c reminderChoice) AllDay() bool { return c.AtTime != "" }

// reminderChoices are the reminders the form offers: first those before
// a time, then those at a time of day, which suit every task.
var reminderChoices = []reminderChoice{
	{Value: "0", Label: "At the due time", Before: 0},
	{Value: "10", Label: "10 minutes before", Before: 10},
	{Value: "30", Label: "30 minutes before", Before: 30},
	{Value: "60", Label: "1 hour before", Before: 60},
	{Value: "1440", Label: "1 day before", Before: 1440},
	{Value: "0@09:00", Label: "On the day at 9:00", Before: 0, AtTime: "09:00"},
	{Value: "1440@09:00", Label: "The day before at 9:00", Before: 1440, AtTime: "09:00"},
}

// reminderDefault is the new-task form's choice "the person's default
// reminder": the backend gives it to a task due at a time and none to an
// all-day task, so the form sends no reminders at all.
const reminderDefault = "default"

// allDayReminderProblem is what the form says of a "minutes before"
// reminder on an all-day task.
const allDayReminderProblem = "an all-day task is reminded at a time of day: choose “On the day at 9:00” or “The day before at 9:00”, or give the task a time"

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
		Reminder:    c.FormValue("reminder"),
		Kept:        c.FormValue("kept"),
		// A form that failed comes back with the default still offered.
		DefaultLabel: c.FormValue("default_label"),
	}
}

func formFromTask(t api.Task, loc *time.Location) taskForm {
	f := taskForm{ID: t.ID, Title: t.Title, Description: t.Description, Priority: t.Priority,
		Tags: strings.Join(t.Tags, ", "), Recurrence: t.Recurrence, Interval: strconv.Itoa(t.RecurrenceInterval)}
	// An all-day task (DueDate) has its date and no time, never a date
	// read from its DueAt.
	due := dueFields(t, loc)
	f.DueDate, f.DueTime = due.date, due.clock
	choice := ""
	if len(t.Reminders) == 1 {
		choice = choiceOf(t.Reminders[0])
	}
	switch {
	case len(t.Reminders) == 0:
	case choice != "" && (t.DueDate == nil || choiceFor(choice).AllDay()):
		f.Reminder = choice
	case len(t.Reminders) == 1 && choice != "":
		// "30 minutes before" kept from when the task had a time: it waits,
		// inactive, until the task has one again (the backend's rule). The
		// form keeps it rather than offer it as a choice it would refuse.
		f.Reminder = "keep"
		f.Kept = "Keep the current reminder (" + strings.ToLower(choiceFor(choice).Label[:1]) + choiceFor(choice).Label[1:] + ": only once the task has a time)"
	default:
		f.Reminder = "keep"
		f.Kept = fmt.Sprintf("Keep the current reminders (%d)", len(t.Reminders))
		if len(t.Reminders) == 1 {
			f.Kept = "Keep the current reminder"
		}
	}
	return f
}

// defaultReminderLabel names the default reminder of n minutes before on
// the task form.
func defaultReminderLabel(n int) string {
	what := fmt.Sprintf("%d minutes before", n)
	for _, c := range defaultReminders {
		if c.Value == strconv.Itoa(n) {
			what = strings.ToLower(c.Label[:1]) + c.Label[1:]
		}
	}
	return "Your default (" + what + "; none on an all-day task)"
}

// choiceFor is the choice with that value (the zero choice for none).
func choiceFor(value string) reminderChoice {
	for _, c := range reminderChoices {
		if c.Value == value {
			return c
		}
	}
	return reminderChoice{}
}

// choiceOf is the form's option for r, or "" when it has none.
func choiceOf(r api.Reminder) string {
	if r.BeforeMinutes == nil {
		return ""
	}
	for _, c := range reminderChoices {
		if c.Before == *r.BeforeMinutes && c.AtTime == r.AtTime {
			return c.Value
		}
	}
	return ""
}

// input turns the form into an API input in the viewer's zone: a date
// without a time is an all-day task (due_date, the date as picked), a
// date and a time an instant (due_at, RFC 3339 in loc).
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
	allDay := f.DueDate != "" && f.DueTime == ""
	switch f.Reminder {
	case "keep", reminderDefault:
		// A PUT without reminders keeps them; a POST without them gets
		// the person's default (none on an all-day task).
	case "":
		in.Reminders = &[]api.ReminderInput{}
	default:
		ok := false
		for _, c := range reminderChoices {
			if c.Value == f.Reminder {
				n := c.Before
				in.Reminders, ok = &[]api.ReminderInput{{BeforeMinutes: &n, AtTime: c.AtTime}}, true
			}
		}
		switch {
		case !ok:
			errs["reminder"] = "pick one of the choices"
		case f.DueDate == "":
			errs["reminder"] = "needs a due date: a reminder comes before it"
		case allDay && !choiceFor(f.Reminder).AllDay():
			errs["reminder"] = allDayReminderProblem
		}
	}
	switch {
	case f.DueDate == "" && f.DueTime != "":
		errs["due"] = "pick a date for this time"
	case f.DueDate != "":
		d, err := dates.ParseDate(f.DueDate)
		if err != nil {
			errs["due"] = "must be a date such as 2026-12-24"
			break
		}
		if f.DueTime == "" {
			// All day: the date itself, the same day wherever the person
			// is; the backend keeps its instant in the person's zone.
			s := d.String()
			in.DueDate = &s
			break
		}
		tm, err := time.Parse("15:04", f.DueTime)
		if err != nil {
			errs["due"] = "time must look like 17:30"
			break
		}
		s := d.At(tm.Hour(), tm.Minute(), 0, loc).Format(time.RFC3339)
		in.DueAt = &s
	}
	return in, errs
}

// apiFieldsToForm renames backend field names to the form's.
func apiFieldsToForm(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if k == "due_at" || k == "due_date" {
			k = "due"
		}
		if strings.HasPrefix(k, "reminders") {
			k = "reminder"
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
		SameSite: fiber.CookieSameSiteLaxMode, Secure: websession.IsHTTPS(c), Expires: time.Now().Add(5 * time.Minute)})
}

// readUndo is the task that can be restored, or 0.
func readUndo(c *fiber.Ctx) int64 {
	id, err := strconv.ParseInt(c.Cookies(undoCookie), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}
