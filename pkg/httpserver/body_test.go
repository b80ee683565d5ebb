package httpserver

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/testkit/rawhttp"
)

// smuggled is a complete request hidden in a body: if the server ever
// answers it, the rest of a body was read as the client's next request.
const smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

// bodyServer serves /upload (a streamed body, read to its end), /echo (an
// ordinary body) and /smuggled, which counts its calls.
func bodyServer(t *testing.T, opts Options) (addr string, hits *atomic.Int32) {
	t.Helper()
	hits = &atomic.Int32{}
	opts.Name, opts.Logger = "test", slog.New(slog.DiscardHandler)
	opts.StreamBodies = func(method, path string) bool { return path == "/upload" }
	s := New(opts)
	s.App.Post("/upload", func(c *fiber.Ctx) error {
		body := RequestBody(c)
		n, _ := io.Copy(io.Discard, body)
		if err := body.Err(); err != nil {
			return BodyError(err)
		}
		return c.SendString("read " + strconv.FormatInt(n, 10))
	})
	s.App.Post("/echo", func(c *fiber.Ctx) error { return c.SendString("read " + strconv.Itoa(len(c.Body()))) })
	s.App.Get("/smuggled", func(c *fiber.Ctx) error { hits.Add(1); return c.SendString("smuggled") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { _ = s.Serve(ctx, ln) }()
	return ln.Addr().String(), hits
}

// exchange is rawhttp.Exchange with this package's 5 s wait.
func exchange(t *testing.T, addr, head string, pause time.Duration, parts ...string) (got string, closed bool) {
	t.Helper()
	return rawhttp.Exchange(t, addr, head, pause, 5*time.Second, parts...)
}

func post(path string, length int) string {
	return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: " + strconv.Itoa(length) + "\r\n\r\n"
}

// postLast is post for a request the client ends its connection with
// (Connection: close): a whole exchange then ends when the server has
// answered, where a kept-alive one would wait out exchange's 5 s.
func postLast(path string, length int) string {
	return strings.Replace(post(path, length), "Host: x\r\n", "Host: x\r\nConnection: close\r\n", 1)
}

// The probe's smuggling: a body cut by a timeout must not leave its rest
// to be read as the next request, on a streamed route or any other.
func TestABodyCutByATimeoutIsNeverReadAsARequest(t *testing.T) {
	t.Parallel()
	addr, hits := bodyServer(t, Options{ReadTimeout: 300 * time.Millisecond, UploadIdle: 300 * time.Millisecond})
	first := strings.Repeat("x", 20000)
	for _, path := range []string{"/upload", "/echo"} {
		got, closed := exchange(t, addr, post(path, len(first)+len(smuggled)), time.Second, first, smuggled)
		assert.Equal(t, int32(0), hits.Load(), "%s: the rest of the body was answered as a request:\n%s", path, got)
		assert.True(t, closed, "%s: the connection is closed", path)
		assert.Contains(t, got, "408 Request Timeout", path)
		assert.Equal(t, 1, strings.Count(got, "HTTP/1.1 "), "%s: one answer:\n%s", path, got)
	}
}

// An upload slower than the read timeout is taken as long as it keeps
// coming: here 2 s of 100 ms gaps against a 300 ms read timeout.
func TestASlowSteadyUploadIsAccepted(t *testing.T) {
	t.Parallel()
	addr, hits := bodyServer(t, Options{ReadTimeout: 300 * time.Millisecond, UploadIdle: 300 * time.Millisecond})
	parts := make([]string, 20)
	for i := range parts {
		parts[i] = strings.Repeat("y", 10000)
	}
	parts[19] = smuggled + strings.Repeat("y", 10000-len(smuggled))
	got, _ := exchange(t, addr, postLast("/upload", 200000), 100*time.Millisecond, parts...)
	assert.Contains(t, got, "200 OK")
	assert.Contains(t, got, "read 200000")
	assert.Equal(t, int32(0), hits.Load())
}

// An upload that goes on past UploadTime is cut there, however steady.
func TestAnUploadPastItsTimeIsCut(t *testing.T) {
	t.Parallel()
	addr, hits := bodyServer(t, Options{UploadIdle: time.Second, UploadTime: 500 * time.Millisecond})
	// Past the first 8 KiB, which fasthttp reads before the handler.
	parts := make([]string, 11)
	parts[0] = strings.Repeat("z", 9000)
	for i := 1; i < 10; i++ {
		parts[i] = "z"
	}
	parts[10] = smuggled
	got, closed := exchange(t, addr, post("/upload", 9009+len(smuggled)), 100*time.Millisecond, parts...)
	assert.Contains(t, got, "408 Request Timeout")
	assert.True(t, closed)
	assert.Equal(t, int32(0), hits.Load())
}

// A declared length over the limit is refused at once, before any of the
// body is read (the probe waited 15 s for a 408).
func TestAnOversizedBodyIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	addr, _ := bodyServer(t, Options{BodyLimit: 1 << 10, StreamBodyLimit: 1 << 20})
	for _, path := range []string{"/echo", "/upload"} {
		length := map[string]int{"/echo": 1<<10 + 1, "/upload": 1<<20 + 1}[path]
		start := time.Now()
		got, closed := exchange(t, addr, post(path, length), 0)
		assert.Less(t, time.Since(start), 2*time.Second, path)
		assert.True(t, closed, path)
		assert.Contains(t, got, "413 Request Entity Too Large", path)
		assert.Contains(t, got, `"code":"payload_too_large"`, path)
	}
	// Within the limits, the same requests are read.
	got, _ := exchange(t, addr, postLast("/echo", 1<<10), 0, strings.Repeat("e", 1<<10))
	assert.Contains(t, got, "read 1024")
}
