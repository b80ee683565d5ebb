package ui

import (
	"github.com/gofiber/fiber/v2"
)

// dashboard shows the counts and the two short lists of the backend's
// summary: one call (it was five, make bench web_dashboard), "today" and
// "this week" read in the person's zone, the backend's (issue 29's rule;
// websession.FollowZone has told it this browser's zone first).
func (h *Handler) dashboard(c *fiber.Ctx) error {
	s, err := h.asUser(c).Summary(c.UserContext(), "")
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "dashboard", h.page(c, "Dashboard", "dashboard", s))
}
