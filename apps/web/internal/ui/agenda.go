package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
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
	Due  time.Time
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
	ag, err := h.asUser(c).Agenda(c.UserContext(), days, loc.String())
	if err != nil {
		return err
	}
	d := agendaData{View: view, Overdue: ag.Overdue, Empty: len(ag.Overdue) == 0}
	for i, day := range ag.Days {
		date, _ := time.ParseInLocation(time.DateOnly, day.Date, loc)
		ad := agendaDay{Date: day.Date, DateLabel: date.Format("Mon 2 Jan")}
		switch i {
		case 0:
			ad.Label = "Today"
		case 1:
			ad.Label = "Tomorrow"
		}
		for _, it := range day.Items {
			if it.Occurrence {
				ad.Next = append(ad.Next, agendaNext{Task: it.Task, Due: it.Due})
			} else {
				ad.Tasks = append(ad.Tasks, it.Task)
			}
		}
		if len(ad.Tasks)+len(ad.Next) > 0 {
			d.Empty = false
		}
		d.Days = append(d.Days, ad)
	}
	title := map[string]string{"today": "Today", "upcoming": "Upcoming"}[view]
	return h.render(c, fiber.StatusOK, "agenda", h.page(c, title, view, d))
}
