// Command chatbot serves the chat assistant: manage tasks in plain
// language, through the backend's MCP tools.
//
//	chatbot              serve (default)
//	chatbot healthcheck  ask a running server's /health (for container runtimes)
package main

import (
	"context"
	"fmt"
	"os"
	_ "time/tzdata" // time zones for "tomorrow" in the user's zone, even in a scratch image

	"github.com/todo-app/todo-app/apps/chatbot/internal/app"
	"github.com/todo-app/todo-app/apps/chatbot/internal/config"
	pkgconfig "github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chatbot:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	return httpserver.Command(args, 3001, func(ctx context.Context) error {
		cfg, err := config.Load(pkgconfig.FromOS())
		if err != nil {
			return err
		}
		log := httpserver.NewLogger(os.Stdout, cfg.LogLevel, "chatbot")
		srv, err := app.New(cfg, log)
		if err != nil {
			return err
		}
		return srv.ListenAndServe(ctx, cfg.Port)
	}, nil)
}
