// Package app wires the web app from its configuration; main and the
// tests start it through here.
package app

import (
	"log/slog"
	"time"

	"github.com/todo-app/todo-app/apps/web/internal/config"
	"github.com/todo-app/todo-app/apps/web/internal/ui"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/websession"
)

// New builds the web server: the start-up both frontends share
// (websession.Frontend) with the web app's pages.
func New(cfg config.Config, log *slog.Logger) (*httpserver.Server, error) {
	fe, err := websession.NewFrontend(cfg.Frontend, log)
	if err != nil {
		return nil, err
	}
	fe.Session.StreamForms(ui.IsImport)
	h, err := ui.NewHandler(fe.Backend, fe.Session, cfg.ChatbotURL, log, time.Now)
	if err != nil {
		return nil, err
	}
	opts := fe.Options("web", h.ErrorHandler)
	// An import file goes on to the backend as it arrives (which holds it
	// to IMPORT_MAX_MB).
	opts.StreamBodies = ui.IsImport
	opts.UploadIdle, opts.UploadTime = cfg.UploadIdle, cfg.UploadTime
	srv := httpserver.New(opts)
	// Fired reminders reach the open pages (system notifications here).
	fe.Mount(srv, h.Register)
	return srv, nil
}
