package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/websession"
)

// dashboard shows the counts and the two short lists of the backend's
// summary: one call (it was five, make bench web_dashboard), "today" and
// "this week" read in the browser's zone, or the person's until the page
// script has told it.
func (h *Handler) dashboard(c *fiber.Ctx) error {
	s, err := h.asUser(c).Summary(c.UserContext(), websession.BrowserZone(c))
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "dashboard", h.page(c, "Dashboard", "dashboard", s))
}
