// Package config reads settings from environment variables into typed
// values and collects every problem, so a misconfigured process stops at
// start-up with one line naming each bad variable.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Env reads variables through lookup and remembers what was wrong.
type Env struct {
	lookup func(string) (string, bool)
	errs   []error
}

// FromOS reads the process environment.
func FromOS() *Env { return New(os.LookupEnv) }

// FromMap reads a fixed map; handy in tests.
func FromMap(m map[string]string) *Env {
	return New(func(k string) (string, bool) { v, ok := m[k]; return v, ok })
}

// New reads variables through lookup.
func New(lookup func(string) (string, bool)) *Env { return &Env{lookup: lookup} }

func (e *Env) get(name string) (string, bool) {
	v, ok := e.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (e *Env) fail(name, format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("%s %s", name, fmt.Sprintf(format, args...)))
}

// Err returns nil when every read succeeded, otherwise one error whose
// message lists each problem on a single line separated by "; ".
func (e *Env) Err() error {
	if len(e.errs) == 0 {
		return nil
	}
	msgs := make([]string, len(e.errs))
	for i, err := range e.errs {
		msgs[i] = err.Error()
	}
	return errors.New("configuration: " + strings.Join(msgs, "; "))
}

// String returns the value or def when unset.
func (e *Env) String(name, def string) string {
	if v, ok := e.get(name); ok {
		return v
	}
	return def
}

// Required returns the value, recording an error when it is unset.
func (e *Env) Required(name, what string) string {
	v, ok := e.get(name)
	if !ok {
		e.fail(name, "is required (%s)", what)
	}
	return v
}

// Secret is a required value of at least minLen bytes.
func (e *Env) Secret(name string, minLen int) string {
	v, ok := e.get(name)
	switch {
	case !ok:
		e.fail(name, "is required (at least %d bytes; generate one with: openssl rand -hex 32)", minLen)
	case len(v) < minLen:
		e.fail(name, "must be at least %d bytes (got %d)", minLen, len(v))
	}
	return v
}

// Int parses an integer within [lo, hi].
func (e *Env) Int(name string, def, lo, hi int) int {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		e.fail(name, "must be a whole number between %d and %d (got %q)", lo, hi, v)
		return def
	}
	return n
}

// Port parses a TCP port number.
func (e *Env) Port(name string, def int) int { return e.Int(name, def, 1, 65535) }

// Duration parses a Go duration such as "10s" or "1m30s", greater than zero.
func (e *Env) Duration(name string, def time.Duration) time.Duration {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		e.fail(name, "must be a positive duration such as 10s or 1m (got %q)", v)
		return def
	}
	return d
}

// DurationBetween is Duration held within [min, max].
func (e *Env) DurationBetween(name string, def, min, max time.Duration) time.Duration {
	d := e.Duration(name, def)
	if d < min || d > max {
		e.fail(name, "must be between %s and %s (got %s)", min, max, d)
		return def
	}
	return d
}

// Bool parses true/false/1/0.
func (e *Env) Bool(name string, def bool) bool {
	v, ok := e.get(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(name, "must be true or false (got %q)", v)
		return def
	}
	return b
}

// URL parses an absolute http(s) URL without a trailing slash.
func (e *Env) URL(name, def string) string {
	v, ok := e.get(name)
	if !ok {
		v = def
	}
	if v == "" {
		return ""
	}
	if err := checkURL(v, "http", "https"); err != nil {
		e.fail(name, "must be an absolute http(s) URL such as http://localhost:8000 (%v)", err)
		return v
	}
	return strings.TrimRight(v, "/")
}

// RequiredURL is URL without a default, for settings that have none.
func (e *Env) RequiredURL(name string, schemes ...string) string {
	v, ok := e.get(name)
	if !ok {
		e.fail(name, "is required (a URL such as %s://...)", schemes[0])
		return ""
	}
	if err := checkURL(v, schemes...); err != nil {
		e.fail(name, "must be a %s URL (%v)", strings.Join(schemes, " or "), err)
	}
	return v
}

// URLList parses a comma-separated list of absolute http(s) URLs.
func (e *Env) URLList(name, def string) []string {
	v, ok := e.get(name)
	if !ok {
		v = def
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimRight(strings.TrimSpace(part), "/")
		if part == "" {
			continue
		}
		if err := checkURL(part, "http", "https"); err != nil {
			e.fail(name, "must be comma-separated http(s) origins (%q: %v)", part, err)
			continue
		}
		out = append(out, part)
	}
	return out
}

// OriginList parses a comma-separated list of browser origins
// (scheme://host[:port], any scheme: desktop apps send their own), as the
// Origin header carries them.
func (e *Env) OriginList(name string) []string {
	v, _ := e.get(name)
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimRight(strings.TrimSpace(part), "/")
		if part == "" {
			continue
		}
		u, err := url.Parse(part)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			e.fail(name, "must be comma-separated origins such as https://app.example or vscode-webview://x (got %q)", part)
			continue
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out
}

