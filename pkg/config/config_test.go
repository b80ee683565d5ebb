package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultsWhenUnset(t *testing.T) {
	e := FromMap(map[string]string{})
	assert.Equal(t, 8000, e.Port("PORT", 8000))
	assert.Equal(t, 5*time.Second, e.Duration("GRACE", 5*time.Second))
	assert.Equal(t, "http://localhost:3000", e.URL("FRONTEND", "http://localhost:3000/"))
	assert.True(t, e.Bool("B", true))
	assert.Equal(t, "info", e.LogLevel("LOG_LEVEL", "info"))
	require.NoError(t, e.Err())
}

func TestValuesParsed(t *testing.T) {
	e := FromMap(map[string]string{"PORT": " 9001 ", "GRACE": "2s", "LIST": "http://a:1, https://b/ ,", "B": "false"})
	assert.Equal(t, 9001, e.Port("PORT", 8000))
	assert.Equal(t, 2*time.Second, e.Duration("GRACE", time.Second))
	assert.Equal(t, []string{"http://a:1", "https://b"}, e.URLList("LIST", ""))
	assert.False(t, e.Bool("B", true))
	require.NoError(t, e.Err())
	assert.Equal(t, "example.com", FromMap(map[string]string{"D": ".Example.com"}).Domain("D"))
	assert.Empty(t, FromMap(nil).Domain("D"))
}

func TestErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		read func(*Env)
		want string
	}{
		{"port not a number", map[string]string{"PORT": "http"}, func(e *Env) { e.Port("PORT", 1) }, "PORT must be a whole number between 1 and 65535"},
		{"port out of range", map[string]string{"PORT": "70000"}, func(e *Env) { e.Port("PORT", 1) }, "PORT must be a whole number"},
		{"short secret", map[string]string{"S": "short"}, func(e *Env) { e.Secret("S", 32) }, "S must be at least 32 bytes (got 5)"},
		{"missing secret", nil, func(e *Env) { e.Secret("S", 32) }, "S is required"},
		{"missing required", nil, func(e *Env) { e.Required("DATABASE_URL", "a postgres:// URL") }, "DATABASE_URL is required (a postgres:// URL)"},
		{"bad duration", map[string]string{"D": "ten"}, func(e *Env) { e.Duration("D", 1) }, "D must be a positive duration"},
		{"negative duration", map[string]string{"D": "-1s"}, func(e *Env) { e.Duration("D", 1) }, "D must be a positive duration"},
		{"bad url", map[string]string{"U": "localhost:8000"}, func(e *Env) { e.URL("U", "") }, "U must be an absolute http(s) URL"},
		{"bad list", map[string]string{"L": "http://ok,ftp://no"}, func(e *Env) { e.URLList("L", "") }, "L must be comma-separated http(s) origins"},
		{"bad bool", map[string]string{"B": "yes please"}, func(e *Env) { e.Bool("B", false) }, "B must be true or false"},
		{"bad db url", map[string]string{"DB": "mysql://x"}, func(e *Env) { e.RequiredURL("DB", "postgres", "postgresql") }, "DB must be a postgres or postgresql URL"},
		{"bad domain", map[string]string{"D": "https://example.com"}, func(e *Env) { e.Domain("D") }, "D must be a domain such as example.com"},
		{"top-level domain", map[string]string{"D": "com"}, func(e *Env) { e.Domain("D") }, "D must be a domain"},
		{"bad level", map[string]string{"LOG_LEVEL": "loud"}, func(e *Env) { e.LogLevel("LOG_LEVEL", "info") }, "LOG_LEVEL must be one of"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := FromMap(tc.env)
			tc.read(e)
			err := e.Err()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

func TestAllProblemsReportedTogether(t *testing.T) {
	e := FromMap(map[string]string{"PORT": "x"})
	e.Port("PORT", 1)
	e.Secret("SECRET", 32)
	err := e.Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PORT")
	assert.Contains(t, err.Error(), "SECRET")
}

// The stream and connection limits both frontends read: defaults, a
// value, and a bad one named.
func TestFrontendLimits(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	f := FromMap(map[string]string{"BETTER_AUTH_SECRET": secret}).Frontend(3000, 32)
	assert.Equal(t, 20, f.EventsPerPerson)
	assert.Equal(t, 10000, f.MaxConns)
	e := FromMap(map[string]string{"BETTER_AUTH_SECRET": secret, "EVENTS_PER_PERSON": "5", "MAX_CONNS": "2000"})
	f = e.Frontend(3000, 32)
	require.NoError(t, e.Err())
	assert.Equal(t, 5, f.EventsPerPerson)
	assert.Equal(t, 2000, f.MaxConns)
	e = FromMap(map[string]string{"BETTER_AUTH_SECRET": secret, "EVENTS_PER_PERSON": "0", "MAX_CONNS": "lots"})
	e.Frontend(3000, 32)
	require.Error(t, e.Err())
	assert.Contains(t, e.Err().Error(), "EVENTS_PER_PERSON")
	assert.Contains(t, e.Err().Error(), "MAX_CONNS")
}

// TRUSTED_PROXIES that trust every address would let anyone write their
// own X-Forwarded-For, and a COOKIE_DOMAIN that is an IP address is no
// domain a browser keeps a cookie for: each is refused in one line that
// names the setting and the fix.
func TestProxiesAndCookieDomainRefused(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	for env, want := range map[[2]string]string{
		{"TRUSTED_PROXIES", "0.0.0.0/0"}:        "TRUSTED_PROXIES must not trust every address (0.0.0.0/0): anyone could then write their own X-Forwarded-For; list only your proxies' ranges, such as 10.0.0.0/8, or none",
		{"TRUSTED_PROXIES", "10.0.0.0/8, ::/0"}: "TRUSTED_PROXIES must not trust every address (::/0)",
		{"TRUSTED_PROXIES", "0.0.0.1/0"}:        "TRUSTED_PROXIES must not trust every address (0.0.0.1/0)",
		{"COOKIE_DOMAIN", "10.0.0.1"}:           `COOKIE_DOMAIN must be a domain name, not an IP address (got "10.0.0.1"): browsers do not share cookies across an address's subdomains; set it to the domain both apps' host names end with, or leave it unset`,
		{"COOKIE_DOMAIN", "203.0.113.7"}:        `COOKIE_DOMAIN must be a domain name, not an IP address`,
	} {
		e := FromMap(map[string]string{"BETTER_AUTH_SECRET": secret, env[0]: env[1]})
		e.Frontend(3000, 32)
		err := e.Err()
		require.Error(t, err, env)
		assert.Contains(t, err.Error(), want, env)
		assert.NotContains(t, err.Error(), "\n", "one line")
	}
	e := FromMap(map[string]string{"BETTER_AUTH_SECRET": secret, "TRUSTED_PROXIES": "10.0.0.0/8,fd00::/8", "COOKIE_DOMAIN": "example.com"})
	f := e.Frontend(3000, 32)
	require.NoError(t, e.Err())
	assert.Equal(t, []string{"10.0.0.0/8", "fd00::/8"}, f.TrustedProxies)
	assert.Equal(t, "example.com", f.CookieDomain)
}
