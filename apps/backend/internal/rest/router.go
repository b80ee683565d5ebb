package rest

import (
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts"
	"github.com/todo-app/todo-app/apps/backend/internal/calendar"
	"github.com/todo-app/todo-app/apps/backend/internal/conversations"
	"github.com/todo-app/todo-app/apps/backend/internal/openapi"
	"github.com/todo-app/todo-app/apps/backend/internal/projects"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/apps/backend/internal/transfer"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/clientip"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// paramRe is a Fiber path parameter (":id"), which the route table writes
// as OpenAPI does ("{id}").
var paramRe = regexp.MustCompile(`:([a-z_]+)`)

// Deps are what the handlers need.
type Deps struct {
	Store    *store.Store
	Tasks    *tasks.Service
	Accounts *accounts.Service
	Transfer *transfer.Service
	// Projects are the projects and sections tasks live in.
	Projects *projects.Service
	// Conversations are the assistant's conversations.
	Conversations *conversations.Service
	// Calendar is the private calendar feed.
	Calendar *calendar.Service
	Logger   *slog.Logger
	// ImportMaxMB bounds an import file (config IMPORT_MAX_MB).
	ImportMaxMB   int
	FrontendURLs  []string
	AuthRateLimit int
	// AuthSecret keys the frontends' signatures of browser addresses.
	AuthSecret string
	// Admission bounds per-user requests: at most MaxInFlight at once in
	// the process, a fair share per user, a bounded wait and a per-user
	// budget (httpserver.Admission). Sign-in and sign-up are not counted:
	// their bcrypt time would hold slots the quick requests need.
	Admission httpserver.AdmissionOptions
}

type handlers struct {
	Deps
	// clients checks the browser addresses the frontends sign.
	clients *auth.ClientAddresses
}

// clientAddress is the address sign-in limits count: the browser's as a
// frontend signed it (found by pkg/clientip's rule there), else the
// client's by the same rule here, where no proxy is trusted: the peer's.
// An unsigned X-Forwarded-For is never believed.
func (h handlers) clientAddress(c *fiber.Ctx) string {
	if ip, ok := h.clients.Verify(c.Get(auth.ClientHeader), time.Now()); ok {
		return ip
	}
	return clientip.Of(c)
}

// Register mounts the REST API on app.
func Register(app *fiber.App, d Deps) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	h := handlers{Deps: d, clients: auth.NewClientAddresses(d.AuthSecret)}
	app.Use("/api", cors.New(cors.Config{
		AllowOrigins:  strings.Join(d.FrontendURLs, ","),
		AllowMethods:  "GET,POST,PUT,PATCH,DELETE,OPTIONS",
		AllowHeaders:  "Authorization,Content-Type," + api.IdempotencyKeyHeader,
		ExposeHeaders: api.IdempotentReplayedHeader,
		MaxAge:        600,
	}))
	authLimit := limiter.New(limiter.Config{
		Max:        d.AuthRateLimit,
		Expiration: time.Minute,
		// The browser's address as a frontend signed it, else the peer's:
		// an unsigned X-Forwarded-For is never believed.
		KeyGenerator: h.clientAddress,
		LimitReached: func(*fiber.Ctx) error {
			return apierror.New(fiber.StatusTooManyRequests, apierror.CodeRateLimited, "too many sign-in attempts; wait a minute and try again")
		},
	})
	// Every request after sign-in names an open session or a live API
	// token (accounts.Authenticate), and a read-only token only reads.
	requireToken := auth.Middleware(d.Accounts)

	// A calendar feed is read by its token alone (calendar apps have no
	// session); the web app passes it through at /calendar/{token}.ics.
	app.Get("/api/calendar/:token", h.calendarICS)
	app.Get("/api/openapi.json", serveOpenAPI)
	app.Get("/api/docs", serveReference)
	app.Post("/api/auth/sign-up", authLimit, h.signUp)
	app.Post("/api/auth/sign-in", authLimit, h.signIn)
	app.Get("/api/auth/me", requireToken, h.me)
	app.Patch("/api/auth/me", requireToken, auth.RequireSession, h.setPreferences)
	app.Post("/api/auth/sign-out", requireToken, auth.RequireSession, h.signOut)
	app.Post("/api/auth/sign-out-everywhere", requireToken, auth.RequireSession, h.signOutEverywhere)
	// The current password is checked with bcrypt: limited like sign-in.
	app.Put("/api/auth/password", authLimit, requireToken, auth.RequireSession, h.changePassword)

	// Every per-user route checks the token and that :user_id is its subject.
	adm := d.Admission
	adm.Key = auth.UserID
	queue := httpserver.Admission(adm)
	own := func(method, path string, handlers ...fiber.Handler) {
		// The scope a token needs is the route table's (openapi.Route.Scope):
		// a route served without its row is a programming error.
		row, ok := openapi.Find(method, "/api/{user_id}"+paramRe.ReplaceAllString(path, "{$1}"))
		if !ok {
			panic("rest: " + method + " /api/:user_id" + path + " has no row in openapi.Routes")
		}
		chain := []fiber.Handler{requireToken, auth.SameUser("user_id"), auth.RequireScope(auth.Scope(row.Scope)), noNULInQuery, queue}
		if api.TakesIdempotencyKey(method, path) {
			chain = append(chain, h.idempotent)
		}
		chain = append(chain, handlers...)
		app.Add(method, "/api/:user_id"+path, chain...)
	}
	own(fiber.MethodGet, "/tokens", auth.RequireSession, h.listAPITokens)
	own(fiber.MethodPost, "/tokens", auth.RequireSession, h.createAPIToken)
	own(fiber.MethodDelete, "/tokens/:id", auth.RequireSession, h.revokeAPIToken)
	own(fiber.MethodGet, "/calendar-feed", auth.RequireSession, h.calendarFeed)
	own(fiber.MethodPost, "/calendar-feed", auth.RequireSession, h.enableCalendarFeed)
	own(fiber.MethodPatch, "/calendar-feed", auth.RequireSession, h.scopeCalendarFeed)
	own(fiber.MethodDelete, "/calendar-feed", auth.RequireSession, h.disableCalendarFeed)
	own(fiber.MethodGet, "/tasks", h.listTasks)
	own(fiber.MethodPost, "/tasks", h.createTask)
	own(fiber.MethodGet, "/tasks/:id", h.getTask)
	own(fiber.MethodPut, "/tasks/:id", h.replaceTask)
	own(fiber.MethodPatch, "/tasks/:id", h.patchTask)
	own(fiber.MethodDelete, "/tasks/:id", h.deleteTask)
	own(fiber.MethodPatch, "/tasks/:id/complete", h.completeTask)
	own(fiber.MethodPost, "/tasks/:id/restore", h.restoreTask)
	own(fiber.MethodPost, "/tasks/:id/snooze", h.snooze)
	own(fiber.MethodPost, "/tasks/:id/move", h.moveTask)
	own(fiber.MethodGet, "/projects", h.listProjects)
	own(fiber.MethodPost, "/projects", h.createProject)
	own(fiber.MethodGet, "/projects/:id", h.getProject)
	own(fiber.MethodPatch, "/projects/:id", h.patchProject)
	own(fiber.MethodDelete, "/projects/:id", h.deleteProject)
	own(fiber.MethodPost, "/projects/:id/restore", h.restoreProject)
	own(fiber.MethodPost, "/projects/:id/move", h.moveProject)
	own(fiber.MethodGet, "/projects/:id/tree", h.projectTree)
	own(fiber.MethodPost, "/projects/:id/sections", h.createSection)
	own(fiber.MethodPatch, "/sections/:id", h.renameSection)
	own(fiber.MethodDelete, "/sections/:id", h.deleteSection)
	own(fiber.MethodPost, "/sections/:id/restore", h.restoreSection)
	own(fiber.MethodPost, "/sections/:id/move", h.moveSection)
	own(fiber.MethodGet, "/notifications", h.notifications)
	own(fiber.MethodPost, "/notifications/seen", h.markSeen)
	own(fiber.MethodGet, "/agenda", h.agenda)
	own(fiber.MethodGet, "/summary", h.summary)
	own(fiber.MethodGet, "/tags", h.listTags)
	own(fiber.MethodDelete, "/tags/:id", h.deleteTag)
	own(fiber.MethodGet, "/export", h.export)
	own(fiber.MethodPost, "/import", h.importData)
	own(fiber.MethodGet, "/conversations", h.listConversations)
	own(fiber.MethodPost, "/conversations", h.createConversation)
	own(fiber.MethodGet, "/conversations/:id", h.getConversation)
	own(fiber.MethodDelete, "/conversations/:id", h.deleteConversation)
	own(fiber.MethodGet, "/conversations/:id/messages", h.listMessages)
	own(fiber.MethodPost, "/conversations/:id/messages", h.addMessage)
}
