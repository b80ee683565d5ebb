package websession

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

const secret = "websession-secret-websession-secret-000"

func testApp(t *testing.T) (*fiber.App, *auth.Tokens) {
	tokens, err := auth.NewTokens(secret, time.Hour)
	require.NoError(t, err)
	m := New(tokens, secret)
	app := fiber.New(fiber.Config{ErrorHandler: apierror.FiberHandler(nil)})
	app.Use(SecurityHeaders, m.Load, m.CSRF)
	app.Get("/form", func(c *fiber.Ctx) error { return c.SendString(CSRFToken(c)) })
	app.Post("/form", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/private", m.Require, func(c *fiber.Ctx) error { return c.SendString("hello " + UserID(c)) })
	return app, tokens
}

func TestCSRFRoundTrip(t *testing.T) {
	app, _ := testApp(t)
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/form", nil))
	require.NoError(t, err)
	token, _ := io.ReadAll(resp.Body)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == CSRFCookie {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	assert.True(t, cookie.HttpOnly)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")

	post := func(tok string, withCookie bool) int {
		req := httptest.NewRequest(http.MethodPost, "/form", strings.NewReader(url.Values{CSRFField: {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if withCookie {
			req.AddCookie(cookie)
		}
		resp, err := app.Test(req)
		require.NoError(t, err)
		return resp.StatusCode
	}
	assert.Equal(t, 200, post(string(token), true))
	assert.Equal(t, 403, post("forged", true))
	assert.Equal(t, 403, post("", true))
	assert.Equal(t, 403, post(string(token), false), "token without its cookie")
}

func TestRequireRedirectsAndAcceptsValidSession(t *testing.T) {
	app, tokens := testApp(t)
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/private?x=1", nil))
	require.NoError(t, err)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/signin?next=%2Fprivate%3Fx%3D1", resp.Header.Get("Location"))

	tok, _, err := tokens.Issue("user-7")
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/private", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
	resp, err = app.Test(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "hello user-7", string(body))

	expired, _, err := tokens.WithClock(func() time.Time { return time.Now().Add(-2 * time.Hour) }).Issue("user-7")
	require.NoError(t, err)
	req = httptest.NewRequest(http.MethodGet, "/private", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: expired})
	resp, err = app.Test(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "expired session goes back to sign-in")
}

func TestSafeNext(t *testing.T) {
	assert.Equal(t, "/tasks?q=x", SafeNext("/tasks?q=x"))
	for _, bad := range []string{"", "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"} {
		assert.Equal(t, "/", SafeNext(bad), bad)
	}
}
