// Package reminders fires due reminders. Every backend replica runs a
// Runner; they need no coordination because each claim marks what it
// takes in the same statement that finds it (store.ClaimDue: FOR UPDATE
// SKIP LOCKED), so a reminder fires exactly once however many run, and a
// replica that stops mid-batch loses nothing (its transaction rolls back).
package reminders

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
)

// Runner claims due reminders every Interval, Batch at a time.
type Runner struct {
	store    *store.Store
	interval time.Duration
	batch    int
	log      *slog.Logger
	fired    *prometheus.CounterVec
}

// LateAfter is how far behind a reminder fires before it is marked late
// (it was due while everything was down).
const LateAfter = time.Minute

// New returns a Runner; metrics, when set, receives reminders_fired_total.
func New(st *store.Store, interval time.Duration, batch int, log *slog.Logger, metrics prometheus.Registerer) *Runner {
	r := &Runner{store: st, interval: interval, batch: batch, log: log,
		fired: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reminders_fired_total",
			Help: "Reminders fired by this process, by whether they fired late (due while the backend was down)."}, []string{"late"})}
	if metrics != nil {
		metrics.MustRegister(r.fired)
	}
	return r
}

// Run fires due reminders until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		r.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// drain claims batches until fewer than a batch are due.
func (r *Runner) drain(ctx context.Context) {
	for ctx.Err() == nil {
		fired, err := r.store.ClaimDue(ctx, r.batch, LateAfter)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("firing reminders failed; trying again shortly", slog.String("error", err.Error()))
			}
			return
		}
		for _, f := range fired {
			late := "false"
			if f.Late {
				late = "true"
			}
			r.fired.WithLabelValues(late).Inc()
		}
		if len(fired) > 0 {
			r.log.Debug("fired reminders", slog.Int("count", len(fired)))
		}
		if len(fired) < r.batch {
			return
		}
	}
}
