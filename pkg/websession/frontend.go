package websession

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// Frontend is the start-up both frontends share, built once from the
// settings they share (config.Frontend): the backend client, the
// session, the server's options and what is mounted around the app's own
// routes. Each app adds only what is its own (its pages, its engine, its
// upload or answer limits).
type Frontend struct {
	// Backend is the backend's client. Sign-in limits count the browser:
	// its address goes to the backend signed with the shared secret.
	Backend *client.Client
	Session *Manager

	cfg config.Frontend
	log *slog.Logger
}

// NewFrontend builds the backend client and the session from cfg.
func NewFrontend(cfg config.Frontend, log *slog.Logger) (*Frontend, error) {
	tokens, err := auth.NewTokens(cfg.AuthSecret, time.Hour)
	if err != nil {
		return nil, err
	}
	backend := client.New(cfg.BackendURL, &http.Client{Timeout: 10 * time.Second}).
		SignClientAddresses(auth.NewClientAddresses(cfg.AuthSecret))
	return &Frontend{Backend: backend, Session: New(tokens, cfg.AuthSecret), cfg: cfg, log: log}, nil
}

// Options are the server options of a public frontend named name, for
// the app to complete with its own before httpserver.New.
//
// Behind a TLS-terminating proxy the frontend believes its word on the
// client (the right-most X-Forwarded-For entry that is not a trusted
// proxy, pkg/clientip) and the scheme, and only its. No ReadyCheck: a
// frontend is ready when it serves, whatever the backend does — with the
// backend or the database down its pages say so, which beats the
// browser's connection error a Service with no ready endpoints gives.
func (f *Frontend) Options(name string, errorHandler fiber.ErrorHandler) httpserver.Options {
	return httpserver.Options{
		Name:           name,
		MetricsPort:    f.cfg.MetricsPort,
		TrustedProxies: f.cfg.TrustedProxies,
		ShutdownGrace:  f.cfg.ShutdownGrace,
		MaxConns:       f.cfg.MaxConns,
		Logger:         f.log,
		ErrorHandler:   errorHandler,
	}
}

// Mount adds the app's routes (register) to srv between what both
// frontends serve around them: first the cookie domain, when set, so that
// the web app and the assistant on two host names share one sign-in
// (fiber runs what was added first); last the fired reminders' stream and
// actions (GET /events), behind the session.
func (f *Frontend) Mount(srv *httpserver.Server, register func(*fiber.App)) {
	if f.cfg.CookieDomain != "" {
		srv.App.Use(CookieDomain(f.cfg.CookieDomain))
	}
	register(srv.App)
	rem := &Reminders{Backend: f.Backend, Poll: f.cfg.EventsPoll, Heartbeat: 20 * time.Second, Server: srv, Log: f.log, PerPerson: f.cfg.EventsPerPerson}
	rem.Register(srv.App, f.Session.Require)
}
