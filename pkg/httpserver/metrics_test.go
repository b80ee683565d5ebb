package httpserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Requests are counted by route pattern and status, and the metrics are
// served on their own listener.
func TestMetricsByRoutePattern(t *testing.T) {
	s := New(Options{Name: "test", Logger: slog.New(slog.DiscardHandler)})
	m := s.Metrics()
	s.App.Get("/items/:id", func(c *fiber.Ctx) error { return c.SendString(c.Params("id")) })
	s.App.Post("/items", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusCreated) })
	for _, r := range []struct{ method, path string }{{"POST", "/items"}, {"GET", "/items/1"}, {"GET", "/items/2"}, {"GET", "/nothing-here"}} {
		resp, err := s.App.Test(httptest.NewRequest(r.method, r.path, nil))
		require.NoError(t, err)
		resp.Body.Close()
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.serve(ctx, ln, slog.New(slog.DiscardHandler)) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cancel()
	require.NoError(t, <-done)

	text := string(body)
	assert.Contains(t, text, `http_requests_total{app="test",method="GET",route="/items/:id",status="200"} 2`, "one series for every id")
	assert.Contains(t, text, `http_requests_total{app="test",method="GET",route="unmatched",status="404"} 1`)
	assert.Contains(t, text, `http_requests_total{app="test",method="POST",route="/items",status="201"} 1`,
		"label values own their bytes (fiber reuses the buffer the method was read from)")
	assert.Contains(t, text, `http_request_duration_seconds_bucket{app="test",method="GET",route="/items/:id",le="+Inf"} 2`)
	assert.Contains(t, text, "go_goroutines", "the Go runtime")
	assert.NotContains(t, text, "/items/1", "no raw paths")
}
