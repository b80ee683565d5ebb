package apierror

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// FiberHandler turns any error returned by a handler into the envelope.
// Errors we did not classify are logged and answered with a generic 500,
// so no stack trace or SQL ever reaches a client.
func FiberHandler(logger *slog.Logger) fiber.ErrorHandler {
	if logger == nil {
		logger = slog.Default()
	}
	return func(c *fiber.Ctx, err error) error {
		e := FromError(err)
		if e.Status >= 500 && e.Code == CodeInternal {
			logger.ErrorContext(c.UserContext(), "request failed",
				slog.String("method", c.Method()), slog.String("path", c.Path()),
				slog.Any("request_id", c.Locals("requestid")), slog.String("error", err.Error()))
		}
		return c.Status(e.Status).JSON(Envelope{Error: e})
	}
}

// FromError classifies err: our own errors pass through, Fiber's errors
// keep their status with a stable code, everything else becomes a 500.
func FromError(err error) *Error {
	if e, ok := As(err); ok {
		return e
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fromStatus(fe.Code, fe.Message)
	}
	return Internal()
}

func fromStatus(status int, message string) *Error {
	code := CodeBadRequest
	switch status {
	case http.StatusUnauthorized:
		code = CodeUnauthorized
	case http.StatusForbidden:
		code = CodeForbidden
	case http.StatusNotFound:
		code = CodeNotFound
		message = "no such endpoint"
	case http.StatusMethodNotAllowed:
		code = CodeMethod
	case http.StatusConflict:
		code = CodeConflict
	case http.StatusRequestEntityTooLarge:
		code = CodeTooLarge
		message = "request body is too large (limit 1 MiB)"
	case http.StatusUnsupportedMediaType:
		code = CodeUnsupported
	case http.StatusTooManyRequests:
		code = CodeRateLimited
		message = "too many requests; slow down and try again shortly"
	case http.StatusServiceUnavailable:
		code = CodeUnavailable
	case http.StatusRequestTimeout:
		code = CodeTimeout
	}
	if status >= 500 && status != http.StatusServiceUnavailable {
		return Internal()
	}
	return New(status, code, message)
}
