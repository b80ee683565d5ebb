package ui_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/app"
	"github.com/todo-app/todo-app/apps/web/internal/config"
	pkgconfig "github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// An open page's reminder stream ends when the web app shuts down — it
// is told "bye" and the browser reconnects to another replica — instead
// of holding the shutdown for its whole grace period.
func TestEventStreamsEndWhenTheServerStops(t *testing.T) {
	t.Parallel()
	be := stacktest.StartBackend(t, builder, pg, nil)
	cfg := config.Config{Frontend: pkgconfig.Frontend{BackendURL: be.URL, AuthSecret: stacktest.Secret, ShutdownGrace: time.Minute,
		LogLevel: "error", EventsPoll: 100 * time.Millisecond}, ChatbotURL: "http://localhost:3001"}
	srv, err := app.New(cfg, httpserver.NewLogger(io.Discard, "error", "web"))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	b := newClient(t, "http://"+ln.Addr().String())
	b.signUp("stream@example.com")
	resp, err := b.c.Get(b.base + "/events")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	r := bufio.NewReader(resp.Body)
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "retry: 5000\n", line, "the stream is open")

	stop()
	read := make(chan string, 1)
	go func() {
		rest, _ := io.ReadAll(r)
		read <- string(rest)
	}()
	var rest string
	select {
	case rest = <-read:
	case <-time.After(30 * time.Second):
		resp.Body.Close()
		t.Fatal("the open stream held the shutdown")
	}
	assert.Contains(t, rest, "event: bye", "told to go elsewhere")
	require.NoError(t, <-served)
	assert.False(t, strings.Contains(rest, "event: reminder"))
}
