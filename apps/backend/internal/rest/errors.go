package rest

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts"
	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/apierror"
)

// RetryAfterSeconds is what a 503 asks clients to wait: about the time a
// restarted PostgreSQL pod takes to accept connections again.
const RetryAfterSeconds = "5"

// ErrorHandler is the envelope handler with the store's conditions mapped
// first: an unavailable database is 503 `unavailable` with Retry-After (the
// documented answer, never a 500), an unknown user is 401. ping checks the
// database: an error nobody classified, met while the database does not
// answer, is that outage too (a driver error from a connection cut in the
// middle of a restart has many shapes).
func ErrorHandler(log *slog.Logger, ping func(context.Context) error) fiber.ErrorHandler {
	base := apierror.FiberHandler(log)
	return func(c *fiber.Ctx, err error) error {
		return base(c, edgeError(c, err, ping))
	}
}

// edgeError translates the domain's errors and the store's conditions
// into the envelope's errors.
func edgeError(c *fiber.Ctx, err error, ping func(context.Context) error) error {
	err = store.Classify(err)
	var locked *accounts.Locked
	var invalid *domain.Invalid
	var missing *domain.NotFound
	var unauthenticated *domain.Unauthenticated
	var conflict *domain.Conflict
	var quota *store.QuotaError
	switch {
	case errors.As(err, &invalid):
		return apierror.Validation(invalid.Fields)
	case errors.As(err, &missing):
		return apierror.NotFound(missing.What)
	case errors.As(err, &unauthenticated):
		return apierror.Unauthorized(unauthenticated.Reason)
	case errors.As(err, &conflict):
		return apierror.Conflict(conflict.Reason)
	case errors.As(err, &locked):
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(locked.Seconds()))
		return apierror.New(fiber.StatusTooManyRequests, apierror.CodeRateLimited, locked.Error())
	case errors.Is(err, store.ErrUnavailable):
		c.Set(fiber.HeaderRetryAfter, RetryAfterSeconds)
		return apierror.Unavailable("the database is unavailable right now; nothing was changed, try again in a few seconds")
	case errors.As(err, &quota):
		return apierror.New(fiber.StatusForbidden, apierror.CodeQuotaExceeded, quota.Message())
	case errors.Is(err, store.ErrTooSlow):
		c.Set(fiber.HeaderRetryAfter, RetryAfterSeconds)
		return apierror.Unavailable("this request took longer than the database allows (DB_STATEMENT_TIMEOUT); nothing was changed: narrow it (a shorter search, fewer tasks at once) or try again")
	case errors.Is(err, store.ErrUnknownUser):
		return apierror.Unauthorized("this account no longer exists; sign in again")
	}
	var fe *fiber.Error
	if _, ours := apierror.As(err); !ours && !errors.As(err, &fe) && ping != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if ping(ctx) != nil {
			c.Set(fiber.HeaderRetryAfter, RetryAfterSeconds)
			return apierror.Unavailable("the database is unavailable right now; nothing was changed, try again in a few seconds")
		}
	}
	return err
}
