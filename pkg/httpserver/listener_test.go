package httpserver

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// emfileOnce is a listener whose first Accept fails as accept4 does when
// the process is out of file descriptors.
type emfileOnce struct {
	net.Listener
	failed atomic.Bool
}

func (l *emfileOnce) Accept() (net.Conn, error) {
	if l.failed.CompareAndSwap(false, true) {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// "too many open files" passes once connections close: the server waits
// it out and goes on serving, where fasthttp alone stops for good (the
// web app exited so at 20 000 reminder streams).
func TestAcceptErrorsBackOffInsteadOfStoppingTheServer(t *testing.T) {
	t.Parallel()
	log := &syncBuffer{}
	s := New(Options{Name: "web", Logger: slog.New(slog.NewJSONHandler(log, nil))})
	s.App.Get("/hello", func(c *fiber.Ctx) error { return c.SendString("hi") })
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := &emfileOnce{Listener: inner}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	// A stopped server leaves the socket listening unanswered: ask with
	// a timeout, and say why when it stopped.
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get("http://" + inner.Addr().String() + "/hello")
	if err != nil {
		select {
		case served := <-done:
			t.Fatalf("the server stopped: %v", served)
		default:
			t.Fatalf("no answer: %v", err)
		}
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hi", string(body))
	assert.True(t, ln.failed.Load())
	assert.Contains(t, log.String(), "too many open files", "the failure is logged")
	stop()
	require.NoError(t, <-done)
}

// The pause between retries grows from 5 ms to at most 1 s, and starts
// again after a success; an error that does not pass stops Accept.
func TestAcceptBackOffGrowsAndResets(t *testing.T) {
	t.Parallel()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer inner.Close()
	fails := &failN{Listener: inner}
	fails.n.Store(10)
	g := newGuardedListener(fails, 10, slog.New(slog.DiscardHandler))
	var pauses []time.Duration
	g.sleep = func(d time.Duration) { pauses = append(pauses, d) }
	go func() {
		if c, err := net.Dial("tcp", inner.Addr().String()); err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	c, err := g.Accept()
	require.NoError(t, err)
	defer c.Close()
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms, 320 * ms, 640 * ms, time.Second, time.Second}, pauses)

	fails.permanent.Store(true)
	_, err = g.Accept()
	assert.ErrorIs(t, err, net.ErrClosed)
}

// failN fails its first n Accepts with EMFILE, then serves; permanent
// makes every Accept fail as a closed listener does.
type failN struct {
	net.Listener
	n         atomic.Int64
	permanent atomic.Bool
}

func (l *failN) Accept() (net.Conn, error) {
	if l.permanent.Load() {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: net.ErrClosed}
	}
	if l.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// Past MaxConns a connection is answered 503 in the envelope and closed;
// a connection that closes gives its place back.
func TestConnectionsPastTheCapAreRefused(t *testing.T) {
	t.Parallel()
	url, _, _ := start(t, Options{Name: "web", Logger: slog.New(slog.DiscardHandler), MaxConns: 2}, func(app *fiber.App) {
		app.Get("/hello", func(c *fiber.Ctx) error { return c.SendString("hi") })
	})
	addr := strings.TrimPrefix(url, "http://")
	ask := func(c net.Conn) (*http.Response, string) {
		t.Helper()
		_, err := io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		resp.Body.Close()
		return resp, string(b)
	}
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		resp, body := ask(c)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "hi", body)
		held = append(held, c)
	}
	third, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer third.Close()
	_ = third.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(third), nil)
	require.NoError(t, err, "the third connection is answered without asking")
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	assert.Contains(t, string(body), `"code":"unavailable"`)

	held[0].Close()
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return false
		}
		defer c.Close()
		resp, _ := ask(c)
		return resp.StatusCode == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond, "a closed connection frees its place")
}

func TestMaxConnsStaysBelowTheFileLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		want  int
		files uint64
		cap   int
	}{
		{0, 0, DefaultMaxConns},         // limit unknown
		{0, 1 << 20, DefaultMaxConns},   // a container's usual limit
		{0, 1024, 1024 - 128},           // a shell's usual soft limit
		{60000, 65536, 65536 - 65536/8}, // asked for more than fits
		{100, 65536, 100},               // asked for less
		{0, 100, 50},                    // a tiny limit: half of it
	} {
		assert.Equal(t, c.cap, maxConnsFor(c.want, c.files), "want %d, %d files", c.want, c.files)
	}
}
