// Package httpserver gives every todo-app service the same Fiber v2
// lifecycle: timeouts, request ids, one JSON log line per request, panic
// recovery, health and readiness endpoints and a graceful shutdown.
package httpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

// Options tune the server. Zero values get sensible defaults.
type Options struct {
	Name          string
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	IdleTimeout   time.Duration
	ShutdownGrace time.Duration // how long in-flight requests may take to finish
	BodyLimit     int           // bytes
	// StreamBodies, when set, picks the requests whose handlers read the
	// body as a stream (c.Context().RequestBodyStream()) with a limit of
	// their own: an import file. Every other request is held to
	// BodyLimit, and answered 413 past it.
	StreamBodies func(c *fiber.Ctx) bool
	Logger       *slog.Logger
	// ReadyCheck reports whether dependencies answer; nil means always ready.
	ReadyCheck func(context.Context) error
	// ProxyHeader, when set, names the header holding the client address
	// (e.g. X-Forwarded-For); it is believed only from TrustedProxies.
	ProxyHeader    string
	TrustedProxies []string
	// ErrorHandler replaces the JSON envelope handler (pages render HTML).
	ErrorHandler fiber.ErrorHandler
	// JSONEncoder replaces encoding/json.Marshal for c.JSON responses.
	JSONEncoder func(v any) ([]byte, error)
	// MetricsPort, when not 0, serves Prometheus metrics (Metrics) on
	// that port, apart from the app's: the app's port is public.
	MetricsPort int
	// Metrics to record into; nil: a new NewMetrics(Name). Set it when
	// the app's handlers need the registry before the server exists.
	Metrics *Metrics
	// MaxConns caps the connections open at once, those handlers took
	// over included (0: DefaultMaxConns); it is lowered to stay an eighth
	// below the process's open-file limit. Past it a new connection is
	// answered 503 and closed.
	MaxConns int
}

// Server wraps a Fiber app with the shared lifecycle.
type Server struct {
	App      *fiber.App
	opts     Options
	metrics  *Metrics
	draining atomic.Bool
	// drain is closed when shutdown begins: long-lived streams end then,
	// so that shutdown does not wait out its grace on them.
	drain chan struct{}
	// held counts the connections handlers took over (Hold): the server
	// no longer tracks them, so shutdown waits for these by hand.
	held sync.WaitGroup
}

// Hold keeps Serve from returning, within ShutdownGrace, until release is
// called: for a handler that takes a connection over from the server
// (hijack) and must still say goodbye on it when the server drains.
func (s *Server) Hold() (release func()) {
	s.held.Add(1)
	var once sync.Once
	return func() { once.Do(s.held.Done) }
}

// Draining is closed when the server begins to shut down; handlers that
// stream for long (server-sent events) return when it is.
func (s *Server) Draining() <-chan struct{} { return s.drain }

// Metrics are the server's Prometheus metrics; apps register their own
// on its Registry.
func (s *Server) Metrics() *Metrics { return s.metrics }

