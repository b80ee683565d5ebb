// Package app wires the chatbot from its configuration; main and the tests
// start it through here.
package app

import (
	"log/slog"
	"time"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/apps/chatbot/internal/chat"
	"github.com/todo-app/todo-app/apps/chatbot/internal/config"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
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

// New builds the chatbot server: the start-up both frontends share
// (websession.Frontend) with the chat and its engine.
func New(cfg config.Config, log *slog.Logger) (*httpserver.Server, error) {
	fe, err := websession.NewFrontend(cfg.Frontend, log)
	if err != nil {
		return nil, err
	}
	engine := Engine(cfg, log)
	metrics := httpserver.NewMetrics("chatbot")
	h, err := chat.NewHandler(chat.Options{
		Backend: fe.Backend, Tools: mcpclient.NewDialer(cfg.BackendURL, 30*time.Second), Engine: engine,
		Session: fe.Session, WebURL: cfg.WebURL, Log: log, Now: time.Now,
		Metrics: metrics.Registry,
	})
	if err != nil {
		return nil, err
	}
	opts := fe.Options("chatbot", h.ErrorHandler)
	opts.Metrics = metrics
	// Streamed answers can take a while with a model.
	opts.WriteTimeout = 3 * time.Minute
	srv := httpserver.New(opts)
	// Fired reminders reach the chat too, as a banner: the web app is the
	// one that shows system notifications, so nobody is told twice.
	fe.Mount(srv, h.Register)
	log.Info("assistant engine", slog.String("engine", engine.Name()))
	return srv, nil
}
