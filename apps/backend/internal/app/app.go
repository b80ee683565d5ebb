// Package app wires the backend together from its configuration; main and
// the integration tests both start the server through it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts"
	"github.com/todo-app/todo-app/apps/backend/internal/calendar"
	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/conversations"
	"github.com/todo-app/todo-app/apps/backend/internal/mcpserver"
	"github.com/todo-app/todo-app/apps/backend/internal/projects"
	"github.com/todo-app/todo-app/apps/backend/internal/reminders"
	"github.com/todo-app/todo-app/apps/backend/internal/rest"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/apps/backend/internal/transfer"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// Version is reported by the MCP server's initialize answer.
const Version = "1.0.0"

// App is a configured backend, ready to serve.
type App struct {
	Server *httpserver.Server
	Store  *store.Store
	Tasks  *tasks.Service
	Tokens *auth.Tokens
	cfg    config.Config
	log    *slog.Logger
	// reminders fires due reminders while the app serves.
	reminders *reminders.Runner
}

// Option changes how New builds the app; tests use them.
type Option func(*options)

type options struct{ now func() time.Time }

// WithClock makes the sign-in back-off read now instead of time.Now (a
// test lets minutes pass without sleeping).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New connects to the database, migrates it when configured to, and
// builds the HTTP server.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if cfg.MigrateOnStart {
		// Migrations on connections of their own, without the requests'
		// statement timeout: a migration may rewrite a large table.
		if err := migrate(ctx, cfg, log); err != nil {
			return nil, err
		}
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.PoolOptions{MaxOpen: cfg.DBMaxConns, MaxIdle: cfg.DBMaxConns,
		ConnectTimeout: cfg.DBWait, StatementTimeout: cfg.DBStatementTimeout,
		Quotas: store.Quotas{Tasks: cfg.MaxTasks, Tags: cfg.MaxTags, Conversations: cfg.MaxConversations, Messages: cfg.MaxMessages}})
	if err != nil {
		return nil, err
	}
	tokens, err := auth.NewTokens(cfg.AuthSecret, cfg.TokenTTL)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	acc, err := accounts.NewService(st, tokens, cfg.BcryptCost)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	if o.now != nil {
		acc.UseClock(o.now)
	}
	ts := tasks.NewService(tasks.PostgresStorage(st), time.Now)
	srv := httpserver.New(httpserver.Options{
		Name:          "backend",
		MetricsPort:   cfg.MetricsPort,
		ShutdownGrace: cfg.ShutdownGrace,
		Logger:        log,
		ReadyCheck:    st.Ping,
		// encoding/json-compatible and about twice as fast: JSON encoding
		// was a tenth of a task list's CPU (BenchmarkListTasks).
		JSONEncoder:  json.Marshal,
		ErrorHandler: rest.ErrorHandler(log, st.Ping),
		// Imports stream their file under limits of their own.
		StreamBodies:    rest.IsImport,
		StreamBodyLimit: cfg.ImportMaxMB << 20,
		StreamTooLarge:  rest.ImportTooLarge(cfg.ImportMaxMB),
		UploadIdle:      cfg.UploadIdle,
		UploadTime:      cfg.UploadTime,
	})
	ps := projects.NewService(st)
	rest.Register(srv.App, rest.Deps{
		Store: st, Tasks: ts, Accounts: acc, Transfer: transfer.New(st, time.Now), Conversations: conversations.NewService(st), Projects: ps, Logger: log,
		Calendar: calendar.New(st, webURL(cfg.FrontendURLs), time.Now), ImportMaxMB: cfg.ImportMaxMB,
		FrontendURLs: cfg.FrontendURLs, AuthRateLimit: cfg.AuthRateLimit, AuthSecret: cfg.AuthSecret,
		Admission: httpserver.AdmissionOptions{MaxInFlight: cfg.APIMaxInFlight, PerKey: cfg.UserInFlight, MaxWait: cfg.MaxWait,
			Rate: cfg.UserRate, Burst: cfg.UserBurst, Queued: srv.Metrics().Queued("api")},
	})
	// The connection pool as Prometheus sees it: open, in use, idle,
	// waits and their time.
	srv.Metrics().Registry.MustRegister(collectors.NewDBStatsCollector(st.DB.DB, "todo"))
	mcpserver.Register(srv.App, ts, acc, mcpserver.Options{
		Version: Version, Projects: ps, Log: log, Metrics: srv.Metrics().Registry,
		// MCP calls are heavier and come from the chatbot a few at a
		// time: half the slots per user, a longer wait.
		Admission: httpserver.AdmissionOptions{MaxInFlight: cfg.MCPMaxInFlight, PerKey: max(1, cfg.MCPMaxInFlight/2),
			MaxWait: 5 * cfg.MaxWait, Rate: cfg.UserRate, Burst: cfg.UserBurst, Queued: srv.Metrics().Queued("mcp")},
		AllowedOrigins: append(append([]string{}, cfg.FrontendURLs...), cfg.MCPAllowedOrigins...),
	})
	return &App{Server: srv, Store: st, Tasks: ts, Tokens: tokens, cfg: cfg, log: log,
		reminders: reminders.New(st, cfg.ReminderPoll, cfg.ReminderBatch, log, srv.Metrics().Registry)}, nil
}

// webURL is the web app's address, where calendar events link: the
// first of FRONTEND_URL.
func webURL(frontends []string) string {
	if len(frontends) == 0 {
		return ""
	}
	return frontends[0]
}

// purgeDeleted removes deleted tasks past their retention and idempotency
// keys past theirs, a minute after start and then hourly. Every replica
// runs it; the deletes are idempotent, so they do not need to agree on
// who does.
func (a *App) purgeDeleted(ctx context.Context) {
	wait := time.Minute
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = time.Hour
		n, err := a.Tasks.Purge(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Warn("purging deleted tasks failed; trying again in an hour", slog.String("error", err.Error()))
		case n > 0:
			a.log.Info("purged deleted tasks", slog.Int("tasks", n))
		}
		keys, err := a.Store.PurgeIdempotencyKeys(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Warn("purging idempotency keys failed; trying again in an hour", slog.String("error", err.Error()))
		case keys > 0:
			a.log.Info("purged idempotency keys", slog.Int("keys", keys))
		}
	}
}

// Serve runs until ctx is cancelled, then shuts down and closes the pool.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	bgCtx, stopBackground := context.WithCancel(ctx)
	var background sync.WaitGroup
	background.Go(func() { a.purgeDeleted(bgCtx) })
	background.Go(func() { a.reminders.Run(bgCtx) })
	err := a.Server.Serve(ctx, ln)
	stopBackground()
	background.Wait()
	if cerr := a.Store.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("closing database: %w", cerr)
	}
	return err
}

// migrate applies the migrations over a small pool of its own.
func migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	st, err := store.Open(ctx, cfg.DatabaseURL, store.PoolOptions{MaxOpen: 2, ConnectTimeout: cfg.DBWait})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx, log)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("applied migrations", slog.Any("migrations", applied))
	}
	return nil
}
