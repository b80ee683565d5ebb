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
	// Label and ISO are when it is due: the day alone for an all-day
	// series (the day the agenda lists it on), the time otherwise.
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
	// Two days more than shown: an all-day task on the last day shown is
	// then found even while the backend's zone for the person is another
	// (zones are at most 26 hours apart); see place below.
	ag, err := h.asUser(c).Agenda(c.UserContext(), days+2, loc.String())
	if err != nil {
		return err
	}
	// An all-day task is placed by its own date (DueDate) in this page's
	// zone: overdue once that day has ended here, otherwise on its day
	// when that day is shown. The backend places it by its DueAt, the end
	// of that date in the zone it holds for the person, which is this
	// zone but for the minute after another device moved it; a task due
	// outside the days shown stays where the backend put it (and is not
	// shown when that is one of the two days more).
	now := h.now()
	index := map[string]int{}
	for i, day := range ag.Days {
		index[day.Date] = i
	}
	tasksOn := make([][]api.Task, len(ag.Days))
	var overdue []api.Task
	place := func(t api.Task, backend int) { // backend: its day's index, -1 overdue
		at := backend
		if t.DueDate != nil {
			if isOverdue(t, now, loc) {
				at = -1
			} else if j, ok := index[t.DueDate.String()]; ok {
				at = j
			}
		}
		if at < 0 {
			overdue = append(overdue, t)
			return
		}
		tasksOn[at] = append(tasksOn[at], t)
	}
	for _, t := range ag.Overdue {
		place(t, -1)
	}
	for i, day := range ag.Days {
		for _, it := range day.Items {
			if !it.Occurrence {
				place(it.Task, i)
			}
		}
	}
	d := agendaData{View: view, Overdue: overdue, Empty: len(overdue) == 0}
	for i, day := range ag.Days[:min(days, len(ag.Days))] {
		date, err := dates.ParseDate(day.Date)
		if err != nil {
			return fmt.Errorf("agenda day %q: %w", day.Date, err)
		}
		ad := agendaDay{Date: day.Date, DateLabel: date.StartIn(time.UTC).Format("Mon 2 Jan"), Tasks: tasksOn[i]}
		switch i {
		case 0:
			ad.Label = "Today"
		case 1:
			ad.Label = "Tomorrow"
		}
		for _, it := range day.Items {
			if !it.Occurrence {
				continue
			}
			next := agendaNext{Task: it.Task, Label: formatInstant(it.Due, loc), ISO: it.Due.UTC().Format(time.RFC3339)}
			if it.Task.DueDate != nil {
				next.Label, next.ISO = formatDate(date), date.String()
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
