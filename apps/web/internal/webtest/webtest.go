// Package webtest starts the web app in-process against a real backend
// process and PostgreSQL, for the handler and browser tests.
package webtest

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/todo-app/todo-app/apps/web/internal/app"
	"github.com/todo-app/todo-app/apps/web/internal/config"
	pkgconfig "github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// Stack is a running backend and web app.
type Stack struct {
	Backend *stacktest.Process
	WebURL  string
}

// Start runs a backend process on a fresh database and the web app
// in-process, both until the test ends.
func Start(t testing.TB, pg *pgtest.Server, b *stacktest.Builder) *Stack {
	t.Helper()
	// Reminders fire and reach the pages within a fraction of a second.
	// The tests walk pages far faster than a person (each page reads the
	// sidebar's projects too): the per-person request rate is not what
	// they check, and is tested where it is (the backend's own tests).
	be := stacktest.StartBackend(t, b, pg, map[string]string{"REMINDER_POLL": "200ms", "USER_RATE": "100000", "USER_BURST": "100000"})
	return &Stack{Backend: be, WebURL: StartWeb(t, be.URL)}
}

// StartWeb runs the web app against backendURL and returns its URL.
func StartWeb(t testing.TB, backendURL string, tweak ...func(*config.Config)) string {
	t.Helper()
	return StartWebOn(t, "127.0.0.1", backendURL, tweak...)
}

// StartWebOn is StartWeb listening on host: a non-loopback address stands
// for a node address, which browsers do not count as a secure origin.
func StartWebOn(t testing.TB, host, backendURL string, tweak ...func(*config.Config)) string {
	t.Helper()
	cfg := config.Config{
		Frontend: pkgconfig.Frontend{BackendURL: backendURL, AuthSecret: stacktest.Secret, ShutdownGrace: 5 * time.Second, LogLevel: "error",
			EventsPoll: 200 * time.Millisecond},
		ChatbotURL: "http://localhost:3001",
	}
	for _, f := range tweak {
		f(&cfg)
	}
	srv, err := app.New(cfg, httpserver.NewLogger(io.Discard, "error", "web"))
	if err != nil {
		t.Fatalf("building web app: %v", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("web app stopped with error: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
