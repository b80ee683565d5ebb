package httpserver

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/todo-app/todo-app/pkg/config"
)

// Command runs a frontend binary's command line: "serve" (the default)
// calls serve until SIGINT/SIGTERM; "healthcheck" asks /health on PORT.
func Command(args []string, defaultPort int, serve func(ctx context.Context) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "serve":
		return serve(ctx)
	case "healthcheck":
		env := config.FromOS()
		port := env.Port("PORT", defaultPort)
		if err := env.Err(); err != nil {
			return err
		}
		return Healthcheck(ctx, port)
	}
	return fmt.Errorf("unknown command %q (use serve or healthcheck)", cmd)
}
