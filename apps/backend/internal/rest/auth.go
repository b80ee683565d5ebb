package rest

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
	out, err := h.Accounts.SignIn(c.UserContext(), in, h.clientAddress(c))
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

func (h handlers) setPreferences(c *fiber.Ctx) error {
	var in api.Preferences
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.Accounts.SetPreferences(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h handlers) signOut(c *fiber.Ctx) error {
	if err := h.Accounts.SignOut(c.UserContext(), auth.PrincipalOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h handlers) signOutEverywhere(c *fiber.Ctx) error {
	var in api.SignOutEverywhereRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	out, err := h.Accounts.SignOutEverywhere(c.UserContext(), auth.UserID(c), in.EndAccess)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) changePassword(c *fiber.Ctx) error {
	var in api.ChangePasswordRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.Accounts.ChangePassword(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) listAPITokens(c *fiber.Ctx) error {
	out, err := h.Accounts.APITokens(c.UserContext(), auth.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h handlers) createAPIToken(c *fiber.Ctx) error {
	var in api.APITokenInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := h.Accounts.CreateAPIToken(c.UserContext(), auth.UserID(c), in)
	if err != nil {
		return err
	}
	// The token is in this body and nowhere else: no cache may keep it.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h handlers) revokeAPIToken(c *fiber.Ctx) error {
	if err := h.Accounts.RevokeAPIToken(c.UserContext(), auth.UserID(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
