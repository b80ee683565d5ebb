package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
)

func (h handlers) signUp(c *fiber.Ctx) error {
	var in api.SignUpRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.Accounts.SignUp(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h handlers) signIn(c *fiber.Ctx) error {
	var in api.SignInRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.Accounts.SignIn(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) me(c *fiber.Ctx) error {
	u, err := h.Accounts.Me(c.UserContext(), auth.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(u)
}
