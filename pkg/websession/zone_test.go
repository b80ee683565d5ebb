package websession

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/client"
)

// zoneBackend is a backend's /api/auth/me in the fast tier: the person's
// zone rule (a choice wins; automatic takes the browser's), counting the
// requests FollowZone makes.
type zoneBackend struct {
	mu       sync.Mutex
	user     api.User
	calls    int
	failWith int
}

func (b *zoneBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if b.failWith != 0 {
		w.WriteHeader(b.failWith)
		return
	}
	if r.Method == http.MethodPatch {
		var in api.Preferences
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in.BrowserTimeZone != nil && b.user.TimeZoneAutomatic {
			b.user.TimeZone = *in.BrowserTimeZone
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(b.user)
}

// FollowZone asks the backend only when it must: a page whose browser
// zone matches what it heard of an automatic zone, or any page while the
// zone is chosen, costs no request until ZoneRecheck passes (the cookie
// expires); a browser in a new zone reports it on its next page; pages
// read dates in the backend's answer, and in the browser's zone when the
// backend cannot answer.
func TestFollowZoneAsksOnlyWhenItMust(t *testing.T) {
	be := &zoneBackend{user: api.User{ID: "user-7", TimeZone: "Europe/Berlin", TimeZoneAutomatic: true}}
	srv := httptest.NewServer(be)
	t.Cleanup(srv.Close)
	tokens, err := auth.NewTokens(secret, time.Hour)
	require.NoError(t, err)
	app := fiber.New(fiber.Config{ErrorHandler: apierror.FiberHandler(nil)})
	m := New(tokens, secret)
	pages := &AuthPages{Backend: client.New(srv.URL, nil), Session: m}
	app.Use(m.Load, pages.FollowZone)
	app.Get("/page", func(c *fiber.Ctx) error { return c.SendString(Location(c).String()) })
	tok, _, err := tokens.Issue(auth.Claims{UserID: "user-7", SessionID: "s-7"})
	require.NoError(t, err)

	person := "" // the tzperson cookie as the browser keeps it
	open := func(browser string) string {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/page", nil)
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
		req.AddCookie(&http.Cookie{Name: TZCookie, Value: url.QueryEscape(browser)})
		if person != "" {
			req.AddCookie(&http.Cookie{Name: PersonZoneCookie, Value: person})
		}
		resp, err := app.Test(req)
		require.NoError(t, err)
		for _, c := range resp.Cookies() {
			if c.Name == PersonZoneCookie {
				assert.Equal(t, int(ZoneRecheck.Seconds()), c.MaxAge)
				assert.True(t, c.HttpOnly)
				person = c.Value
			}
		}
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	calls := func() int { be.mu.Lock(); defer be.mu.Unlock(); return be.calls }

	assert.Equal(t, "Europe/Berlin", open("Europe/Berlin"))
	assert.Equal(t, 1, calls(), "nothing heard yet: asks")
	for range 3 {
		assert.Equal(t, "Europe/Berlin", open("Europe/Berlin"))
	}
	assert.Equal(t, 1, calls(), "the same zone: no request")
	assert.Equal(t, "Asia/Tokyo", open("Asia/Tokyo"), "travel: the first page in Tokyo reports it")
	assert.Equal(t, 2, calls())

	be.mu.Lock()
	be.user.TimeZone, be.user.TimeZoneAutomatic = "America/New_York", false
	be.mu.Unlock()
	person = "" // ZoneRecheck passed: the cookie expired
	assert.Equal(t, "America/New_York", open("Asia/Tokyo"), "a choice made elsewhere wins")
	assert.Equal(t, 3, calls())
	assert.Equal(t, "America/New_York", open("Europe/Paris"), "chosen: another browser zone changes nothing")
	assert.Equal(t, 3, calls(), "and asks nothing")

	be.mu.Lock()
	be.failWith = http.StatusServiceUnavailable
	be.mu.Unlock()
	person = ""
	assert.Equal(t, "Europe/Paris", open("Europe/Paris"), "backend down: the browser's zone, and the page goes on")
}
