package rest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An error of a shape nobody classified (seen once in the e2e while the
// database pod restarted: a 500 where the product promises 503) is the
// outage when the database does not answer a ping, and a plain 500 when
// it does.
func TestUnclassifiedErrorsDuringAnOutageAre503(t *testing.T) {
	for _, c := range []struct {
		name   string
		ping   func(context.Context) error
		status int
	}{
		{"database down", func(context.Context) error { return errors.New("connection refused") }, http.StatusServiceUnavailable},
		{"database up", func(context.Context) error { return nil }, http.StatusInternalServerError},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := fiber.New(fiber.Config{ErrorHandler: ErrorHandler(nil, c.ping)})
			app.Get("/", func(*fiber.Ctx) error { return errors.New("conn closed in an unexpected way") })
			resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/", nil))
			require.NoError(t, err)
			assert.Equal(t, c.status, resp.StatusCode)
			if c.status == http.StatusServiceUnavailable {
				assert.Equal(t, RetryAfterSeconds, resp.Header.Get("Retry-After"))
			}
		})
	}
}
