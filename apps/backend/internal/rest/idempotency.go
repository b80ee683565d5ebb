package rest

import (
	"crypto/sha256"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

// idempotent answers a repeated change (api.IdempotencyKeyHeader) from
// what the first answer was. Go's http.Transport sends such a request
// again by itself when a reused connection was closed under it (a backend
// pod shutting down), which it never does for a POST without the header.
// Answers 500 and over are not kept, so sending again tries again; every
// other answer (a 422 too) is the request's answer for 24 hours.
func (h handlers) idempotent(c *fiber.Ctx) error {
	key := c.Get(api.IdempotencyKeyHeader)
	if key == "" {
		return c.Next()
	}
	if !validIdempotencyKey(key) {
		return apierror.Field(api.IdempotencyKeyHeader, "must be 1 to 255 visible ASCII characters")
	}
	user := auth.UserID(c)
	sum := sha256.New()
	sum.Write([]byte(c.Method() + "\n" + c.OriginalURL() + "\n"))
	sum.Write(c.Body())
	fingerprint := sum.Sum(nil)
	ctx := c.UserContext()
	claimed, row, err := h.Store.ClaimIdempotencyKey(ctx, user, key, fingerprint)
	if err != nil {
		return err
	}
	if !claimed {
		switch {
		case string(row.Fingerprint) != string(fingerprint):
			return apierror.Field(api.IdempotencyKeyHeader, "was already used with a different request; use a new key for a new change")
		case row.Status == nil:
			c.Set(fiber.HeaderRetryAfter, "1")
			return apierror.Conflict("a request with this Idempotency-Key is still being answered; try again in a moment")
		}
		c.Set(api.IdempotentReplayedHeader, "true")
		if row.ContentType != "" {
			c.Set(fiber.HeaderContentType, row.ContentType)
		}
		return c.Status(*row.Status).Send(row.Body)
	}
	if err := c.Next(); err != nil {
		// Answer here, as the app would, to keep what was answered.
		if herr := c.App().Config().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	if status >= fiber.StatusInternalServerError {
		if err := h.Store.ReleaseIdempotencyKey(ctx, user, key); err != nil {
			h.Logger.Warn("an idempotency key stays claimed for a minute", slog.String("error", err.Error()))
		}
		return nil
	}
	if err := h.Store.FinishIdempotencyKey(ctx, user, key, status,
		string(c.Response().Header.ContentType()), c.Response().Body()); err != nil {
		// The change is made and answered; a repeat within the claim's
		// minute is told to wait, after it the change is made again.
		h.Logger.Warn("the answer to an idempotent request was not kept", slog.String("error", err.Error()))
	}
	return nil
}

func validIdempotencyKey(k string) bool {
	if len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
