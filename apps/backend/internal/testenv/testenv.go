// Package testenv starts a real backend (HTTP server on loopback, real
// PostgreSQL database) for integration tests of any package.
package testenv

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/app"
	"github.com/todo-app/todo-app/apps/backend/internal/config"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

// Secret is the BETTER_AUTH_SECRET test backends use.
const Secret = "test-secret-test-secret-test-secret-0123"

// TemplateName is the migrated template database tests copy.
const TemplateName = "todo_backend_template"

// Migrate is the pgtest template setup that applies our migrations.
func Migrate(ctx context.Context, dsn string) error {
	st, err := store.Open(ctx, dsn, store.PoolOptions{MaxOpen: 2})
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = st.Migrate(ctx, slog.New(slog.DiscardHandler))
	return err
}

// Backend is a running backend.
type Backend struct {
	URL    string
	DSN    string
	App    *app.App
	Client *client.Client
	// stop shuts the backend down gracefully, once.
	stop func() error
}

// Stop shuts the backend down as SIGTERM would (in-flight requests
// finish) and returns once it has stopped; the test's end stops it
// otherwise.
func (b *Backend) Stop(t testing.TB) {
	t.Helper()
	if err := b.stop(); err != nil {
		t.Errorf("backend stopped with error: %v", err)
	}
}

// Config returns a valid configuration for dsn; tweak it before Start.
func Config(dsn string) config.Config {
	return config.Config{
		DatabaseURL:    dsn,
		AuthSecret:     Secret,
		FrontendURLs:   []string{"http://localhost:3000"},
		TokenTTL:       time.Hour,
		AuthRateLimit:  1000,
		BcryptCost:     4, // the slow default only costs test time
		DBMaxConns:     10,
		ShutdownGrace:  5 * time.Second,
		LogLevel:       "error",
		APIMaxInFlight: 32,
		MCPMaxInFlight: 16,
		ImportMaxMB:    256,
		ReminderPoll:   100 * time.Millisecond,
		ReminderBatch:  1000,
	}
}

// Start runs a backend on a fresh database until the test ends.
func Start(t testing.TB, pg *pgtest.Server, tweak ...func(*config.Config)) *Backend {
	t.Helper()
	dsn := pg.NewDatabase(t, TemplateName, Migrate)
	cfg := Config(dsn)
	for _, f := range tweak {
		f(&cfg)
	}
	return StartWith(t, cfg)
}

// StartWith runs a backend with cfg (and opts) until the test ends.
func StartWith(t testing.TB, cfg config.Config, opts ...app.Option) *Backend {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, httpserver.NewLogger(io.Discard, "error", "backend"), opts...)
	if err != nil {
		cancel()
		t.Fatalf("starting backend: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatalf("listening: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	stop := sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("backend stopped with error: %v", err)
		}
	})
	url := "http://" + ln.Addr().String()
	return &Backend{URL: url, DSN: cfg.DatabaseURL, App: a, Client: client.New(url, &http.Client{Timeout: 10 * time.Second}), stop: stop}
}

// SignUp creates a user and returns a client acting as them.
func (b *Backend) SignUp(t testing.TB, email string) (*client.Client, api.AuthResponse) {
	t.Helper()
	res, err := b.Client.SignUp(context.Background(), api.SignUpRequest{Email: email, Password: "correct horse battery", Name: "Test User"})
	if err != nil {
		t.Fatalf("sign up %s: %v", email, err)
	}
	return b.Client.WithAuth(res), res
}
