package websession

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// notifications stands in for the backend's GET /notifications in these
// unit tests of the hub (the stream tests of apps/web run the real one):
// it counts the questions and answers with what it was given.
type notifications struct {
	mu    sync.Mutex
	list  []api.Notification
	asked atomic.Int64
	// busy answers the question a stream opens with 503.
	busy bool
	// seen: up to this id, the notifications were seen (not listed
	// without after=).
	seen int64
}

func (n *notifications) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil {
		after = -1
	} else {
		n.asked.Add(1)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if after < 0 && n.busy {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"error":{"code":"unavailable","message":"busy"}}`)
		return
	}
	if after >= 0 && r.Header.Get("Authorization") == "Bearer gone" {
		// Signed out after the page opened.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"code":"unauthenticated","message":"sign in"}}`)
		return
	}
	out := api.NotificationList{Notifications: []api.Notification{}}
	for _, x := range n.list {
		if x.ID > after && (after >= 0 || x.ID > n.seen) {
			out.Notifications = append(out.Notifications, x)
		}
		out.LastID = max(out.LastID, x.ID)
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (n *notifications) fire(id int64, title string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, api.Notification{ID: id, Title: title})
}

// streamServer serves GET /events for the session named by the ?as=
// query (and the person named by ?who=, u1 by default), and returns its
// address and the reminders' hub; tweak changes the Reminders first.
func streamServer(t *testing.T, backend string, heartbeat time.Duration, tweak ...func(*Reminders)) (string, *Reminders, func()) {
	t.Helper()
	srv := httpserver.New(httpserver.Options{Name: "web", Logger: slog.New(slog.DiscardHandler), ShutdownGrace: 5 * time.Second})
	r := &Reminders{Backend: client.New(backend, nil), Poll: 50 * time.Millisecond, Heartbeat: heartbeat, Server: srv}
	for _, f := range tweak {
		f(r)
	}
	r.Register(srv.App, func(c *fiber.Ctx) error {
		c.Locals(localsUser, c.Query("who", "u1"))
		c.Locals(localsToken, c.Query("as"))
		return c.Next()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	shutdown := func() { stop(); require.NoError(t, <-served) }
	t.Cleanup(func() {
		if ctx.Err() == nil {
			shutdown()
		}
	})
	return "http://" + ln.Addr().String(), r, shutdown
}

func (r *Reminders) openStreams() int {
	r.hub.mu.Lock()
	defer r.hub.mu.Unlock()
	n := 0
	for _, ss := range r.hub.sessions {
		n += len(ss.streams)
	}
	return n
}

type page struct {
	resp  *http.Response
	lines chan string
}

func openPage(t *testing.T, base, session string) *page {
	t.Helper()
	resp, err := http.Get(base + "/events?as=" + session)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	p := &page{resp: resp, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return p
}

// next returns the next line starting with prefix.
func (p *page) next(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			require.True(t, ok, "the stream ended before %q", prefix)
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			t.Fatalf("no %q within 10 s", prefix)
		}
	}
}

// Ten tabs of one browser share one question to the backend per tick,
// and each gets every reminder once.
func TestPagesOfOneSessionShareAPoll(t *testing.T) {
	t.Parallel()
	be := &notifications{seen: 1}
	be.fire(1, "Seen before")
	backend := httptest.NewServer(be)
	defer backend.Close()
	base, r, _ := streamServer(t, backend.URL, time.Minute)
	var pages []*page
	for range 10 {
		p := openPage(t, base, "one")
		p.next(t, "retry: 5000")
		pages = append(pages, p)
	}
	require.Eventually(t, func() bool { return r.openStreams() == 10 }, 5*time.Second, 10*time.Millisecond)
	be.fire(2, "Call mom")
	be.fire(3, "Water plants")
	for _, p := range pages {
		assert.Contains(t, p.next(t, "data: "), `"Call mom"`)
		assert.Contains(t, p.next(t, "data: "), `"Water plants"`)
	}
	before := be.asked.Load()
	time.Sleep(500 * time.Millisecond) // ten ticks
	asked := be.asked.Load() - before
	assert.LessOrEqual(t, asked, int64(12), "one question per tick for ten pages")
	assert.GreaterOrEqual(t, asked, int64(5))
	for _, p := range pages {
		select {
		case l := <-p.lines:
			assert.NotContains(t, l, "data: ", "a reminder twice")
		default:
		}
	}
}

// A closed tab is noticed at a heartbeat and its connection let go.
func TestClosedPageIsReleased(t *testing.T) {
	t.Parallel()
	be := &notifications{}
	backend := httptest.NewServer(be)
	defer backend.Close()
	base, r, _ := streamServer(t, backend.URL, 100*time.Millisecond)
	keep := openPage(t, base, "a")
	gone := openPage(t, base, "b")
	keep.next(t, "retry: 5000")
	gone.next(t, "retry: 5000")
	require.Eventually(t, func() bool { return r.openStreams() == 2 }, 5*time.Second, 10*time.Millisecond)
	gone.resp.Body.Close()
	require.Eventually(t, func() bool { return r.openStreams() == 1 }, 5*time.Second, 10*time.Millisecond)
	keep.next(t, ": ping")
}

// Signed out elsewhere: the page is told and the stream ends.
func TestSignedOutStreamEnds(t *testing.T) {
	t.Parallel()
	be := &notifications{}
	backend := httptest.NewServer(be)
	defer backend.Close()
	base, r, _ := streamServer(t, backend.URL, time.Minute)
	p := openPage(t, base, "gone")
	p.next(t, "event: signedout")
	require.Eventually(t, func() bool { return r.openStreams() == 0 }, 5*time.Second, 10*time.Millisecond)
}

// Shutdown says bye on every stream and waits until it has.
func TestShutdownSaysByeToEveryPage(t *testing.T) {
	t.Parallel()
	be := &notifications{}
	backend := httptest.NewServer(be)
	defer backend.Close()
	base, r, shutdown := streamServer(t, backend.URL, time.Minute)
	pages := []*page{openPage(t, base, "a"), openPage(t, base, "a"), openPage(t, base, "b")}
	for _, p := range pages {
		p.next(t, "retry: 5000")
	}
	require.Eventually(t, func() bool { return r.openStreams() == 3 }, 5*time.Second, 10*time.Millisecond)
	shutdown()
	for _, p := range pages {
		p.next(t, "event: bye")
	}
	assert.Equal(t, 0, r.openStreams())
}

// A busy backend when the page opens does not cost the page its stream
// (the browser would not ask again): it opens, and its first poll brings
// what fired before.
func TestStreamOpensWhenTheBackendIsBusy(t *testing.T) {
	t.Parallel()
	be := &notifications{busy: true}
	be.fire(7, "Fired while away")
	backend := httptest.NewServer(be)
	defer backend.Close()
	base, _, _ := streamServer(t, backend.URL, time.Minute)
	p := openPage(t, base, "busy")
	p.next(t, "retry: 5000")
	be.mu.Lock()
	be.busy = false // polls (after=) were never refused; the next open is fine too
	be.mu.Unlock()
	assert.Contains(t, p.next(t, "data: "), `"Fired while away"`)
}

// One person's streams are bounded in each process (one person opened
// 20 000 and the web app ran out of files): the one past the limit is
// refused 429 in the envelope, whichever of their sessions asks, while
// another person's still opens; a closed page gives its place back.
func TestStreamsPerPersonAreBounded(t *testing.T) {
	t.Parallel()
	be := &notifications{}
	backend := httptest.NewServer(be)
	defer backend.Close()
	base, r, _ := streamServer(t, backend.URL, 50*time.Millisecond, func(r *Reminders) { r.PerPerson = 3 })
	var ada []*page
	for _, session := range []string{"laptop", "laptop", "phone"} {
		p := openPage(t, base, session+"&who=ada")
		p.next(t, "retry: 5000")
		ada = append(ada, p)
	}
	resp, err := http.Get(base + "/events?as=tablet&who=ada")
	require.NoError(t, err)
	if resp.StatusCode != http.StatusTooManyRequests {
		resp.Body.Close() // a stream: reading it would not end
		t.Fatalf("the fourth stream of one person: %d, want 429", resp.StatusCode)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "60", resp.Header.Get("Retry-After"))
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	assert.Equal(t, "rate_limited", e.Error.Code)
	assert.Contains(t, e.Error.Message, "3 reminder streams")

	bob := openPage(t, base, "bob&who=bob")
	bob.next(t, "retry: 5000")
	require.Eventually(t, func() bool { return r.openStreams() == 4 }, 5*time.Second, 10*time.Millisecond)

	ada[0].resp.Body.Close()
	require.Eventually(t, func() bool { return r.openStreams() == 3 }, 5*time.Second, 10*time.Millisecond)
	again := openPage(t, base, "tablet&who=ada")
	again.next(t, "retry: 5000")
}

// A place taken for a stream that never reached the hub (its connection
// failed before fasthttp handed it over) is given back after a while.
func TestAPlaceThatNeverOpenedIsGivenBack(t *testing.T) {
	t.Parallel()
	h := newHub(time.Second, time.Second, 1, slog.New(slog.DiscardHandler))
	now := time.Now()
	require.NotNil(t, h.reserve("ada", now))
	assert.Nil(t, h.reserve("ada", now.Add(time.Second)), "one place, taken")
	assert.NotNil(t, h.reserve("bob", now.Add(time.Second)), "another person's")
	assert.NotNil(t, h.reserve("ada", now.Add(pendingPlace+time.Second)), "the stale one given back")
}
