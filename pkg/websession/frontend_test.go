package websession

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// Both frontends start through Frontend: what it mounts around an app's
// routes is what each of them serves.
func TestFrontendMountsTheSharedRoutesAroundTheApps(t *testing.T) {
	for _, domain := range []string{"example.com", ""} {
		cfg := config.Frontend{AuthSecret: secret, BackendURL: "http://127.0.0.1:1", CookieDomain: domain,
			ShutdownGrace: time.Second, EventsPoll: time.Second, EventsPerPerson: 2, MaxConns: 100,
			TrustedProxies: []string{"10.0.0.0/8"}}
		fe, err := NewFrontend(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
		require.NoError(t, err)
		opts := fe.Options("web", nil)
		assert.Equal(t, "web", opts.Name)
		assert.Equal(t, cfg.TrustedProxies, opts.TrustedProxies)
		assert.Equal(t, cfg.MaxConns, opts.MaxConns)
		assert.Equal(t, cfg.ShutdownGrace, opts.ShutdownGrace)

		srv := httpserver.New(opts)
		fe.Mount(srv, func(app *fiber.App) {
			app.Use(fe.Session.Load)
			app.Get("/signin", func(c *fiber.Ctx) error {
				fe.Session.SetSession(c, "tok", time.Now().Add(time.Hour))
				return c.SendString("signed in")
			})
		})

		// The cookie domain is applied to the app's own routes.
		resp, err := srv.App.Test(httptest.NewRequest(http.MethodGet, "/signin", nil))
		require.NoError(t, err)
		var got *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == SessionCookie {
				got = c
			}
		}
		require.NotNil(t, got, "the app's route set no session cookie")
		assert.Equal(t, domain, got.Domain, "the session cookie's domain")

		// The reminders' stream is mounted, behind the session.
		req := httptest.NewRequest(http.MethodGet, "/events", nil)
		req.Header.Set("Accept", "application/json")
		resp, err = srv.App.Test(req)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "GET /events without a session")
	}
}
