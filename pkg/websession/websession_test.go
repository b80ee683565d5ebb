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

	tok, _, err := tokens.Issue(auth.Claims{UserID: "user-7", SessionID: "s-7"})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/private", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
	resp, err = app.Test(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "hello user-7", string(body))

	expired, _, err := tokens.WithClock(func() time.Time { return time.Now().Add(-2 * time.Hour) }).Issue(auth.Claims{UserID: "user-7", SessionID: "s-7"})
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

// Known ways past a naive "starts with / but not //" check: what each
// becomes in a browser is in the comment. Every one must land on "/".
func TestSafeNextRefusesOpenRedirects(t *testing.T) {
	for _, bad := range []string{
		"",
		"https://evil.example",
		"//evil.example",              // scheme-relative
		"/\t/evil.example",            // the probe's case: the tab is stripped → //evil.example
		"/\n/evil.example",            // newlines are stripped too
		"/\r/evil.example",            //
		"/\\evil.example",             // backslash is a slash → //evil.example
		"\\/evil.example",             //
		"/%2F/evil.example",           // encoded slash
		"/%2f%2fevil.example",         //
		"/%5C/evil.example",           // encoded backslash
		"/%09/evil.example",           // encoded tab (decoded once by the query, again by a careless handler)
		"/\x00/evil.example",          // NUL
		"/\u0085/evil.example",        // C1 control
		"javascript:alert(1)",         //
		"/x\x7f",                      // DEL
		" //evil.example",             // leading space is trimmed by browsers
		"evil.example",                // relative, no slash
		"///evil.example",             //
		"/\u00a0/evil.example" + "\t", // trailing control
	} {
		assert.Equal(t, "/", SafeNext(bad), "%q", bad)
	}
	for next, want := range map[string]string{
		"/":                       "/",
		"/tasks":                  "/tasks",
		"/tasks?status=pending":   "/tasks?status=pending",
		"/tasks/42/edit":          "/tasks/42/edit",
		"/tasks?q=caf%C3%A9":      "/tasks?q=caf%C3%A9",
		"/tasks#top":              "/tasks",
		"/calendar?month=2026-12": "/calendar?month=2026-12",
	} {
		assert.Equal(t, want, SafeNext(next), "%q", next)
	}
}

// The probe's case end to end: /signin?next=/%09/evil.example must not
// answer a Location that leaves the site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/tasks", "/\t/evil", "//x", "/%2f/x", "/\\x", "/a?b=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
			t.Fatalf("SafeNext(%q) = %q leaves the site", next, got)
		}
		// What a browser does to it: drop tabs/newlines, backslash → slash.
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		if strings.HasPrefix(browser, "//") {
			t.Fatalf("SafeNext(%q) = %q becomes %q in a browser", next, got, browser)
		}
	})
}

func TestHTTPSOnlyFromTrustedProxies(t *testing.T) {
	build := func(trusted []string) *fiber.App {
		app := fiber.New(fiber.Config{EnableTrustedProxyCheck: len(trusted) > 0, TrustedProxies: trusted})
		app.Use(SecurityHeaders)
		app.Get("/", func(c *fiber.Ctx) error {
			if IsHTTPS(c) {
				return c.SendString("https")
			}
			return c.SendString("http")
		})
		return app
	}
	get := func(app *fiber.App) *http.Response {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := app.Test(req)
		require.NoError(t, err)
		return resp
	}
	resp := get(build(nil))
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "http", string(body), "anyone may send X-Forwarded-Proto: without trusted proxies it is ignored")
	assert.Empty(t, resp.Header.Get("Strict-Transport-Security"))

	// httptest's requests come from 0.0.0.0.
	resp = get(build([]string{"0.0.0.0"}))
	body, _ = io.ReadAll(resp.Body)
	assert.Equal(t, "https", string(body), "a trusted proxy's word is taken")
	assert.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"))
}

func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	app, tokens := testApp(t)
	get := func(session string) (string, *http.Cookie) {
		req := httptest.NewRequest(http.MethodGet, "/form", nil)
		if session != "" {
			req.AddCookie(&http.Cookie{Name: SessionCookie, Value: session})
		}
		resp, err := app.Test(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		for _, c := range resp.Cookies() {
			if c.Name == CSRFCookie {
				return string(body), c
			}
		}
		return string(body), nil
	}
	anonToken, seed := get("")
	require.NotNil(t, seed)
	tok, _, err := tokens.Issue(auth.Claims{UserID: "user-7", SessionID: "s-7"})
	require.NoError(t, err)
	post := func(csrf, session string) int {
		req := httptest.NewRequest(http.MethodPost, "/form", strings.NewReader(url.Values{CSRFField: {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(seed)
		if session != "" {
			req.AddCookie(&http.Cookie{Name: SessionCookie, Value: session})
		}
		resp, err := app.Test(req)
		require.NoError(t, err)
		return resp.StatusCode
	}
	assert.Equal(t, 200, post(anonToken, ""))
	assert.Equal(t, 403, post(anonToken, tok), "a token from before sign-in is not the session's")
}

// With CookieDomain the sign-in cookies are the domain's (web app and
// assistant on two host names share them); without it, the host's.
func TestCookieDomain(t *testing.T) {
	tokens, err := auth.NewTokens(secret, time.Hour)
	require.NoError(t, err)
	m := New(tokens, secret)
	for _, domain := range []string{"example.com", ""} {
		app := fiber.New()
		if domain != "" {
			app.Use(CookieDomain(domain))
		}
		app.Use(m.Load, m.CSRF)
		app.Get("/", func(c *fiber.Ctx) error {
			m.SetSession(c, "tok", time.Now().Add(time.Hour))
			return nil
		})
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/", nil))
		require.NoError(t, err)
		names := map[string]string{}
		for _, c := range resp.Cookies() {
			names[c.Name] = c.Domain
		}
		require.Contains(t, names, SessionCookie)
		require.Contains(t, names, CSRFCookie)
		assert.Equal(t, domain, names[SessionCookie], "session cookie")
		assert.Equal(t, domain, names[CSRFCookie], "CSRF cookie")
	}
}
