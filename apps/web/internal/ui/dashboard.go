package ui

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/websession"
)

type dashboardData struct {
	Open, DueToday, Overdue, DoneThisWeek int
	OverdueTasks, Upcoming                []api.Task
}

func (h *Handler) dashboard(c *fiber.Ctx) error {
	ctx, be := c.UserContext(), h.asUser(c)
	loc := websession.Location(c)
	now := h.now().In(loc)
	startOfDay := dates.StartOfDay(now, loc)
	endOfDay := dates.EndOfDay(now, loc)
	startOfWeek := dates.StartOfWeek(now)

	var d dashboardData
	queries := []struct {
		q     api.TaskQuery
		count *int
		tasks *[]api.Task
	}{
		{api.TaskQuery{Status: "pending", Limit: 1}, &d.Open, nil},
		{api.TaskQuery{Status: "pending", DueFrom: &startOfDay, DueTo: &endOfDay, Limit: 1}, &d.DueToday, nil},
		{api.TaskQuery{Overdue: true, Sort: "due", Limit: 5}, &d.Overdue, &d.OverdueTasks},
		{api.TaskQuery{Status: "completed", CompletedFrom: &startOfWeek, Limit: 1}, &d.DoneThisWeek, nil},
		{api.TaskQuery{Status: "pending", DueFrom: ptrTime(h.now()), Sort: "due", Limit: 7}, nil, &d.Upcoming},
	}
	// The five lookups are independent: ask for them at once, so the page
	// waits for the slowest, not for their sum.
	results := make([]api.TaskList, len(queries))
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = be.ListTasks(ctx, q.q)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // the first, so the person sees one clear cause
		}
	}
	for i, q := range queries {
		if q.count != nil {
			*q.count = results[i].Total
		}
		if q.tasks != nil {
			*q.tasks = results[i].Tasks
		}
	}
	return h.render(c, fiber.StatusOK, "dashboard", h.page(c, "Dashboard", "dashboard", d))
}

func ptrTime(t time.Time) *time.Time { return &t }
