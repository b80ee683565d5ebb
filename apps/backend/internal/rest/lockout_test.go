package rest_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/app"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/auth"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Anyone can send wrong passwords for someone else's email: that must
// hold back the one who sends them, never lock the owner out (issue 36,
// the probe's repro: 21 wrong sign-ins over 17.5 minutes, then one every
// 15 minutes, gave the owner 429 "try again in 900 s" for as long as it
// went on). Failures are counted per account and client address; the
// right password from an address that has not failed always goes
// through, while the failing address still waits and a guesser spread
// over many addresses gets one free try on each.
func TestWrongSignInsCannotLockTheOwnerOut(t *testing.T) {
	t.Parallel()
	clock := &testClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	b := testenv.StartWith(t, testenv.Config(pg.NewDatabase(t, testenv.TemplateName, testenv.Migrate)), app.WithClock(clock.Now))
	b.SignUp(t, "ada@example.com")
	clients := auth.NewClientAddresses(testenv.Secret)
	signIn := func(from, password string) response {
		t.Helper()
		// The address as a frontend signs it for the browser it serves.
		h := http.Header{"Content-Type": {"application/json"}, auth.ClientHeader: {clients.Sign(from, time.Now())}}
		return callWith(t, http.MethodPost, b.URL+"/api/auth/sign-in", "", h, `{"email":"ada@example.com","password":"`+password+`"}`)
	}
	const attacker, owner, right = "203.0.113.7", "198.51.100.20", "correct horse battery"

	checked, heldBack := 0, 0
	for i := range 21 {
		if i > 0 {
			clock.Advance(52500 * time.Millisecond) // 21 tries over 17.5 minutes
		}
		switch r := signIn(attacker, "wrong guess"); r.Status {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
			heldBack++
			assert.Equal(t, "rate_limited", r.errCode())
			assert.NotEmpty(t, r.Header.Get("Retry-After"))
		default:
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Raw)
		}
	}
	assert.Positive(t, heldBack, "the failing address waits between its tries")
	assert.Less(t, checked, 21)

	r := signIn(owner, right)
	assert.Equal(t, http.StatusOK, r.Status, "the owner, from their own network, signs in: %s", r.Raw)
	r = signIn(attacker, right)
	assert.Equal(t, http.StatusTooManyRequests, r.Status, "the address that failed still waits, right password or not: %s", r.Raw)

	// One wrong try every 15 minutes for two hours never shuts the owner out.
	for range 8 {
		clock.Advance(15 * time.Minute)
		signIn(attacker, "wrong guess")
		require.Equal(t, http.StatusOK, signIn(owner, right).Status)
	}

	// The account is under attack now: an address new to it gets one
	// wrong try before its wait (not five), and the owner from another
	// new network still gets in at once.
	assert.Equal(t, http.StatusUnauthorized, signIn("192.0.2.50", "wrong guess").Status)
	assert.Equal(t, http.StatusUnauthorized, signIn("192.0.2.50", "another guess").Status, "the failure after the free one is answered; the wait starts after it")
	assert.Equal(t, http.StatusTooManyRequests, signIn("192.0.2.50", "third guess").Status)
	assert.Equal(t, http.StatusOK, signIn("192.0.2.99", right).Status)

	// An IPv6 network counts as one address (its /64): fresh addresses
	// in it are no fresh starts.
	assert.Equal(t, http.StatusUnauthorized, signIn("2001:db8:1:2::1", "wrong guess").Status)
	assert.Equal(t, http.StatusUnauthorized, signIn("2001:db8:1:2::2", "wrong guess").Status)
	assert.Equal(t, http.StatusTooManyRequests, signIn("2001:db8:1:2::3", right).Status)
	assert.Equal(t, http.StatusOK, signIn("2001:db8:1:3::1", right).Status, "the next /64 is another network")

	// A quiet wait ends it for the address that failed too.
	clock.Advance(16 * time.Minute)
	assert.Equal(t, http.StatusOK, signIn(attacker, right).Status)
}
