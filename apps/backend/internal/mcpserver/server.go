// Package mcpserver is the backend's Model Context Protocol front door: the
// task tools, served over Streamable HTTP at /mcp with the official Go SDK.
// Each tool calls the same tasks.Service as the REST handlers.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/projects"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// ServerName is what initialize reports.
const ServerName = "todo-app"

// Register mounts POST /mcp on app. Requests need a good bearer token (a
// sign-in session or a personal API token); each tool acts only for the
// token's user, and a read-only token may call only the tools that read.
//
// At most maxInFlight tool calls run at once; the rest wait their turn.
// Each holds its whole response in memory (Fiber's net/http adaptor
// buffers it), so an unbounded burst mostly buys memory, not throughput.
func Register(app *fiber.App, ts *tasks.Service, authn auth.Authenticator, opts Options) {
	server, tools := newServer(ts, opts.Projects, opts.Version, opts.Metrics)
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, &mcp.StreamableHTTPOptions{
		// Stateless with plain JSON: Fiber's adaptor does not flush
		// streamed responses, and any replica can answer any request.
		Stateless:    true,
		JSONResponse: true,
		Logger:       opts.Log,
		// Pods are reached by service names and IPs, not localhost.
		DisableLocalhostProtection: true,
	})
	// auth.Middleware has checked the token (and answered 401 with
	// WWW-Authenticate and our envelope); the SDK's check only hands its
	// principal to the tools.
	verify := func(_ context.Context, _ string, r *http.Request) (*mcpauth.TokenInfo, error) {
		p, ok := auth.FromContext(r.Context())
		if !ok {
			return nil, mcpauth.ErrInvalidToken
		}
		return &mcpauth.TokenInfo{UserID: p.UserID, Scopes: []string{string(p.Scope)}, Expiration: time.Now().Add(time.Minute)}, nil
	}
	withToken := mcpauth.RequireBearerToken(verify, nil)(handler)
	adm := opts.Admission
	adm.Key = auth.UserID
	app.All("/mcp", OriginCheck(opts.AllowedOrigins), auth.Middleware(authn), httpserver.Admission(adm), plainCalls(tools), adaptor.HTTPHandler(withToken))
}

// Options configure the MCP endpoint.
type Options struct {
	Version string
	// Projects serves the project tools (list_projects, add_project).
	Projects *projects.Service
	// Admission bounds concurrent tool calls per process and per user.
	Admission httpserver.AdmissionOptions
	// AllowedOrigins are the origins a browser may call /mcp from (the
	// app's own public URLs and MCP_ALLOWED_ORIGINS).
	AllowedOrigins []string
	// Metrics, when set, receives the tool-call counters.
	Metrics prometheus.Registerer
	Log     *slog.Logger
}

// OriginCheck refuses, with 403 and the envelope, a request whose Origin
// header is present and not allowed: the Streamable HTTP transport says
// servers must validate Origin, against DNS rebinding (a page on
// evil.example that resolves its own name to this server would otherwise
// reach it with the browser's stored credentials). Requests without an
// Origin — the MCP SDKs, the Inspector CLI, mcp-remote — are not browsers
// and pass. Loopback origins (a local Inspector UI, a client on this
// machine) pass too: a rebinding page's origin is the attacker's own name,
// never localhost.
func OriginCheck(allowed []string) fiber.Handler {
	ok := map[string]bool{}
	for _, o := range allowed {
		ok[normalOrigin(o)] = true
	}
	return func(c *fiber.Ctx) error {
		origin := c.Get(fiber.HeaderOrigin)
		if origin == "" || ok[normalOrigin(origin)] || loopbackOrigin(origin) {
			return c.Next()
		}
		return apierror.Forbidden("requests from origin " + strconv.Quote(origin) + " are not allowed to call /mcp; add it to MCP_ALLOWED_ORIGINS if it is yours")
	}
}

