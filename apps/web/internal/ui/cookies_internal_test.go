package ui

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The page's own short-lived cookies (the flash message, the undo of a
// delete, and their clearing) are Secure over HTTPS like the session's:
// the probe found todo_flash and todo_undo without it.
func TestFlashAndUndoCookiesAreSecureOverHTTPS(t *testing.T) {
	app := fiber.New(fiber.Config{EnableTrustedProxyCheck: true, TrustedProxies: []string{"0.0.0.0/0"}, ProxyHeader: fiber.HeaderXForwardedFor})
	app.Get("/", func(c *fiber.Ctx) error {
		setFlash(c, "saved")
		saveUndo(c, 7)
		clearCookie(c, "old")
		return c.SendStatus(fiber.StatusNoContent)
	})
	for _, https := range []bool{true, false} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if https {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		resp, err := app.Test(req)
		require.NoError(t, err)
		cookies := resp.Cookies()
		require.Len(t, cookies, 3)
		for _, c := range cookies {
			assert.Equal(t, https, c.Secure, "%s over HTTPS: %v", c.Name, https)
			assert.True(t, c.HttpOnly, c.Name)
		}
	}
}
