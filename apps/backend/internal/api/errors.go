package api

import (
	"errors"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

// RetryAfterSeconds is what a 503 asks clients to wait: about the time a
// restarted PostgreSQL pod takes to accept connections again.
const RetryAfterSeconds = "5"

// ErrorHandler is the envelope handler with the store's conditions mapped
// first: an unavailable database is 503 `unavailable` with Retry-After (the
// documented answer, never a 500), an unknown user is 401.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	base := apierror.FiberHandler(log)
	return func(c *fiber.Ctx, err error) error {
		return base(c, edgeError(c, err))
	}
}

// edgeError translates the store's conditions into the envelope's errors.
func edgeError(c *fiber.Ctx, err error) error {
	err = store.Classify(err)
	var locked *accounts.Locked
	switch {
	case errors.As(err, &locked):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(locked.Seconds()))
		return apierror.New(fiber.StatusTooManyRequests, apierror.CodeRateLimited, locked.Error())
	case errors.Is(err, store.ErrUnavailable):
		c.Set(fiber.HeaderRetryAfter, RetryAfterSeconds)
		return apierror.Unavailable("the database is unavailable right now; nothing was changed, try again in a few seconds")
	case errors.Is(err, store.ErrUnknownUser):
		return apierror.Unauthorized("this account no longer exists; sign in again")
	}
	return err
}

// KnownUser answers 401 when a valid token names a user the database does
// not have, on every route (a write would otherwise hit the foreign key,
// and a read would show an empty account as if it were real).
func KnownUser(acc *accounts.Service) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ok, err := acc.Exists(c.UserContext(), auth.UserID(c))
		if err != nil {
			return err
		}
		if !ok {
			return apierror.Unauthorized("this account no longer exists; sign in again")
		}
		return c.Next()
	}
}