// New builds a Fiber app with the shared middleware and /health, /ready.
func New(opts Options) *Server {
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = 15 * time.Second
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 30 * time.Second
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 60 * time.Second
	}
	if opts.ShutdownGrace == 0 {
		opts.ShutdownGrace = 20 * time.Second
	}
	if opts.BodyLimit == 0 {
		opts.BodyLimit = 1 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ErrorHandler == nil {
		opts.ErrorHandler = apierror.FiberHandler(opts.Logger)
	}
	if len(opts.TrustedProxies) == 0 {
		// Fiber believes the header from anyone unless the check is on.
		opts.ProxyHeader = ""
	}
	app := fiber.New(fiber.Config{
		AppName:                 opts.Name,
		ReadTimeout:             opts.ReadTimeout,
		WriteTimeout:            opts.WriteTimeout,
		IdleTimeout:             opts.IdleTimeout,
		BodyLimit:               opts.BodyLimit,
		ErrorHandler:            opts.ErrorHandler,
		DisableStartupMessage:   true,
		ProxyHeader:             opts.ProxyHeader,
		EnableTrustedProxyCheck: len(opts.TrustedProxies) > 0,
		TrustedProxies:          opts.TrustedProxies,
		JSONEncoder:             opts.JSONEncoder,
		// With streaming on, fasthttp reads at most BodyLimit ahead and
		// hands over the rest as a stream; limitBody holds the routes
		// that do not stream to the limit. Multipart forms are left to
		// the handler too: parsing them ahead would buffer an upload.
		StreamRequestBody:            opts.StreamBodies != nil,
		DisablePreParseMultipartForm: opts.StreamBodies != nil,
	})
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(opts.Name)
	}
	// A connection a handler takes over (the reminder streams) stays
	// open after the handler returns: its owner closes it, and the
	// server keeps no goroutine for it.
	app.Server().KeepHijackedConns = true
	// Answers given while shutting down say Connection: close, so a
	// client does not send its next request on a connection about to
	// close (it could not know whether a POST sent there was made).
	app.Server().CloseOnShutdown = true
	s := &Server{App: app, opts: opts, metrics: opts.Metrics, drain: make(chan struct{})}
	app.Use(requestid.New())
	app.Use(s.logRequests)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	if opts.StreamBodies != nil {
		app.Use(s.limitBody)
	}
	app.Get("/health", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/ready", s.ready)
	return s
}

// limitBody holds every request but the streaming ones to BodyLimit.
// With streamed bodies fasthttp no longer refuses a large body itself:
// a declared length over the limit is refused here unread, and a chunked
// body is read up to the limit and kept, or refused.
func (s *Server) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	if !req.IsBodyStream() {
		return c.Next()
	}
	if s.opts.StreamBodies(c) {
		// The handler reads the body as it arrives and may answer before
		// its end (a refused upload: bad CSRF token, wrong format). Unless
		// it read the body to its end (BodyStream.Finish), the connection
		// closes after the answer, so that what is left of the body is
		// never read as the client's next request.
		err := c.Next()
		if b, _ := c.Locals(bodyStreamKey{}).(*BodyStream); b == nil || !b.ended {
			c.Response().SetConnectionClose()
		}
		return err
	}
	tooLarge := func() error {
		// Read on a little, so that a client still sending sees the
		// answer rather than a reset; then close the connection, which
		// cannot carry another request with the rest unread.
		_, _ = io.CopyN(io.Discard, req.BodyStream(), 8<<20)
		c.Response().SetConnectionClose()
		return apierror.New(fiber.StatusRequestEntityTooLarge, apierror.CodeTooLarge,
			fmt.Sprintf("request body is too large (limit %d KiB)", s.opts.BodyLimit>>10))
	}
	n := req.Header.ContentLength()
	switch {
	case n > s.opts.BodyLimit:
		return tooLarge()
	case n >= 0:
		return c.Next()
	}
	b, err := io.ReadAll(io.LimitReader(req.BodyStream(), int64(s.opts.BodyLimit)+1))
	if err != nil {
		return apierror.BadRequest("the request body could not be read")
	}
	if len(b) > s.opts.BodyLimit {
		return tooLarge()
	}
	req.SetBody(b)
	return c.Next()
}

// BodyStream is a request body read as it arrives (Options.StreamBodies).
// It remembers its end: once the body has ended, fasthttp's stream would
// wait on the connection for the next request's bytes.
type BodyStream struct {
	r     io.Reader
	ended bool
}

// RequestBody returns the request's body as a stream: never c.Body(),
// which reads the whole of it into memory.
func RequestBody(c *fiber.Ctx) *BodyStream {
	b := &BodyStream{r: bytes.NewReader(c.Body())}
	if r := c.Context().RequestBodyStream(); r != nil {
		b = &BodyStream{r: r}
	}
	c.Locals(bodyStreamKey{}, b)
	return b
}

// bodyStreamKey holds a request's BodyStream, for limitBody to see
// whether it was read to its end.
type bodyStreamKey struct{}

