package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/intent"
	"github.com/todo-app/todo-app/pkg/recurrence"
	"github.com/todo-app/todo-app/pkg/websession"
)

// MaxQuickAdd bounds a quick-add line (a title is at most 200 characters;
// the rest is dates, tags and priority).
const MaxQuickAdd = 500

// quickPreview is what a quick-add line will create, as the page shows it
// while the person types. The grammar runs here, on the server — the same
// pkg/intent the assistant uses — never in a second copy in JavaScript.
type quickPreview struct {
	Title    string   `json:"title,omitempty"`
	Due      string   `json:"due,omitempty"`
	Repeat   string   `json:"repeat,omitempty"`
	Tags     []string `json:"tags,omitempty"`
	Priority string   `json:"priority,omitempty"`
	// Project is the project a ^Name put it in, as the person spelt it
	// when they made it.
	Project string `json:"project,omitempty"`
	// Reminders, as said ("30 min before", "Fri 7 Jun at 10:00").
	Reminders []string `json:"reminders,omitempty"`
	// Problem says why nothing would be created.
	Problem string `json:"problem,omitempty"`
}

// parseQuick reads a quick-add line into the task it creates.
func (h *Handler) parseQuick(c *fiber.Ctx, text string) (api.TaskInput, quickPreview) {
	if len(text) > MaxQuickAdd {
		return api.TaskInput{}, quickPreview{Problem: fmt.Sprintf("That is too long for quick add (at most %d characters); use New task for long notes.", MaxQuickAdd)}
	}
	loc := websession.Location(c)
	in := intent.ParseTask(text, h.now(), loc)
	if in.Kind != intent.Add {
		return api.TaskInput{}, quickPreview{Problem: "Type what to do, e.g. “Friday 5pm call mom #family !high”."}
	}
	task := api.TaskInput{Title: in.Title, Priority: in.Priority, Tags: in.Tags, Recurrence: in.Recurrence, RecurrenceInterval: in.Interval,
		RecurrenceWeekdays: in.Weekdays.Names(), RecurrenceMonthDay: in.MonthDay}
	p := quickPreview{Title: in.Title, Tags: in.Tags, Priority: in.Priority}
	if in.Project != "" {
		// ^Name (docs/decisions.md): one of the person's projects by name,
		// ignoring case; a name they have no project of adds nothing.
		list, err := h.asUser(c).ListProjects(c.UserContext(), true)
		if err != nil {
			return api.TaskInput{}, quickPreview{Problem: "Your projects could not be read just now; try again in a moment."}
		}
		for _, pr := range list.Projects {
			// The first of that name in the sidebar's order wins.
			if task.ProjectID == nil && strings.EqualFold(strings.TrimSpace(pr.Name), strings.TrimSpace(in.Project)) {
				if pr.Archived {
					return api.TaskInput{}, quickPreview{Problem: fmt.Sprintf("“%s” is archived: unarchive it first, or choose another project.", pr.Name)}
				}
				id := pr.ID
				task.ProjectID, p.Project = &id, pr.Name
			}
		}
		if task.ProjectID == nil {
			return api.TaskInput{}, quickPreview{Problem: fmt.Sprintf("You have no project “%s”: add it in the sidebar first, or leave out ^%s.", in.Project, in.Project)}
		}
	}
	switch {
	case in.When != nil && !in.When.HasTime:
		// A day alone ("tuesday") is an all-day task: that date, the same
		// wherever the person goes, never 23:59:59 as a stand-in.
		d := dates.DateOf(in.When.Date, loc)
		s := d.String()
		task.DueDate = &s
		p.Due = formatDate(d)
	case in.When != nil:
		due := in.When.Time()
		s := due.Format(time.RFC3339)
		task.DueAt = &s
		p.Due = formatInstant(due, loc)
	}
	if in.Recurrence != "" {
		p.Repeat = recurrence.Rule{Freq: in.Recurrence, Interval: in.Interval, Weekdays: in.Weekdays, MonthDay: in.MonthDay}.String()
	}
	// "remind me 30 min before", "remind me at 9": the same rule as the
	// assistant's (intent.Reminders); never dropped silently.
	if in.Problem == "reminder" {
		return api.TaskInput{}, quickPreview{Problem: "That reminder would come after the task is due: say an earlier time."}
	}
	rs, problem := in.Reminders()
	if problem != "" {
		return api.TaskInput{}, quickPreview{Problem: "Not added: " + problem + "."}
	}
	if len(rs) > 0 {
		list := make([]api.ReminderInput, 0, len(rs))
		for _, r := range rs {
			ri := api.ReminderInput{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime}
			if r.At != nil {
				at := r.At.Format(time.RFC3339)
				ri.At = &at
				p.Reminders = append(p.Reminders, formatInstant(*r.At, loc))
			} else {
				p.Reminders = append(p.Reminders, beforeWords(*r.BeforeMinutes, r.AtTime))
			}
			list = append(list, ri)
		}
		task.Reminders = &list
	}
	sort.Strings(p.Tags)
	return task, p
}

// beforeWords says a reminder before the due time as people do.
func beforeWords(n int, at string) string {
	var s string
	switch {
	case n == 0:
		s = "on the day"
	case n%(24*60) == 0:
		s = fmt.Sprintf("%d day(s) before", n/(24*60))
	case n%60 == 0:
		s = fmt.Sprintf("%d hour(s) before", n/60)
	default:
		s = fmt.Sprintf("%d min before", n)
	}
	if at != "" {
		s += " at " + at
	}
	return s
}

// quickPreviewJSON answers the page script's debounced preview request.
func (h *Handler) quickPreviewJSON(c *fiber.Ctx) error {
	_, p := h.parseQuick(c, strings.TrimSpace(c.Query("text")))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(p)
}

// quickAdd creates the task a quick-add line describes (the same form
// works without JavaScript) and goes back to the page it came from.
func (h *Handler) quickAdd(c *fiber.Ctx) error {
	back := websession.SafeNext(c.FormValue("next"))
	in, p := h.parseQuick(c, strings.TrimSpace(c.FormValue("text")))
	if p.Problem != "" {
		setFlash(c, p.Problem)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	t, err := h.asUser(c).CreateTask(c.UserContext(), in)
	if err != nil {
		fields, ok := settingsFormErrors(err)
		if !ok {
			return err
		}
		var msgs []string
		for k, m := range apiFieldsToForm(fields) {
			if k == "_" {
				msgs = append(msgs, m)
				continue
			}
			msgs = append(msgs, strings.ToUpper(k[:1])+k[1:]+" "+m)
		}
		sort.Strings(msgs)
		setFlash(c, "Not added: "+strings.Join(msgs, "; "))
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	msg := fmt.Sprintf("Added “%s”", t.Title)
	if p.Project != "" {
		msg += " to " + p.Project
	}
	if p.Due != "" {
		msg += ", due " + p.Due
	}
	setFlash(c, msg+".")
	return c.Redirect(back, fiber.StatusSeeOther)
}
