package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/config"
	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// The sign-in limit counts the right-most X-Forwarded-For entry that is
// not a trusted proxy (here the test itself, on loopback): two people
// behind the proxy are two addresses, and one of them rotating what they
// write at the left of the header is still one. (The web app used to
// pass the whole header on: every two-entry header fell into one bucket.)
func TestSignInLimitsCountTheAddressTheProxySaw(t *testing.T) {
	t.Parallel()
	be := stacktest.StartBackend(t, builder, pg, map[string]string{"AUTH_RATE_LIMIT": "3"})
	web := webtest.StartWeb(t, be.URL, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.0/8"} })
	b := newClient(t, web)
	m := csrfRe.FindStringSubmatch(b.get("/signin").Body)
	require.NotNil(t, m)
	signIn := func(forwarded string) int {
		form := url.Values{"_csrf": {m[1]}, "email": {"nobody@example.com"}, "password": {"wrong password"}}
		req, err := http.NewRequest(http.MethodPost, web+"/signin", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwarded)
		resp, err := b.c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	for i, spoof := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
		assert.Equal(t, http.StatusUnauthorized, signIn(spoof+", 203.0.113.7"), "attempt %d", i+1)
	}
	assert.Equal(t, http.StatusTooManyRequests, signIn("192.0.2.4, 203.0.113.7"), "a new left-most entry is the same person")
	assert.Equal(t, http.StatusUnauthorized, signIn("192.0.2.1, 203.0.113.8"), "another person behind the proxy has their own count")
}
