package ui

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/websession"
)

// agendaDay is one day of the Today and Upcoming views.
type agendaDay struct {
	Label     string // Today, Tomorrow or ""
	DateLabel string // Fri 28 Nov
	Date      string
	Tasks     []api.Task
	// Next are later occurrences of recurring tasks: not tasks yet.
	Next []agendaNext
}

type agendaNext struct {
	Task api.Task
	// Label and ISO are when it is due: its date alone for an all-day
	// series, the time otherwise.
	Label, ISO string
}

type agendaData struct {
	View    string // today | upcoming
	Overdue []api.Task
	Days    []agendaDay
	Empty   bool
}

// today is what needs doing now: overdue first, then due today.
func (h *Handler) today(c *fiber.Ctx) error { return h.agenda(c, "today", 1) }

// upcoming is the next seven days, day by day, with the occurrences
// recurring tasks will have — computed by the backend with its own rule.
func (h *Handler) upcoming(c *fiber.Ctx) error { return h.agenda(c, "upcoming", 7) }

func (h *Handler) agenda(c *fiber.Ctx, view string, days int) error {
	loc := websession.Location(c)
	// The backend places an all-day task on its date in the zone asked
	// (this page's), overdue once that day has ended there, and gives an
	// all-day occurrence its date (DueDate). It finds the tasks by their
	// DueAt, the end of the date in the zone it holds for the person,
	// which is this page's zone but for the minute after another device
	// moved it: asked for two days more (zones are at most 26 hours
	// apart), it finds a task due on the last day shown then too; the two
	// days more are not shown.
	ag, err := h.asUser(c).Agenda(c.UserContext(), days+2, loc.String())
	if err != nil {
		return err
	}
	d := agendaData{View: view, Overdue: ag.Overdue, Empty: len(ag.Overdue) == 0}
	for i, day := range ag.Days[:min(days, len(ag.Days))] {
		date, err := dates.ParseDate(day.Date)
		if err != nil {
			return fmt.Errorf("agenda day %q: %w", day.Date, err)
		}
		ad := agendaDay{Date: day.Date, DateLabel: date.StartIn(time.UTC).Format("Mon 2 Jan")}
		switch i {
		case 0:
			ad.Label = "Today"
		case 1:
			ad.Label = "Tomorrow"
		}
		for _, it := range day.Items {
			if !it.Occurrence {
				ad.Tasks = append(ad.Tasks, it.Task)
				continue
			}
			next := agendaNext{Task: it.Task, Label: formatInstant(it.Due, loc), ISO: it.Due.UTC().Format(time.RFC3339)}
			if it.DueDate != nil {
				next.Label, next.ISO = formatDate(*it.DueDate), it.DueDate.String()
			}
			ad.Next = append(ad.Next, next)
		}
		if len(ad.Tasks)+len(ad.Next) > 0 {
			d.Empty = false
		}
		d.Days = append(d.Days, ad)
	}
	title := map[string]string{"today": "Today", "upcoming": "Upcoming"}[view]
	return h.render(c, fiber.StatusOK, "agenda", h.page(c, title, view, d))
}
