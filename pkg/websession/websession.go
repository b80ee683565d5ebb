// Package websession is the browser side of signing in, shared by the web
// app and the chatbot (one host, so one sign-in serves both): the session
// cookie holding the JWT, stateless CSRF tokens, the user's time zone and
// the security headers every page gets.
package websession

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

// Cookie and form names.
const (
	SessionCookie = "todo_session"
	CSRFCookie    = "todo_csrf"
	// TZCookie is the browser's own zone: the page script writes it on
	// every page, the server never does.
	TZCookie = "tz"
	// PersonZoneCookie is the person's zone as the backend last said it
	// (FollowZone): the zone this browser's pages read and show dates
	// in, and whether it is automatic. It lasts ZoneRecheck, so that a
	// choice made in another browser reaches this one soon.
	PersonZoneCookie = "tzperson"
	CSRFField        = "_csrf"
	CSRFHeader       = "X-CSRF-Token"
)

const (
	localsUser  = "user_id"
	localsToken = "session_token"
	localsCSRF  = "csrf_token"
	localsZone  = "person_zone"
)

// Manager reads and writes sessions for one app.
type Manager struct {
	tokens *auth.Tokens
	key    []byte
	// streamed picks the requests whose form is read as a stream by the
	// handler (an upload): the handler checks their token with
	// CheckCSRF, from the form's first part, instead of the middleware
	// reading (and so buffering) the whole form.
	streamed func(method, path string) bool
}

// StreamForms makes the requests picked by which check their CSRF token
// in the handler (CheckCSRF) rather than in the CSRF middleware.
func (m *Manager) StreamForms(which func(method, path string) bool) { m.streamed = which }

// CheckCSRF checks a token read by a handler of a streamed form.
func (m *Manager) CheckCSRF(c *fiber.Ctx, got string) error {
	if subtle.ConstantTimeCompare([]byte(got), []byte(CSRFToken(c))) != 1 || got == "" {
		return apierror.Forbidden("this form has expired; reload the page and try again")
	}
	return nil
}

// New returns a Manager verifying tokens with tokens and deriving CSRF
// tokens from secret.
func New(tokens *auth.Tokens, secret string) *Manager {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("todo-app csrf v1"))
	return &Manager{tokens: tokens, key: mac.Sum(nil)}
}

// IsHTTPS reports whether the browser reached us over HTTPS: directly, or
// through a trusted proxy that says so in X-Forwarded-Proto. Fiber believes
// that header from anyone unless trusted proxies are configured, so without
// them the header is ignored.
func IsHTTPS(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	if !c.App().Config().EnableTrustedProxyCheck {
		return false
	}
	return c.Protocol() == "https"
}

// cookieDomainKey holds the CookieDomain of a request.
type cookieDomainKey struct{}

// CookieDomain makes the session's cookies (session, name, CSRF seed,
// time zone) cookies of domain and its subdomains, so that the web app and
// the assistant on two host names of it share one sign-in (COOKIE_DOMAIN).
// Without it a cookie is its host's, which is enough when both apps are
// one host on two ports (cookies do not look at ports).
func CookieDomain(domain string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(cookieDomainKey{}, domain)
		return c.Next()
	}
}

// SetCookie sets ck with the request's CookieDomain, if any.
func SetCookie(c *fiber.Ctx, ck *fiber.Cookie) {
	if d, _ := c.Locals(cookieDomainKey{}).(string); d != "" {
		ck.Domain = d
	}
	c.Cookie(ck)
}

// SetSession stores the token from sign-in in an httpOnly cookie.
func (m *Manager) SetSession(c *fiber.Ctx, token string, expires time.Time) {
	SetCookie(c, &fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c)})
}

// ClearSession signs the browser out.
func (m *Manager) ClearSession(c *fiber.Ctx) {
	SetCookie(c, &fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c)})
}

// Load verifies the session cookie, if any, and remembers the user for
// UserID and Token. It never rejects; use Require for that.
func (m *Manager) Load(c *fiber.Ctx) error {
	if tok := c.Cookies(SessionCookie); tok != "" {
		if claims, err := m.tokens.Verify(tok); err == nil {
			c.Locals(localsUser, claims.UserID)
			c.Locals(localsToken, tok)
		}
	}
	return c.Next()
}

// Require sends visitors without a valid session to /signin, remembering
// where they wanted to go. API-style requests get a 401 envelope.
func (m *Manager) Require(c *fiber.Ctx) error {
	if UserID(c) != "" {
		return c.Next()
	}
	if WantsJSON(c) {
		return apierror.Unauthorized("your session has expired; sign in again")
	}
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = "/"
	}
	return c.Redirect("/signin?next="+url.QueryEscape(next), fiber.StatusSeeOther)
}

// UserID is the signed-in user's id, or "".
func UserID(c *fiber.Ctx) string { s, _ := c.Locals(localsUser).(string); return s }

// Token is the signed-in user's JWT, for calling the backend as them.
func Token(c *fiber.Ctx) string { s, _ := c.Locals(localsToken).(string); return s }

