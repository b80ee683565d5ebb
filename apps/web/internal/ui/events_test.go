package ui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
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

// A burst bigger than one answer of the backend (50) reaches the page
// whole: the stream asks again after the last one it sent.
func TestEventStreamDeliversABurst(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("burst@example.com")
	res, err := client.New(s.Backend.URL, nil).SignIn(context.Background(), api.SignInRequest{Email: "burst@example.com", Password: "correct horse"})
	require.NoError(t, err)
	be := client.New(s.Backend.URL, nil).WithAuth(res)

	resp, err := b.c.Get(s.WebURL + "/events")
	require.NoError(t, err)
	defer resp.Body.Close()
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	const n = 60
	for i := range n {
		_, err := be.CreateTask(context.Background(), api.TaskInput{Title: fmt.Sprintf("Burst %d", i), Reminders: &[]api.ReminderInput{{At: &at}}})
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(seen) < n {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "the stream ended")
			if strings.HasPrefix(l, "data: ") && strings.Contains(l, `"title":"Burst `) {
				var got api.Notification
				require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(l, "data: ")), &got))
				seen[got.Title] = true
			}
		case <-deadline:
			t.Fatalf("%d of %d reminders reached the page", len(seen), n)
		}
	}
	assert.Len(t, seen, n)
}
