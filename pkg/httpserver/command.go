package httpserver

import (
	"context"
	"fmt"
	"maps"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/todo-app/todo-app/pkg/config"
)

// Command runs an app binary's command line: "serve" (the default)
// calls serve until SIGINT/SIGTERM; "healthcheck" asks /health on PORT;
// more are the app's own commands by name (the backend's "migrate").
func Command(args []string, defaultPort int, serve func(ctx context.Context) error, more map[string]func(ctx context.Context) error) error {
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
	if run, ok := more[cmd]; ok {
		return run(ctx)
	}
	names := append([]string{"serve"}, slices.Sorted(maps.Keys(more))...)
	return fmt.Errorf("unknown command %q (use %s or healthcheck)", cmd, strings.Join(names, ", "))
}
