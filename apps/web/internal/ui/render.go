// Package ui is the web app's pages: server-rendered HTML from embedded
// templates, one file of handlers per area, forms that work without
// JavaScript. It talks to the backend only through pkg/client.
package ui

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/websession"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Static is the embedded CSS and JavaScript, served under /static.
func Static() fs.FS {
	sub, _ := fs.Sub(staticFiles, "static")
	return sub
}

// Handler serves every page.
type Handler struct {
	backend    *client.Client
	sess       *websession.Manager
	pages      map[string]*template.Template
	chatbotURL string
	log        *slog.Logger
	now        func() time.Time
}

// NewHandler parses the templates once.
func NewHandler(backend *client.Client, sess *websession.Manager, chatbotURL string, log *slog.Logger, now func() time.Time) (*Handler, error) {
	h := &Handler{backend: backend, sess: sess, chatbotURL: chatbotURL, log: log, now: now, pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs()).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", n, err)
		}
		if t, err = websession.ParseAuthForms(t); err != nil {
			return nil, err
		}
		h.pages[base] = t
	}
	return h, nil
}

// page is what every template receives.
type page struct {
	Title      string
	Nav        string
	SignedIn   bool
	UserName   string
	CSRF       string
	ChatbotURL string
	Flash      string
	// CanUndo offers to restore the task deleted last.
	CanUndo bool
	// Path is this page (with its query), where quick add comes back to.
	Path string
	Loc  *time.Location
	Now  time.Time
	Data any
}

func (h *Handler) page(c *fiber.Ctx, title, nav string, data any) page {
	p := page{
		Title: title, Nav: nav, SignedIn: websession.UserID(c) != "", UserName: websession.DisplayName(c),
		CSRF: websession.CSRFToken(c), ChatbotURL: h.chatbotURL, Loc: websession.Location(c), Now: h.now(), Data: data,
	}
	if f := c.Cookies(flashCookie); f != "" {
		p.Flash, _ = url.QueryUnescape(f)
		clearCookie(c, flashCookie)
	}
	p.CanUndo = readUndo(c) != 0
	if c.Method() == fiber.MethodGet {
		p.Path = websession.SafeNext(c.OriginalURL())
	} else {
		p.Path = "/"
	}
	return p
}

func (h *Handler) render(c *fiber.Ctx, status int, name string, p page) error {
	t, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	c.Status(status)
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return t.Execute(c.Response().BodyWriter(), p)
}

const flashCookie = "todo_flash"

func setFlash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(time.Minute)})
}

func clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

// ErrorHandler renders errors as pages people understand (JSON for the
// page scripts), and sends expired sessions back to sign-in.
func (h *Handler) ErrorHandler(c *fiber.Ctx, err error) error {
	e := classify(err)
	if e.Status == http.StatusUnauthorized && !websession.WantsJSON(c) && c.Path() != "/signin" {
		h.sess.ClearSession(c)
		next := "/"
		if c.Method() == fiber.MethodGet {
			next = c.OriginalURL()
		}
		return c.Redirect("/signin?next="+url.QueryEscape(next), fiber.StatusSeeOther)
	}
	if e.Status >= 500 {
		h.log.ErrorContext(c.UserContext(), "request failed", slog.String("path", c.Path()), slog.String("error", err.Error()))
	}
	if websession.WantsJSON(c) {
		return c.Status(e.Status).JSON(apierror.Envelope{Error: e})
	}
	title := "Something went wrong"
	switch {
	case e.Status == http.StatusNotFound:
		title = "Not found"
	case e.Status == http.StatusForbidden:
		title = "Not allowed"
	case e.Status == http.StatusServiceUnavailable:
		title = "Temporarily unavailable"
	case e.Status == http.StatusBadGateway:
		title = "Task service error"
	}
	return h.render(c, e.Status, "error", h.page(c, title, "", e))
}

// classify maps an error to what the person should see. A backend that
// cannot be reached is a 503; a backend failure is a 502.
func classify(err error) *apierror.Error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return apierror.FromError(fe)
	}
	e, ok := apierror.As(err)
	if !ok {
		if errors.Is(err, client.ErrUnreachable) {
			return apierror.New(http.StatusServiceUnavailable, apierror.CodeUnavailable,
				"We can't reach the task service right now. Your tasks are safe — please try again in a moment.")
		}
		return apierror.Internal()
	}
	if e.Status >= 500 && e.Status != http.StatusServiceUnavailable {
		return apierror.New(http.StatusBadGateway, "bad_gateway", "The task service had a problem. Please try again in a moment.")
	}
	return e
}

// asUser is the backend client acting as the signed-in user.
func (h *Handler) asUser(c *fiber.Ctx) *client.Client {
	return h.backend.WithSession(websession.Token(c), websession.UserID(c))
}