func loopbackOrigin(o string) bool {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// normalOrigin lower-cases an origin and drops a default port, so that
// http://App.example:80 and http://app.example compare equal.
func normalOrigin(o string) string {
	o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return o
	}
	host := u.Host
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		host = u.Hostname()
	}
	return u.Scheme + "://" + host
}

// newServer builds the MCP server with every tool registered, and returns
// the tools' handlers by name.
func newServer(ts *tasks.Service, ps *projects.Service, version string, reg prometheus.Registerer) (*mcp.Server, map[string]mcp.ToolHandler) {
	s := mcp.NewServer(&mcp.Implementation{Name: ServerName, Title: "Todo app", Version: version}, &mcp.ServerOptions{
		Instructions: "Manage the signed-in user's to-do list. Use list_tasks to find task ids before completing, updating or deleting, and list_projects for project ids. " +
			"Dates: RFC 3339 timestamps (2026-12-24T17:00:00Z) or plain dates (2026-12-24).",
	})
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mcp_tool_calls_total",
		Help: "MCP tool calls, by tool and outcome (ok, error, read_only)."}, []string{"tool", "outcome"})
	if reg != nil {
		reg.MustRegister(calls)
	}
	t := &toolset{tasks: ts, projects: ps, calls: calls}
	return s, t.register(s)
}

type toolset struct {
	tasks    *tasks.Service
	projects *projects.Service
	calls    *prometheus.CounterVec
}

// userOf returns the token's user, checking the optional user_id argument
// kept for clients written against the original spec.
func userOf(req *mcp.CallToolRequest, given string) (string, error) {
	if req.Extra == nil || req.Extra.TokenInfo == nil || req.Extra.TokenInfo.UserID == "" {
		return "", errors.New("not signed in: send Authorization: Bearer <token>")
	}
	uid := req.Extra.TokenInfo.UserID
	if given != "" && given != uid {
		return "", errors.New("user_id does not match the signed-in user; omit user_id to act for the signed-in user")
	}
	return uid, nil
}

// toolError turns a service error into a message a model can act on.
func toolError(err error, taskID int64) error {
	err = store.Classify(err)
	switch {
	case errors.Is(err, store.ErrUnavailable):
		return errors.New("the database is unavailable right now; nothing was changed, try again in a few seconds")
	}
	var quota *store.QuotaError
	if errors.As(err, &quota) {
		return errors.New(quota.Message())
	}
	switch {
	case errors.Is(err, store.ErrTooSlow):
		return errors.New("this took longer than the database allows; nothing was changed: narrow the search or try again")
	case errors.Is(err, store.ErrUnknownUser):
		return errors.New("this account no longer exists; sign in again")
	}
	var invalid *domain.Invalid
	var missing *domain.NotFound
	switch {
	case errors.As(err, &missing) && (strings.HasPrefix(missing.What, "project") || strings.HasPrefix(missing.What, "section")):
		return errors.New(missing.Error() + "; call list_projects to see ids")
	case errors.As(err, &missing) && strings.HasPrefix(missing.What, "parent task"):
		return errors.New(missing.Error() + "; call list_tasks to see ids")
	case errors.As(err, &missing) && taskID > 0:
		return fmt.Errorf("task %d not found; call list_tasks to see ids", taskID)
	case errors.As(err, &missing):
		return errors.New(missing.Error())
	case errors.As(err, &invalid):
		parts := make([]string, 0, len(invalid.Fields))
		for f, p := range invalid.Fields {
			parts = append(parts, fieldName(f)+" "+p)
		}
		return fmt.Errorf("invalid input: %s", strings.Join(sortStrings(parts), "; "))
	}
	if e, ok := apierror.As(err); ok {
		return errors.New(e.Message)
	}
	return errors.New("the task service failed; try again in a moment")
}

// fieldName maps REST field names to the tool argument names.
func fieldName(f string) string {
	switch f {
	case "due_at", "due_date":
		return "due"
	case "q":
		return "query"
	}
	return f
}

func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}
