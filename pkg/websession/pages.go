package websession

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
)

// Pages are a frontend's server-rendered pages, parsed once: each page
// template in templates/ with the app's layout.html, its partials
// (_*.html) and the shared sign-in/up forms.
type Pages struct{ byName map[string]*template.Template }

// ParsePages parses every page under templates/ in fsys.
func ParsePages(fsys fs.FS, funcs template.FuncMap) (*Pages, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("listing templates: %w", err)
	}
	partials, err := fs.Glob(fsys, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("listing partial templates: %w", err)
	}
	p := &Pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		files := append([]string{"templates/layout.html"}, partials...)
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, append(files, n)...)
		if err != nil {
			return nil, fmt.Errorf("parsing template %s: %w", n, err)
		}
		if t, err = ParseAuthForms(t); err != nil {
			return nil, err
		}
		p.byName[base] = t
	}
	for _, must := range []string{"signin", "signup", "error"} {
		if p.byName[must] == nil {
			return nil, fmt.Errorf("templates/%s.html is missing: every frontend has the sign-in, sign-up and error pages", must)
		}
	}
	return p, nil
}

// Names lists the pages, sorted.
func (p *Pages) Names() []string {
	out := make([]string, 0, len(p.byName))
	for n := range p.byName {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Render writes page name with data; pages are never cached (they show
// one person's data).
func (p *Pages) Render(c *fiber.Ctx, status int, name string, data any) error {
	t, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	c.Status(status)
	c.Type("html", "utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return t.Execute(c.Response().BodyWriter(), data)
}

// Classify maps an error to what the person should see: a backend that
// cannot be reached is a 503, a backend failure a 502 (its details stay in
// the log), a validation error says what to fix field by field.
func Classify(err error) *apierror.Error {
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
	if len(e.Fields) > 0 {
		// Say what to fix rather than "some fields are invalid".
		msgs := make([]string, 0, len(e.Fields))
		for f, m := range e.Fields {
			msgs = append(msgs, strings.ToUpper(f[:1])+f[1:]+": "+m)
		}
		slices.Sort(msgs)
		return &apierror.Error{Status: e.Status, Code: e.Code, Message: strings.Join(msgs, "; "), Fields: e.Fields, Details: e.Details}
	}
	return e
}

// ErrorTitle is the heading of an error page.
func ErrorTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusServiceUnavailable:
		return "Temporarily unavailable"
	case http.StatusBadGateway:
		return "Task service error"
	}
	return "Something went wrong"
}

// ErrorPages is the Fiber error handler both frontends use: an expired
// session goes back to sign-in (and then to where the person was), page
// scripts get the JSON envelope, people get the app's "error" page.
type ErrorPages struct {
	Session *Manager
	Log     *slog.Logger
	// JSON says whether this request wants JSON even without asking for
	// it in Accept (the chat's event stream); optional.
	JSON func(c *fiber.Ctx) bool
	// Render shows the "error" page for e under title.
	Render func(c *fiber.Ctx, status int, title string, e *apierror.Error) error
}

// Handle is the fiber.ErrorHandler.
func (p ErrorPages) Handle(c *fiber.Ctx, err error) error {
	e := Classify(err)
	wantsJSON := WantsJSON(c) || (p.JSON != nil && p.JSON(c))
	if e.Status == http.StatusUnauthorized && !wantsJSON && c.Path() != "/signin" {
		p.Session.ClearSession(c)
		next := "/"
		if c.Method() == fiber.MethodGet {
			next = c.OriginalURL()
		}
		return c.Redirect("/signin?next="+url.QueryEscape(next), fiber.StatusSeeOther)
	}
	if e.Status >= 500 {
		p.Log.ErrorContext(c.UserContext(), "request failed", slog.String("path", c.Path()), slog.String("error", err.Error()))
	}
	if wantsJSON {
		return c.Status(e.Status).JSON(apierror.Envelope{Error: e})
	}
	return p.Render(c, e.Status, ErrorTitle(e.Status), e)
}

//go:embed static
var staticFiles embed.FS

// ScriptPath is where Register serves the shared page script (the time
// zone cookie); both layouts load it.
const ScriptPath = "/static/session.js"

// StylePath is where RegisterAssets serves the shared styles (the
// reminder banner).
const StylePath = "/static/session.css"

// RegisterAssets serves the shared page script and styles.
func RegisterAssets(app fiber.Router) {
	serve := func(path, file, kind string) {
		app.Get(path, func(c *fiber.Ctx) error {
			b, err := staticFiles.ReadFile(file)
			if err != nil {
				return err
			}
			c.Type(kind, "utf-8")
			c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
			return c.Send(b)
		})
	}
	serve(ScriptPath, "static/session.js", "js")
	serve(StylePath, "static/session.css", "css")
}

// RenderPart writes the template part (a {{define}}) of page into w: a
// fragment the page script swaps in.
func (p *Pages) RenderPart(w io.Writer, page, part string, data any) error {
	t, ok := p.byName[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	return t.ExecuteTemplate(w, part, data)
}
