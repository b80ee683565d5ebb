// Package app wires the web app from its configuration; main and the
// tests start it through here.
package app

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/todo-app/todo-app/apps/web/internal/config"
	"github.com/todo-app/todo-app/apps/web/internal/ui"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/websession"
)

// New builds the web server.
func New(cfg config.Config, log *slog.Logger) (*httpserver.Server, error) {
	tokens, err := auth.NewTokens(cfg.AuthSecret, time.Hour)
	if err != nil {
		return nil, err
	}
	// Sign-in limits count the browser: its address goes to the backend
	// signed with the shared secret.
	backend := client.New(cfg.BackendURL, &http.Client{Timeout: 10 * time.Second}).
		SignClientAddresses(auth.NewClientAddresses(cfg.AuthSecret))
	sess := websession.New(tokens, cfg.AuthSecret)
	sess.StreamForms(ui.IsImport)
	h, err := ui.NewHandler(backend, sess, cfg.ChatbotURL, log, time.Now)
	if err != nil {
		return nil, err
	}
	srv := httpserver.New(httpserver.Options{
		Name:        "web",
		MetricsPort: cfg.MetricsPort,
		// Behind a TLS-terminating proxy: its word on the client (the
		// right-most X-Forwarded-For entry that is not a trusted proxy,
		// pkg/clientip) and the scheme, and only its.
		TrustedProxies: cfg.TrustedProxies,
		ShutdownGrace:  cfg.ShutdownGrace,
		MaxConns:       cfg.MaxConns,
		Logger:         log,
		ErrorHandler:   h.ErrorHandler,
		// An import file goes on to the backend as it arrives (which
		// holds it to IMPORT_MAX_MB).
		StreamBodies: ui.IsImport,
		UploadIdle:   cfg.UploadIdle,
		UploadTime:   cfg.UploadTime,
		// Ready when this process serves, whatever the backend does: with
		// the backend or the database down the pages answer the friendly
		// 503 page, which beats the browser's connection error a Service
		// with no ready endpoints gives.
	})
	if cfg.CookieDomain != "" {
		// Web app and assistant on two host names share one sign-in
		// (before the routes: fiber runs what was added first).
		srv.App.Use(websession.CookieDomain(cfg.CookieDomain))
	}
	h.Register(srv.App)
	// Fired reminders reach the open pages (system notifications here).
	rem := &websession.Reminders{Backend: backend, Poll: cfg.EventsPoll, Heartbeat: 20 * time.Second, Server: srv, Log: log, PerPerson: cfg.EventsPerPerson}
	rem.Register(srv.App, sess.Require)
	return srv, nil
}