// CSRF issues the per-browser CSRF cookie when missing and, for unsafe
// methods, checks the token from the form field or header. Tokens are an
// HMAC of the cookie, so any replica can check them without shared state.
//
// A token is bound to the session too (an HMAC of the cookie and the
// session token), so a token seen before sign-in, or in another account's
// session, is worth nothing after it; RotateCSRF gives a new seed at
// sign-in.
func (m *Manager) CSRF(c *fiber.Ctx) error {
	seed := c.Cookies(CSRFCookie)
	if len(seed) != 64 {
		seed = m.RotateCSRF(c)
	}
	want := m.csrfFor(seed, Token(c))
	c.Locals(localsCSRF, want)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if m.streamed != nil && m.streamed(c.Method(), c.Path()) && c.Get(CSRFHeader) == "" {
		return c.Next()
	}
	got := c.Get(CSRFHeader)
	if got == "" {
		got = c.FormValue(CSRFField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return apierror.Forbidden("this form has expired; reload the page and try again")
	}
	return c.Next()
}

// RotateCSRF sets a new CSRF seed cookie and returns it.
func (m *Manager) RotateCSRF(c *fiber.Ctx) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	seed := hex.EncodeToString(b)
	SetCookie(c, &fiber.Cookie{Name: CSRFCookie, Value: seed, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c), Expires: time.Now().Add(365 * 24 * time.Hour)})
	return seed
}

func (m *Manager) csrfFor(seed, session string) string {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(seed))
	mac.Write([]byte{0})
	mac.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CSRFToken is the token to put in forms as _csrf.
func CSRFToken(c *fiber.Ctx) string { s, _ := c.Locals(localsCSRF).(string); return s }

// Location is the person's time zone (issue 29's rule): the zone the
// backend keeps for them, as FollowZone last heard it — the zone they
// chose in Settings, or on Automatic the browser's of the most recent
// page load. Every date a page or the assistant reads or shows ("today",
// "tomorrow", "Friday", a due time) is in it. Before the backend has
// answered, the browser's zone; UTC until that is known.
func Location(c *fiber.Ctx) *time.Location {
	if loc, ok := c.Locals(localsZone).(*time.Location); ok {
		return loc
	}
	if zone, _, ok := personZone(c); ok {
		return zone
	}
	return browserLocation(c)
}

// browserLocation is the browser's own zone (TZCookie), UTC until known.
func browserLocation(c *fiber.Ctx) *time.Location {
	if name, err := url.QueryUnescape(c.Cookies(TZCookie)); err == nil && name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// ZoneRecheck is how long a browser trusts what it heard of the person's
// zone before it asks the backend again, reporting its own zone (one
// small request a minute at most while pages are opened; the backend
// writes only a changed zone, or the time every accounts.ZoneSeenEvery).
// So a zone chosen on another device reaches this one within a minute; a
// browser whose own zone changes reports it on its next page at once.
const ZoneRecheck = time.Minute

// personZone reads PersonZoneCookie: the person's zone and whether it is
// automatic.
func personZone(c *fiber.Ctx) (loc *time.Location, automatic, ok bool) {
	raw, err := url.QueryUnescape(c.Cookies(PersonZoneCookie))
	if err != nil {
		return nil, false, false
	}
	name, mode, found := strings.Cut(raw, " ")
	if !found || (mode != "automatic" && mode != "chosen") {
		return nil, false, false
	}
	loc, err = time.LoadLocation(name)
	if err != nil {
		return nil, false, false
	}
	return loc, mode == "automatic", true
}

// KeepZone remembers the person's zone as the backend gave it (u), for
// this request's pages and for ZoneRecheck.
func KeepZone(c *fiber.Ctx, u api.User) {
	mode := "chosen"
	if u.TimeZoneAutomatic {
		mode = "automatic"
	}
	loc, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		return
	}
	c.Locals(localsZone, loc)
	SetCookie(c, &fiber.Cookie{Name: PersonZoneCookie, Value: url.QueryEscape(u.TimeZone + " " + mode), Path: "/",
		MaxAge: int(ZoneRecheck.Seconds()), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c)})
}

// WantsJSON reports whether the client asked for JSON (the page scripts do).
func WantsJSON(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// SecurityHeaders sets the headers every response gets, static files
// included (mount it before them): a CSP without inline scripts or styles,
// no framing, no sniffing, a tight referrer policy, and HSTS when the
// browser came over HTTPS.
func SecurityHeaders(c *fiber.Ctx) error {
	if IsHTTPS(c) {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}

// SafeNext keeps a post-sign-in redirect on this site: it returns next
// rebuilt as a clean path (and query) on this site, or "/".
//
// Browsers strip tabs and newlines from URLs and treat a backslash as a
// slash, so "/\t/evil.example" or "/\\evil.example" become the
// scheme-relative "//evil.example" once the browser has cleaned them:
// anything with a control character, a backslash, an encoded slash or
// backslash, or a leading "//" after cleaning is refused, not repaired.
func SafeNext(next string) string {
	if next == "" || next[0] != '/' {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) {
			return "/"
		}
	}
	lower := strings.ToLower(next)
	if strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") || strings.Contains(lower, "%09") ||
		strings.Contains(lower, "%0a") || strings.Contains(lower, "%0d") || strings.Contains(lower, "%00") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	clean := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}).String()
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return "/"
	}
	return clean
}
