package rest

import (
	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/auth"
)

func (h handlers) listTags(c *fiber.Ctx) error {
	out, err := h.Tasks.Tags(c.UserContext(), auth.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) deleteTag(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tasks.DeleteTag(c.UserContext(), auth.UserID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
