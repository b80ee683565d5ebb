package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/websession"
)

type calendarDay struct {
	Date    time.Time
	ISO     string
	InMonth bool
	Today   bool
	Tasks   []api.Task
}

type calendarView struct {
	Month      time.Time
	Prev, Next string
	Weeks      [][]calendarDay
}

func (h *Handler) calendar(c *fiber.Ctx) error {
	loc := websession.Location(c)
	now := h.now().In(loc)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	if m := c.Query("month"); m != "" {
		if t, err := time.ParseInLocation("2006-01", m, loc); err == nil {
			month = t
		}
	}
	// The grid runs Monday to Sunday, covering the whole month.
	start := dates.StartOfWeek(month)
	end := month.AddDate(0, 1, 0)
	gridEnd := dates.StartOfWeek(end)
	if gridEnd.Before(end) {
		gridEnd = gridEnd.AddDate(0, 0, 7)
	}

	byDay := map[string][]api.Task{}
	be := h.asUser(c)
	// The backend compares DueAt, which for an all-day task is the end of
	// its date in the person's zone: asked two days wider each side, so an
	// all-day task on the grid's first or last day is found even while
	// this page's zone is not yet the one the backend holds (zones are at
	// most 26 hours apart); tasks off the grid are not shown.
	from, last := start.AddDate(0, 0, -2), gridEnd.AddDate(0, 0, 2).Add(-time.Second)
	for offset := 0; ; offset += 100 {
		res, err := be.ListTasks(c.UserContext(), api.TaskQuery{DueFrom: &from, DueTo: &last, Sort: "due", Limit: 100, Offset: offset})
		if err != nil {
			return err
		}
		for _, t := range res.Tasks {
			// An all-day task on its own date, a timed one on its local day.
			day, ok := dueDay(t, loc)
			if !ok {
				continue
			}
			k := day.String()
			byDay[k] = append(byDay[k], t)
		}
		if res.NextOffset == nil {
			break
		}
	}
	v := calendarView{Month: month, Prev: month.AddDate(0, -1, 0).Format("2006-01"), Next: month.AddDate(0, 1, 0).Format("2006-01")}
	today := now.Format(time.DateOnly)
	for d := start; d.Before(gridEnd); d = d.AddDate(0, 0, 7) {
		week := make([]calendarDay, 7)
		for i := range week {
			day := d.AddDate(0, 0, i)
			iso := day.Format(time.DateOnly)
			week[i] = calendarDay{Date: day, ISO: iso, InMonth: day.Month() == month.Month(), Today: iso == today, Tasks: byDay[iso]}
		}
		v.Weeks = append(v.Weeks, week)
	}
	return h.render(c, fiber.StatusOK, "calendar", h.page(c, "Calendar", "calendar", v))
}