func (b *BodyStream) Read(p []byte) (int, error) {
	if b.ended {
		return 0, io.EOF
	}
	n, err := b.r.Read(p)
	if err != nil {
		b.ended = true
	}
	return n, err
}

// Finish reads what the handler left of the body (a JSON decoder stops
// at the end of its value, before the chunked encoding's last bytes), so
// that the connection can carry the next request; past a little, the
// connection is closed instead.
func (b *BodyStream) Finish(c *fiber.Ctx) {
	const most = 64 << 10
	if n, _ := io.CopyN(io.Discard, b, most); n == most {
		c.Response().SetConnectionClose()
	}
}

func (s *Server) ready(c *fiber.Ctx) error {
	if s.draining.Load() {
		return apierror.Unavailable("shutting down")
	}
	if s.opts.ReadyCheck != nil {
		ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
		defer cancel()
		if err := s.opts.ReadyCheck(ctx); err != nil {
			s.opts.Logger.WarnContext(ctx, "not ready", slog.String("error", err.Error()))
			return apierror.Unavailable("not ready: a dependency is not answering")
		}
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.opts.Logger.ErrorContext(c.UserContext(), "panic", slog.String("path", c.Path()),
		slog.Any("request_id", c.Locals("requestid")), slog.String("panic", fmt.Sprint(e)))
}

func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// Render the error now so the logged status is the one sent.
		if herr := s.App.ErrorHandler(c, err); herr != nil {
			status = fiber.StatusInternalServerError
		} else {
			status = c.Response().StatusCode()
		}
	}
	attrs := []slog.Attr{
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.Any("request_id", c.Locals("requestid")),
	}
	if uid := auth.UserID(c); uid != "" {
		attrs = append(attrs, slog.String("user_id", uid))
	}
	s.metrics.observe(c, status, time.Since(start))
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.opts.Logger.LogAttrs(c.UserContext(), level, "request", attrs...)
	return nil
}

// Serve accepts on ln until ctx is cancelled, then shuts down gracefully:
// readiness turns 503, in-flight requests finish within ShutdownGrace,
// and Serve returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var metricsDone chan error
	if s.opts.MetricsPort != 0 {
		mln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(s.opts.MetricsPort)))
		if err != nil {
			return fmt.Errorf("listening for metrics on port %d (METRICS_PORT): %w", s.opts.MetricsPort, err)
		}
		mctx, stop := context.WithCancel(context.Background())
		metricsDone = make(chan error, 1)
		go func() { metricsDone <- s.metrics.serve(mctx, mln, s.opts.Logger) }()
		// Metrics answer until the app has drained, so the last requests
		// are counted where a scraper can see them.
		defer func() { stop(); <-metricsDone }()
	}
	maxConns := maxConnsFor(s.opts.MaxConns, openFileLimit())
	ln = newGuardedListener(ln, maxConns, s.opts.Logger)
	errc := make(chan error, 1)
	go func() { errc <- s.App.Listener(ln) }()
	s.opts.Logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.Int("max_conns", maxConns))
	select {
	case err := <-errc:
		return fmt.Errorf("serving %s: %w", s.opts.Name, err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	close(s.drain)
	s.opts.Logger.Info("shutting down", slog.Duration("grace", s.opts.ShutdownGrace))
	deadline := time.Now().Add(s.opts.ShutdownGrace)
	if err := s.App.ShutdownWithTimeout(s.opts.ShutdownGrace); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutting down %s: %w", s.opts.Name, err)
	}
	<-errc
	held := make(chan struct{})
	go func() { s.held.Wait(); close(held) }()
	select {
	case <-held:
	case <-time.After(time.Until(deadline)):
		s.opts.Logger.Warn("connections taken over by handlers were not released within the grace period")
	}
	s.opts.Logger.Info("stopped")
	return nil
}

// ListenAndServe listens on all interfaces at port and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listening on port %d: %w", port, err)
	}
	return s.Serve(ctx, ln)
}
