// Package ui is the web app's pages: server-rendered HTML from embedded
// templates, one file of handlers per area, forms that work without
// JavaScript. It talks to the backend only through pkg/client.
package ui

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
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
	pages      *websession.Pages
	chatbotURL string
	log        *slog.Logger
	now        func() time.Time
}

// NewHandler parses the templates once.
func NewHandler(backend *client.Client, sess *websession.Manager, chatbotURL string, log *slog.Logger, now func() time.Time) (*Handler, error) {
	pages, err := websession.ParsePages(templateFiles, funcs())
	if err != nil {
		return nil, err
	}
	return &Handler{backend: backend, sess: sess, chatbotURL: chatbotURL, log: log, now: now, pages: pages}, nil
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
	// Projects are the sidebar's: the live projects in order, the Inbox
	// first, with their open counts. Empty when the backend could not
	// list them (the page still shows; the sidebar keeps its other links).
	Projects []api.Project
	// ArchivedProjects are listed apart, folded, so they can be found
	// and unarchived.
	ArchivedProjects []api.Project
	// ProjectColors are the colours a new project may take.
	ProjectColors []string
	// ProjectNames names each project but the Inbox, for the label on a
	// task's row (Today, Upcoming, the list).
	ProjectNames map[int64]string
	// ProjectID is the project this page shows, marked in the sidebar.
	ProjectID int64
	// UndoProject offers to undo the last project archived or deleted.
	UndoProject string
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
	if p.SignedIn {
		p.UndoProject = readProjectUndo(c).Label()
		h.sidebar(c, &p)
	}
	if c.Method() == fiber.MethodGet {
		p.Path = websession.SafeNext(c.OriginalURL())
	} else {
		p.Path = "/"
	}
	return p
}

// sidebar fills the page's projects. A failure leaves the sidebar without
// them rather than fail the page: an error page must still render, and
// every page names its own failure when it has one.
func (h *Handler) sidebar(c *fiber.Ctx, p *page) {
	list, err := h.asUser(c).ListProjects(c.UserContext(), true)
	if err != nil {
		h.log.DebugContext(c.UserContext(), "listing projects for the sidebar", "err", err)
		return
	}
	p.ProjectColors = api.ProjectColors()
	p.ProjectNames = make(map[int64]string, len(list.Projects))
	for _, pr := range list.Projects {
		if pr.Archived {
			p.ArchivedProjects = append(p.ArchivedProjects, pr)
		} else {
			p.Projects = append(p.Projects, pr)
		}
		if !pr.Inbox {
			p.ProjectNames[pr.ID] = pr.Name
		}
	}
}

func (h *Handler) render(c *fiber.Ctx, status int, name string, p page) error {
	return h.pages.Render(c, status, name, p)
}

const flashCookie = "todo_flash"

func setFlash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: websession.IsHTTPS(c), Expires: time.Now().Add(time.Minute)})
}

func clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: websession.IsHTTPS(c)})
}

// ErrorHandler renders errors as pages people understand (JSON for the
// page scripts), and sends expired sessions back to sign-in.
func (h *Handler) ErrorHandler(c *fiber.Ctx, err error) error {
	return websession.ErrorPages{Session: h.sess, Log: h.log,
		Render: func(c *fiber.Ctx, status int, title string, e *apierror.Error) error {
			return h.render(c, status, "error", h.page(c, title, "", e))
		}}.Handle(c, err)
}

// asUser is the backend client acting as the signed-in user.
func (h *Handler) asUser(c *fiber.Ctx) *client.Client {
	return h.backend.WithSession(websession.Token(c), websession.UserID(c))
}
