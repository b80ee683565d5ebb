package rest

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

// notifications lists fired reminders: ?after=<id> for those after it,
// none for what has not been seen yet.
func (h handlers) notifications(c *fiber.Ctx) error {
	after := int64(-1)
	if raw := c.Query("after"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return apierror.Field("after", "must be a notification id (0 or more)")
		}
		after = n
	}
	out, err := h.Tasks.Notifications(c.UserContext(), auth.UserID(c), after)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) markSeen(c *fiber.Ctx) error {
	var in api.SeenRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.Tasks.MarkSeen(c.UserContext(), auth.UserID(c), in.IDs); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h handlers) snooze(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.SnoozeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.Tasks.Snooze(c.UserContext(), auth.UserID(c), id, in.Minutes)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