// CIDRList parses a comma-separated list of CIDR ranges of proxies to
// trust; "none" means empty. A range of every address (/0) is refused:
// whoever it trusts can write their own X-Forwarded-For.
func (e *Env) CIDRList(name, def string) []string {
	v := e.String(name, def)
	if strings.EqualFold(v, "none") {
		return nil
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		pre, err := netip.ParsePrefix(part)
		if err != nil {
			e.fail(name, "must be comma-separated CIDR ranges such as 10.0.0.0/8, or none (%q is not one)", part)
			continue
		}
		if pre.Bits() == 0 {
			e.fail(name, "must not trust every address (%s): anyone could then write their own X-Forwarded-For; list only your proxies' ranges, such as 10.0.0.0/8, or none", part)
			continue
		}
		out = append(out, part)
	}
	return out
}

// Domain parses an optional DNS domain such as example.com (a leading
// dot is dropped; empty means unset).
func (e *Env) Domain(name string) string {
	v := strings.TrimPrefix(strings.ToLower(e.String(name, "")), ".")
	if v == "" {
		return ""
	}
	labels := strings.Split(v, ".")
	if _, err := netip.ParseAddr(v); err == nil || strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		e.fail(name, "must be a domain name, not an IP address (got %q): browsers do not share cookies across an address's subdomains; set it to the domain both apps' host names end with, or leave it unset", v)
		return ""
	}
	ok := len(labels) >= 2 && len(v) <= 253
	for _, l := range labels {
		ok = ok && reDomainLabel.MatchString(l)
	}
	if !ok {
		e.fail(name, "must be a domain such as example.com that the apps' host names end with (got %q)", v)
		return ""
	}
	return v
}

var reDomainLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

// LogLevel parses debug, info, warn or error.
func (e *Env) LogLevel(name, def string) string {
	v := strings.ToLower(e.String(name, def))
	switch v {
	case "debug", "info", "warn", "error":
		return v
	}
	e.fail(name, "must be one of debug, info, warn, error (got %q)", v)
	return def
}

func checkURL(raw string, schemes ...string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	for _, s := range schemes {
		if u.Scheme == s {
			if u.Host == "" {
				return errors.New("missing host")
			}
			return nil
		}
	}
	return fmt.Errorf("scheme must be %s", strings.Join(schemes, " or "))
}

// Frontend is what both frontends (web, chatbot) read, the same way.
type Frontend struct {
	Port int
	// MetricsPort serves Prometheus metrics apart from the app (0: off).
	MetricsPort int
	// BackendURL is where the server reaches the backend (in-cluster name).
	BackendURL    string
	AuthSecret    string
	ShutdownGrace time.Duration
	LogLevel      string
	// TrustedProxies are the reverse proxies (an ingress terminating TLS)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed: the
	// browser's address for sign-in limits, HTTPS for Secure cookies and
	// HSTS. Empty (the default, "none"): believe no one.
	TrustedProxies []string
	// EventsPoll is how often an open page's reminder stream asks the
	// backend what fired.
	EventsPoll time.Duration
	// CookieDomain, when set, makes the sign-in cookies the domain's and
	// its subdomains' (web and assistant on two host names of it).
	CookieDomain string
	// EventsPerPerson is the most reminder streams one person may hold
	// open in this process.
	EventsPerPerson int
	// MaxConns caps the process's open connections (below its file
	// limit whatever is asked).
	MaxConns int
}

// Frontend reads the settings every frontend has; port is its default
// PORT, minSecret the shortest BETTER_AUTH_SECRET accepted.
func (e *Env) Frontend(port, minSecret int) Frontend {
	return Frontend{
		Port:           e.Port("PORT", port),
		MetricsPort:    e.Int("METRICS_PORT", 0, 0, 65535),
		BackendURL:     e.URL("BACKEND_URL", "http://localhost:8000"),
		AuthSecret:     e.Secret("BETTER_AUTH_SECRET", minSecret),
		ShutdownGrace:  e.Duration("SHUTDOWN_GRACE", 20*time.Second),
		LogLevel:       e.LogLevel("LOG_LEVEL", "info"),
		TrustedProxies: e.CIDRList("TRUSTED_PROXIES", "none"),
		EventsPoll:     e.DurationBetween("EVENTS_POLL", 5*time.Second, 100*time.Millisecond, time.Minute),
		CookieDomain:   e.Domain("COOKIE_DOMAIN"),
		// 20 tabs of one person, per replica; one person held 20 000 and
		// the process ran out of files.
		EventsPerPerson: e.Int("EVENTS_PER_PERSON", 20, 1, 1000),
		MaxConns:        e.Int("MAX_CONNS", 10000, 16, 1000000),
	}
}
