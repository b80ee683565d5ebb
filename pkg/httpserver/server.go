// Package httpserver gives every todo-app service the same Fiber v2
// lifecycle: timeouts, request ids, one JSON log line per request, panic
// recovery, health and readiness endpoints and a graceful shutdown.
package httpserver

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/todo-app/todo-app/pkg/clientip"
)

// Options tune the server. Zero values get sensible defaults.
type Options struct {
	Name          string
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	IdleTimeout   time.Duration
	ShutdownGrace time.Duration // how long in-flight requests may take to finish
	BodyLimit     int           // bytes
	// StreamBodies, when set, picks by method and path the requests whose
	// handlers read the body as a stream (RequestBody), an import file,
	// under StreamBodyLimit (0: the handler's own limit only). Every other
	// request is held to BodyLimit. A declared length past the limit is
	// answered 413 before any of the body is read.
	StreamBodies    func(method, path string) bool
	StreamBodyLimit int
	// StreamTooLarge answers a streamed body over StreamBodyLimit (nil:
	// the generic 413).
	StreamTooLarge error
	// UploadIdle is the longest a streamed body may go without a byte
	// arriving, UploadTime the longest the whole of it may take (after
	// either the request is answered 408 and its connection closed).
	// Defaults: DefaultUploadIdle, DefaultUploadTime.
	UploadIdle time.Duration
	UploadTime time.Duration
	Logger     *slog.Logger
	// ReadyCheck reports whether dependencies answer; nil means always ready.
	ReadyCheck func(context.Context) error
	// TrustedProxies are the CIDR ranges of the proxies in front
	// (TRUSTED_PROXIES): their X-Forwarded-For gives the client address
	// (clientip.Of: the right-most entry that is not one of them) and
	// their X-Forwarded-Proto the scheme. None: the peer is the client.
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
	if opts.UploadIdle == 0 {
		opts.UploadIdle = DefaultUploadIdle
	}
	if opts.UploadTime == 0 {
		opts.UploadTime = DefaultUploadTime
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ErrorHandler == nil {
		opts.ErrorHandler = apierror.FiberHandler(opts.Logger)
	}
	proxies, err := clientip.Parse(opts.TrustedProxies)
	if err != nil {
		// config.Env checked the ranges; should one still fail, trust
		// no one rather than everyone.
		opts.Logger.Error("ignoring TRUSTED_PROXIES", slog.String("error", err.Error()))
		proxies, opts.TrustedProxies = &clientip.Proxies{}, nil
	}
	app := fiber.New(fiber.Config{
		AppName:               opts.Name,
		ReadTimeout:           opts.ReadTimeout,
		WriteTimeout:          opts.WriteTimeout,
		IdleTimeout:           opts.IdleTimeout,
		BodyLimit:             opts.BodyLimit,
		ErrorHandler:          opts.ErrorHandler,
		DisableStartupMessage: true,
		// No ProxyHeader: c.IP() is the peer, and the client address is
		// clientip.Of's. The trusted proxies still vouch for the scheme
		// (c.Protocol(): fiber believes X-Forwarded-Proto from anyone
		// unless the check is on).
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
	app.Use(proxies.Handler())
	app.Use(requestid.New())
	app.Use(s.logRequests)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	if opts.StreamBodies != nil {
		app.Server().HeaderReceived = s.checkLength
		app.Use(s.limitBody)
	}
	app.Get("/health", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/ready", s.ready)
	return s
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
