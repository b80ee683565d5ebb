package rest

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
)

func (h handlers) listConversations(c *fiber.Ctx) error {
	out, err := h.Conversations.List(c.UserContext(), auth.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) createConversation(c *fiber.Ctx) error {
	var in api.ConversationInput
	if len(strings.TrimSpace(string(c.Body()))) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	out, err := h.Conversations.Create(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h handlers) getConversation(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := h.Conversations.Get(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) deleteConversation(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Conversations.Delete(c.UserContext(), auth.UserID(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h handlers) listMessages(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := h.Conversations.Messages(c.UserContext(), auth.UserID(c), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) addMessage(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in api.MessageInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.Conversations.AddMessage(c.UserContext(), auth.UserID(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}
