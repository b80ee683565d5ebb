// Command web serves the todo-app pages: dashboard, task list and calendar.
//
//	web              serve (default)
//	web healthcheck  ask a running server's /health (for container runtimes)
package main

import (
	"context"
	"fmt"
	"os"
	_ "time/tzdata" // time zones for the viewer's local dates, even in a scratch image

	"github.com/todo-app/todo-app/apps/web/internal/app"
	"github.com/todo-app/todo-app/apps/web/internal/config"
	pkgconfig "github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	return httpserver.Command(args, 3000, func(ctx context.Context) error {
		cfg, err := config.Load(pkgconfig.FromOS())
		if err != nil {
			return err
		}
		log := httpserver.NewLogger(os.Stdout, cfg.LogLevel, "web")
		srv, err := app.New(cfg, log)
		if err != nil {
			return err
		}
		return srv.ListenAndServe(ctx, cfg.Port)
	}, nil)
}
