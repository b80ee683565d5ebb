package httpserver

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// blocking is an app whose /slow requests hold their slots until release
// is closed; the user is the X-User header.
func blocking(t *testing.T, o AdmissionOptions) (app *fiber.App, started chan string, release chan struct{}) {
	t.Helper()
	o.Key = func(c *fiber.Ctx) string { return c.Get("X-User") }
	app = fiber.New(fiber.Config{ErrorHandler: apierror.FiberHandler(nil)})
	started, release = make(chan string, 100), make(chan struct{})
	adm := Admission(o)
	app.Get("/slow", adm, func(c *fiber.Ctx) error {
		started <- c.Get("X-User")
		<-release
		return c.SendString("slow")
	})
	app.Get("/quick", adm, func(c *fiber.Ctx) error { return c.SendString("quick") })
	return app, started, release
}

func getAs(t *testing.T, app *fiber.App, path, user string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("X-User", user)
	resp, err := app.Test(req, -1)
	require.NoError(t, err)
	return resp
}

// The probe's case: one user's slow requests must not delay another's
// trivial one. Shown without timing: the other user's request finishes
// while all of the first user's are still held.
func TestOneUserCannotTakeEverySlot(t *testing.T) {
	app, started, release := blocking(t, AdmissionOptions{MaxInFlight: 4, PerKey: 2, MaxWait: 5 * time.Second})
	var wg sync.WaitGroup
	codes := make(chan int, 10)
	for i := 0; i < 10; i++ { // the flood: 10 slow requests from eve
		wg.Add(1)
		go func() { defer wg.Done(); codes <- getAs(t, app, "/slow", "eve").StatusCode }()
	}
	<-started
	<-started // eve holds her two slots; her other eight wait in her line
	resp := getAs(t, app, "/quick", "bob")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "bob is served while eve's requests are held")
	select {
	case u := <-started:
		t.Fatalf("a third request of %s ran beside the first two: the per-user bound is broken", u)
	default:
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		assert.Equal(t, http.StatusOK, c, "eve's queued requests are served once slots free")
	}
}

func TestWaitingIsBoundedWithRetryAfter(t *testing.T) {
	app, started, release := blocking(t, AdmissionOptions{MaxInFlight: 4, PerKey: 1, MaxWait: 50 * time.Millisecond})
	defer close(release)
	go getAs(t, app, "/slow", "eve")
	<-started
	resp := getAs(t, app, "/quick", "eve")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a request that cannot get a slot in time is told so")
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
}

func TestGlobalBoundStillHolds(t *testing.T) {
	app, started, release := blocking(t, AdmissionOptions{MaxInFlight: 2, PerKey: 2, MaxWait: 50 * time.Millisecond})
	defer close(release)
	go getAs(t, app, "/slow", "a")
	go getAs(t, app, "/slow", "b")
	<-started
	<-started
	resp := getAs(t, app, "/quick", "c")
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "two of two process slots are taken")
}

// The queue gauge counts the requests waiting for a slot, and only while
// they wait.
func TestQueuedRequestsAreCounted(t *testing.T) {
	queued := prometheus.NewGauge(prometheus.GaugeOpts{Name: "queued"})
	app, started, release := blocking(t, AdmissionOptions{MaxInFlight: 1, PerKey: 1, MaxWait: time.Minute, Queued: queued})
	go getAs(t, app, "/slow", "a")
	<-started
	assert.Zero(t, testutil.ToFloat64(queued), "the first request got its slot at once")
	done := make(chan int)
	go func() { done <- getAs(t, app, "/quick", "b").StatusCode }()
	require.Eventually(t, func() bool { return testutil.ToFloat64(queued) == 1 }, 5*time.Second, time.Millisecond, "b waits")
	close(release)
	assert.Equal(t, http.StatusOK, <-done)
	assert.Zero(t, testutil.ToFloat64(queued), "nobody waits any more")
	// A request that gives up leaves the queue too.
	app, started, release = blocking(t, AdmissionOptions{MaxInFlight: 1, PerKey: 1, MaxWait: 20 * time.Millisecond, Queued: queued})
	defer close(release)
	go getAs(t, app, "/slow", "a")
	<-started
	assert.Equal(t, http.StatusServiceUnavailable, getAs(t, app, "/quick", "b").StatusCode)
	assert.Zero(t, testutil.ToFloat64(queued))
}

func TestPerUserBudget(t *testing.T) {
	app, _, release := blocking(t, AdmissionOptions{MaxInFlight: 8, Rate: 1, Burst: 3})
	defer close(release)
	for i := 0; i < 3; i++ {
		assert.Equal(t, http.StatusOK, getAs(t, app, "/quick", "eve").StatusCode, "within the burst")
	}
	resp := getAs(t, app, "/quick", "eve")
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, getAs(t, app, "/quick", "bob").StatusCode, "budgets are per user")
}

// Fiber's strings alias its request buffers, which the next request
// reuses; a user's state must not follow the bytes to the next user. The
// key here aliases one buffer on purpose, as fiber's c.Get may; with
// aliased map keys some of the thousand users would find an earlier
// user's spent budget.
func TestKeysOwnTheirBytes(t *testing.T) {
	buf := make([]byte, 5)
	app := fiber.New(fiber.Config{ErrorHandler: apierror.FiberHandler(nil)})
	app.Get("/", Admission(AdmissionOptions{Rate: 0.001, Burst: 1, Key: func(c *fiber.Ctx) string {
		copy(buf, c.Get("X-User"))
		return unsafe.String(&buf[0], len(buf))
	}}), func(c *fiber.Ctx) error { return c.SendString("ok") })
	for i := range 1000 {
		user := fmt.Sprintf("u%04d", i)
		require.Equal(t, http.StatusOK, getAs(t, app, "/", user).StatusCode, "%s has a budget of their own", user)
	}
	assert.Equal(t, http.StatusTooManyRequests, getAs(t, app, "/", "u0000").StatusCode, "u0000's budget of one is spent")
}

// A request waiting for a slot when the server begins to shut down is
// still answered, once the one ahead of it finishes.
func TestAQueuedRequestIsAnsweredThroughAShutdown(t *testing.T) {
	entered, release := make(chan struct{}, 2), make(chan struct{})
	url, cancel, done := start(t, Options{Name: "t", Logger: NewLogger(io.Discard, "error", "t"), ShutdownGrace: 5 * time.Second}, func(app *fiber.App) {
		app.Get("/slow", Admission(AdmissionOptions{MaxInFlight: 1, MaxWait: 5 * time.Second}), func(c *fiber.Ctx) error {
			entered <- struct{}{}
			<-release
			return c.SendString("done")
		})
	})
	codes := make(chan int, 2)
	send := func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			codes <- 0
			return
		}
		resp.Body.Close()
		codes <- resp.StatusCode
	}
	go send()
	<-entered
	go send()
	time.Sleep(100 * time.Millisecond) // the second one is queued
	cancel()
	time.Sleep(100 * time.Millisecond)
	close(release)
	assert.Equal(t, 200, <-codes)
	assert.Equal(t, 200, <-codes, "the queued request too")
	require.NoError(t, <-done)
}
