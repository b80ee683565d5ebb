package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, opts Options, routes func(*fiber.App)) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	s := New(opts)
	routes(s.App)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(cancel)
	return "http://" + ln.Addr().String(), cancel, done
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLogsOneJSONLinePerRequestAndRecoversPanics(t *testing.T) {
	var logs syncBuffer
	url, _, _ := start(t, Options{Name: "t", Logger: NewLogger(&logs, "info", "t")}, func(app *fiber.App) {
		app.Get("/boom", func(*fiber.Ctx) error { panic("kaboom") })
		app.Get("/fail", func(*fiber.Ctx) error { return errors.New("secret SQL detail") })
		app.Get("/teapot", func(*fiber.Ctx) error { return apierror.Field("x", "is bad") })
	})
	status, body := get(t, url+"/boom")
	assert.Equal(t, 500, status)
	assert.NotContains(t, body, "kaboom")
	assert.Contains(t, body, apierror.CodeInternal)
	status, body = get(t, url+"/fail")
	assert.Equal(t, 500, status)
	assert.NotContains(t, body, "SQL")
	status, body = get(t, url+"/teapot")
	assert.Equal(t, 422, status)
	var env apierror.Envelope
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	assert.Equal(t, "is bad", env.Error.Fields["x"])

	var requests []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m["msg"] == "request" {
			requests = append(requests, m)
		}
	}
	require.Len(t, requests, 3)
	assert.Equal(t, "/boom", requests[0]["path"])
	assert.EqualValues(t, 500, requests[0]["status"])
	assert.EqualValues(t, 422, requests[2]["status"])
	assert.NotEmpty(t, requests[0]["request_id"])
	assert.Contains(t, requests[0], "duration_ms")
	assert.Contains(t, logs.String(), "kaboom", "the panic is logged server-side")
}

func TestGracefulShutdownDrainsInFlightRequests(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	url, cancel, done := start(t, Options{Name: "t", Logger: NewLogger(io.Discard, "error", "t"), ShutdownGrace: 5 * time.Second}, func(app *fiber.App) {
		app.Get("/slow", func(c *fiber.Ctx) error {
			close(entered)
			<-release
			return c.SendString("finished")
		})
	})
	status, _ := get(t, url+"/ready")
	assert.Equal(t, 200, status)

	result := make(chan string, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			result <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		// An answer given while shutting down closes its connection, so
		// the client sends nothing more there.
		result <- string(b) + " close=" + strconv.FormatBool(resp.Close)
	}()
	<-entered
	cancel()
	select {
	case err := <-done:
		t.Fatalf("server exited before the in-flight request finished: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	assert.Equal(t, "finished close=true", <-result)
	require.NoError(t, <-done)
	_, err := http.Get(url + "/health")
	assert.Error(t, err, "no longer accepting connections")
}

func TestReadyReportsDependencyAndDraining(t *testing.T) {
	var mu sync.Mutex
	var depErr error
	s := New(Options{Name: "t", Logger: NewLogger(io.Discard, "error", "t"), ReadyCheck: func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return depErr
	}})
	req := func(path string) int {
		resp, err := s.App.Test(httptestRequest(path), -1)
		require.NoError(t, err)
		return resp.StatusCode
	}
	assert.Equal(t, 200, req("/ready"))
	mu.Lock()
	depErr = errors.New("db down")
	mu.Unlock()
	assert.Equal(t, 503, req("/ready"))
	assert.Equal(t, 200, req("/health"))
	mu.Lock()
	depErr = nil
	mu.Unlock()
	s.draining.Store(true)
	assert.Equal(t, 503, req("/ready"), "readiness turns 503 during shutdown")
}

// httptestRequest is a GET of path with a Host, as every HTTP/1.1 client
// sends (fasthttp refuses a request without one, as RFC 9112 says).
func httptestRequest(path string) *http.Request {
	return httptest.NewRequest(http.MethodGet, path, nil)
}

// A connection a handler took over is no longer the server's to wait
// for: Hold keeps shutdown waiting until its owner has said goodbye, and
// the connection stays open after the handler returns.
func TestShutdownWaitsForHeldConnections(t *testing.T) {
	s := New(Options{Name: "test", ShutdownGrace: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	release := s.Hold()
	taken := make(chan net.Conn, 1)
	s.App.Get("/take", func(c *fiber.Ctx) error {
		c.Context().HijackSetNoResponse(true)
		c.Context().Hijack(func(conn net.Conn) { taken <- conn })
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "GET /take HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	conn := <-taken
	time.Sleep(100 * time.Millisecond) // the handler has returned
	_, err = io.WriteString(conn, "still open")
	require.NoError(t, err)
	buf := make([]byte, 10)
	_, err = io.ReadFull(c, buf)
	require.NoError(t, err, "the connection outlived its handler")

	cancel()
	select {
	case <-served:
		t.Fatal("Serve returned while a held connection had not said goodbye")
	case <-time.After(300 * time.Millisecond):
	}
	release()
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the release")
	}
}

// A handler that reads its body as a stream may answer before the end of
// it (a refused upload): the connection then closes, and the rest of the
// body is never read as the client's next request (which would get a
// second, unasked-for answer).
func TestAnUploadAnsweredEarlyClosesTheConnection(t *testing.T) {
	s := New(Options{Name: "test", Logger: slog.New(slog.DiscardHandler), BodyLimit: 1 << 10,
		StreamBodies: func(_, path string) bool { return path == "/upload" }})
	s.App.Post("/upload", func(c *fiber.Ctx) error {
		return c.Status(fiber.StatusUnprocessableEntity).SendString("refused unread")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Serve(ctx, ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	body := strings.Repeat("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 6000) // 200 kB that parse as requests
	go func() {
		_, _ = io.WriteString(c, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: "+
			strconv.Itoa(len(body))+"\r\n\r\n"+body)
	}()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, _ := io.ReadAll(c)
	assert.Equal(t, 1, strings.Count(string(got), "HTTP/1.1 "), "one answer, to the one request:\n%.500s", got)
	assert.Contains(t, string(got), "422")
	assert.Contains(t, strings.ToLower(string(got)), "connection: close")
}
