package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are one app's Prometheus metrics: the HTTP ones every app
// records, the Go runtime's, and whatever the app registers on Registry.
// They are served on their own port (Options.MetricsPort), never on the
// app's port: that one is public through the NodePort.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	queued   *prometheus.GaugeVec
}

// Queued is the gauge of requests waiting for admission in one queue
// (AdmissionOptions.Queued): "api", "mcp".
func (m *Metrics) Queued(queue string) prometheus.Gauge { return m.queued.WithLabelValues(queue) }

// NewMetrics registers the HTTP and runtime metrics of app.
func NewMetrics(app string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.", ConstLabels: prometheus.Labels{"app": app}},
			[]string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route pattern and method.", ConstLabels: prometheus.Labels{"app": app},
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}},
			[]string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "http_requests_in_flight",
			Help: "HTTP requests being answered now.", ConstLabels: prometheus.Labels{"app": app}}),
		queued: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "http_requests_queued",
			Help: "Requests waiting for a slot (fair admission), by queue.", ConstLabels: prometheus.Labels{"app": app}},
			[]string{"queue"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.queued,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records one answered request. The route is fiber's pattern
// (/api/:user_id/tasks/:id), never the raw path: ids would make a series
// per task.
func (m *Metrics) observe(c *fiber.Ctx, status int, took time.Duration) {
	route := c.Route().Path
	if route == "" || !strings.ContainsAny(route, ":*") && strings.TrimRight(route, "/") != strings.TrimRight(c.Path(), "/") {
		// Only middleware (app.Use) ran: no route matched this path.
		route = "unmatched"
	}
	// The method aliases fiber's reused request buffer: a label value
	// kept in a series must own its bytes (a POST once read "GETT").
	method := strings.Clone(c.Method())
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
}

func (m *Metrics) serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving metrics", slog.String("addr", ln.Addr().String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serving metrics: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopping the metrics server: %w", err)
	}
	return nil
}
