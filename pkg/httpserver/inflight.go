package httpserver

import (
	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// InFlight lets at most n requests through at once and queues the rest
// (n <= 0: no limit). Each in-flight request holds its response in memory,
// so once the CPU is busy more concurrency only costs memory; measured in
// docs/benchmarks.md.
func InFlight(n int) fiber.Handler {
	if n <= 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	slots := make(chan struct{}, n)
	return func(c *fiber.Ctx) error {
		select {
		case slots <- struct{}{}:
		case <-c.Context().Done():
			return apierror.Unavailable("shutting down")
		}
		defer func() { <-slots }()
		return c.Next()
	}
}
