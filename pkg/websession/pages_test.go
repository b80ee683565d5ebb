package websession

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
)

func pageFS() fstest.MapFS {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"templates/layout.html": file(`<title>{{.}}</title>{{template "content" .}}`),
		"templates/_row.html":   file(`{{define "row"}}<li>{{shout .}}</li>{{end}}`),
		"templates/list.html":   file(`{{define "content"}}<ul>{{template "row" .}}</ul>{{end}}`),
		"templates/signin.html": file(`{{define "content"}}{{template "signin-form" .}}{{end}}`),
		"templates/signup.html": file(`{{define "content"}}sign up{{end}}`),
		"templates/error.html":  file(`{{define "content"}}oops{{end}}`),
	}
}

func TestPagesParseLayoutPartialsAndRender(t *testing.T) {
	p, err := ParsePages(pageFS(), template.FuncMap{"shout": strings.ToUpper})
	require.NoError(t, err)
	assert.Equal(t, []string{"error", "list", "signin", "signup"}, p.Names(), "the layout and partials are not pages")

	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error { return p.Render(c, http.StatusTeapot, "list", "milk") })
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/", nil))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Equal(t, "<title>milk</title><ul><li>MILK</li></ul>", string(body))
	assert.Equal(t, "no-store", resp.Header.Get(fiber.HeaderCacheControl))
	assert.Contains(t, resp.Header.Get(fiber.HeaderContentType), "text/html")

	var b strings.Builder
	require.NoError(t, p.RenderPart(&b, "list", "row", "tea"))
	assert.Equal(t, "<li>TEA</li>", b.String())
	assert.Error(t, p.RenderPart(&b, "nope", "row", nil))
}

func TestPagesRefuseAnAppWithoutTheSharedPages(t *testing.T) {
	fsys := pageFS()
	delete(fsys, "templates/error.html")
	_, err := ParsePages(fsys, template.FuncMap{"shout": strings.ToUpper})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "templates/error.html is missing")
}

func TestClassifyTellsPeopleWhatHappened(t *testing.T) {
	unreachable := fmt.Errorf("calling backend GET /x: %w: %w", client.ErrUnreachable, errors.New("connection refused"))
	cases := []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"backend unreachable", unreachable, http.StatusServiceUnavailable, "can't reach the task service"},
		{"backend failed", apierror.Internal(), http.StatusBadGateway, "had a problem"},
		{"backend unavailable stays 503", apierror.Unavailable("db down"), http.StatusServiceUnavailable, "db down"},
		{"not found passes", apierror.NotFound("task 3"), http.StatusNotFound, "task 3"},
		{"fields say what to fix", apierror.Validation(map[string]string{"title": "is required", "due_at": "is not a date"}),
			http.StatusUnprocessableEntity, "Due_at: is not a date; Title: is required"},
		{"a route that does not exist", fiber.ErrNotFound, http.StatusNotFound, ""},
		{"anything else is ours", errors.New("template broke"), http.StatusInternalServerError, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := Classify(tc.err)
			assert.Equal(t, tc.status, e.Status)
			assert.Contains(t, e.Message, tc.message)
			assert.NotContains(t, e.Message, "connection refused", "internals stay in the log")
		})
	}
}

func TestErrorPages(t *testing.T) {
	tokens, err := auth.NewTokens(secret, time.Hour)
	require.NoError(t, err)
	m := New(tokens, secret)
	var logged strings.Builder
	app := fiber.New(fiber.Config{ErrorHandler: ErrorPages{Session: m, Log: slog.New(slog.NewJSONHandler(&logged, nil)),
		JSON: func(c *fiber.Ctx) bool { return c.Path() == "/stream" },
		Render: func(c *fiber.Ctx, status int, title string, e *apierror.Error) error {
			return c.Status(status).SendString("page: " + title + ": " + e.Message)
		}}.Handle})
	app.Get("/expired", func(c *fiber.Ctx) error { return apierror.Unauthorized("session ended") })
	app.Get("/stream", func(c *fiber.Ctx) error { return apierror.Unauthorized("session ended") })
	app.Get("/down", func(c *fiber.Ctx) error { return fmt.Errorf("x: %w", client.ErrUnreachable) })

	get := func(path, accept string) (*http.Response, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set(fiber.HeaderAccept, accept)
		resp, err := app.Test(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, _ := get("/expired?tab=2", "text/html")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "an expired session goes to sign-in")
	assert.Equal(t, "/signin?next=%2Fexpired%3Ftab%3D2", resp.Header.Get(fiber.HeaderLocation), "and comes back after")

	resp, body := get("/expired", fiber.MIMEApplicationJSON)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a page script gets the envelope")
	assert.JSONEq(t, `{"error":{"code":"unauthorized","message":"session ended"}}`, body)

	resp, body = get("/stream", "text/event-stream")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the app's JSON paths get the envelope too")
	assert.Contains(t, body, `"code":"unauthorized"`)

	resp, body = get("/down", "text/html")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "page: Temporarily unavailable: We can't reach the task service right now. Your tasks are safe — please try again in a moment.", body)
	assert.Contains(t, logged.String(), `"path":"/down"`, "server-side failures are logged")
}

func TestSharedScriptIsServed(t *testing.T) {
	app := fiber.New()
	RegisterAssets(app)
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, ScriptPath, nil))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get(fiber.HeaderContentType), "javascript")
	assert.Contains(t, string(b), `document.cookie = "tz="`)
}
