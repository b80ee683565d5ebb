// Package app wires the chatbot from its configuration; main and the tests
// start it through here.
package app

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/apps/chatbot/internal/chat"
	"github.com/todo-app/todo-app/apps/chatbot/internal/config"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/websession"
)

// Engine picks the assistant: the language model when a key is set, the
// built-in one otherwise.
func Engine(cfg config.Config, log *slog.Logger) assistant.Engine {
	if cfg.OpenAIKey == "" {
		return &assistant.Builtin{WebURL: cfg.WebURL}
	}
	return assistant.NewModel(assistant.ModelOptions{APIKey: cfg.OpenAIKey, BaseURL: cfg.OpenAIBaseURL, Model: cfg.OpenAIModel,
		WebURL: cfg.WebURL, Timeout: cfg.ModelTimeout, Log: log})
}

// New builds the chatbot server.
func New(cfg config.Config, log *slog.Logger) (*httpserver.Server, error) {
	tokens, err := auth.NewTokens(cfg.AuthSecret, time.Hour)
	if err != nil {
		return nil, err
	}
	// Sign-in limits count the browser: its address goes to the backend
	// signed with the shared secret.
	backend := client.New(cfg.BackendURL, &http.Client{Timeout: 10 * time.Second}).
		SignClientAddresses(auth.NewClientAddresses(cfg.AuthSecret))
	engine := Engine(cfg, log)
	sess := websession.New(tokens, cfg.AuthSecret)
	metrics := httpserver.NewMetrics("chatbot")
	h, err := chat.NewHandler(chat.Options{
		Backend: backend, Tools: mcpclient.NewDialer(cfg.BackendURL, 30*time.Second), Engine: engine,
		Session: sess, WebURL: cfg.WebURL, Log: log, Now: time.Now,
		Metrics: metrics.Registry,
	})
	if err != nil {
		return nil, err
	}
	srv := httpserver.New(httpserver.Options{
		Name: "chatbot", Metrics: metrics, MetricsPort: cfg.MetricsPort, ShutdownGrace: cfg.ShutdownGrace, Logger: log, ErrorHandler: h.ErrorHandler,
		TrustedProxies: cfg.TrustedProxies, // see the web app
		// Streamed answers can take a while with a model.
		WriteTimeout: 3 * time.Minute,
		MaxConns:     cfg.MaxConns,
		// Ready when this process serves (see the web app): the chat page
		// says when the task service cannot be reached.
	})
	if cfg.CookieDomain != "" {
		// Web app and assistant on two host names share one sign-in
		// (before the routes: fiber runs what was added first).
		srv.App.Use(websession.CookieDomain(cfg.CookieDomain))
	}
	h.Register(srv.App)
	// Fired reminders reach the chat too, as a banner: the web app is the
	// one that shows system notifications, so nobody is told twice.
	rem := &websession.Reminders{Backend: backend, Poll: cfg.EventsPoll, Heartbeat: 20 * time.Second, Server: srv, Log: log, PerPerson: cfg.EventsPerPerson}
	rem.Register(srv.App, sess.Require)
	log.Info("assistant engine", slog.String("engine", engine.Name()))
	return srv, nil
}
