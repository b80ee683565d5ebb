package httpserver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// AdmissionOptions configure fair admission for requests that belong to a
// user (a key).
type AdmissionOptions struct {
	// MaxInFlight bounds requests running at once in the process (the
	// memory bound, docs/benchmarks.md); 0 means no bound.
	MaxInFlight int
	// PerKey bounds one user's requests running at once, so that one user
	// cannot take every slot; 0 means MaxInFlight/4 (at least 1).
	PerKey int
	// MaxWait is how long a request may wait for its slots before it is
	// answered 503 with Retry-After (0: 2 s).
	MaxWait time.Duration
	// Rate and Burst are each user's request budget per second (0: none):
	// beyond it, 429 with Retry-After.
	Rate  float64
	Burst int
	// Key names the request's user ("" admits the request unkeyed, under
	// the global bound only).
	Key func(*fiber.Ctx) string
	// Queued, when set, counts the requests waiting for their slots now
	// (Metrics.Queued): a queue that stays above zero says the process
	// needs more slots or more replicas.
	Queued prometheus.Gauge
}

// Admission is fair admission: each user gets at most PerKey of the
// MaxInFlight slots, waits are bounded by MaxWait (a 503 the client can
// retry beats 20 s in a queue), and each user has a request budget. The
// per-user slot is taken before the global one, so a user's own backlog
// waits in their own line and never holds slots others need.
func Admission(o AdmissionOptions) fiber.Handler {
	if o.MaxWait <= 0 {
		o.MaxWait = 2 * time.Second
	}
	if o.PerKey <= 0 {
		o.PerKey = max(1, o.MaxInFlight/4)
	}
	a := &admission{opts: o, keys: map[string]*keyState{}}
	if o.MaxInFlight > 0 {
		a.global = make(chan struct{}, o.MaxInFlight)
	}
	return a.handle
}

type admission struct {
	opts   AdmissionOptions
	global chan struct{}
	mu     sync.Mutex
	keys   map[string]*keyState
}

// keyState is one user's line: their slots, their budget, and how many
// requests hold the state (it is dropped when none does and the budget is
// full again, so idle users cost nothing).
type keyState struct {
	slots   chan struct{}
	limiter *rate.Limiter
	refs    int
}

func (a *admission) acquire(key string) *keyState {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := a.keys[key]
	if k == nil {
		k = &keyState{slots: make(chan struct{}, a.opts.PerKey)}
		if a.opts.Rate > 0 {
			k.limiter = rate.NewLimiter(rate.Limit(a.opts.Rate), max(1, a.opts.Burst))
		}
		// The key may alias fiber's request buffer, which the next
		// request reuses: a map key must own its bytes, or "eve"'s
		// state turns into "bob"'s.
		a.keys[strings.Clone(key)] = k
	}
	k.refs++
	return k
}

func (a *admission) release(key string, k *keyState) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k.refs--
	if k.refs == 0 && (k.limiter == nil || k.limiter.Tokens() >= float64(k.limiter.Burst())) {
		delete(a.keys, key)
	}
}

func (a *admission) handle(c *fiber.Ctx) error {
	key := ""
	if a.opts.Key != nil {
		key = a.opts.Key(c)
	}
	timer := time.NewTimer(a.opts.MaxWait)
	defer timer.Stop()
	// Queued until both slots are held, or the request gives up. A
	// shutdown does not end the wait: the request was accepted, the ones
	// ahead of it finish within the grace, and it is answered like any
	// other (a 503 here would fail a write that a replica's restart
	// should not fail).
	admitted := func() {}
	if q := a.opts.Queued; q != nil {
		q.Inc()
		done := false
		admitted = func() {
			if !done {
				done = true
				q.Dec()
			}
		}
		defer admitted()
	}
	busy := func() error {
		c.Set(fiber.HeaderRetryAfter, "1")
		return apierror.Unavailable("the server is busy; try again in a moment")
	}
	if key != "" {
		k := a.acquire(key)
		defer a.release(key, k)
		if k.limiter != nil {
			if r := k.limiter.Reserve(); r.Delay() > 0 {
				r.Cancel()
				wait := int(r.Delay().Seconds()) + 1
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(wait))
				return apierror.New(http.StatusTooManyRequests, apierror.CodeRateLimited,
					fmt.Sprintf("too many requests from this account; wait %d s and try again", wait))
			}
		}
		select {
		case k.slots <- struct{}{}:
			defer func() { <-k.slots }()
		case <-timer.C:
			return busy()
		}
	}
	if a.global != nil {
		select {
		case a.global <- struct{}{}:
			defer func() { <-a.global }()
		case <-timer.C:
			return busy()
		}
	}
	admitted()
	return c.Next()
}
