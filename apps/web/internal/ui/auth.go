package ui

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/websession"
)

type authForm struct {
	Email  string
	Name   string
	Next   string
	Errors map[string]string
}

func (h *Handler) signInPage(c *fiber.Ctx) error {
	if websession.UserID(c) != "" {
		return c.Redirect(websession.SafeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.render(c, fiber.StatusOK, "signin", h.page(c, "Sign in", "signin", authForm{Next: websession.SafeNext(c.Query("next"))}))
}

func (h *Handler) signUpPage(c *fiber.Ctx) error {
	if websession.UserID(c) != "" {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return h.render(c, fiber.StatusOK, "signup", h.page(c, "Create your account", "signup", authForm{Next: websession.SafeNext(c.Query("next"))}))
}

func (h *Handler) signIn(c *fiber.Ctx) error {
	f := authForm{Email: strings.TrimSpace(c.FormValue("email")), Next: websession.SafeNext(c.FormValue("next"))}
	res, err := h.backend.SignIn(c.UserContext(), api.SignInRequest{Email: f.Email, Password: c.FormValue("password")})
	if err != nil {
		fields, ok := fieldErrors(err)
		if !ok {
			return err
		}
		f.Errors = fields
		status := fiber.StatusUnprocessableEntity
		if _, generic := fields["_"]; generic {
			status = fiber.StatusUnauthorized
		}
		return h.render(c, status, "signin", h.page(c, "Sign in", "signin", f))
	}
	h.startSession(c, res)
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

func (h *Handler) signUp(c *fiber.Ctx) error {
	f := authForm{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")), Next: websession.SafeNext(c.FormValue("next"))}
	res, err := h.backend.SignUp(c.UserContext(), api.SignUpRequest{Email: f.Email, Name: f.Name, Password: c.FormValue("password")})
	if err != nil {
		fields, ok := fieldErrors(err)
		if !ok {
			return err
		}
		f.Errors = fields
		return h.render(c, fiber.StatusUnprocessableEntity, "signup", h.page(c, "Create your account", "signup", f))
	}
	h.startSession(c, res)
	setFlash(c, "Welcome, "+res.User.Name+"! Add your first task below.")
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

func (h *Handler) startSession(c *fiber.Ctx, res api.AuthResponse) {
	h.sess.SetSession(c, res.Token, res.ExpiresAt)
	c.Cookie(&fiber.Cookie{Name: nameCookie, Value: res.User.Name, Path: "/", Expires: res.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

func (h *Handler) signOut(c *fiber.Ctx) error {
	h.sess.ClearSession(c)
	c.Cookie(&fiber.Cookie{Name: nameCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1})
	setFlash(c, "You are signed out.")
	return c.Redirect("/signin", fiber.StatusSeeOther)
}
