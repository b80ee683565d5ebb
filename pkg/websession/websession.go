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

	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/auth"
)

// Cookie and form names.
const (
	SessionCookie = "todo_session"
	CSRFCookie    = "todo_csrf"
	TZCookie      = "tz"
	CSRFField     = "_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

const (
	localsUser  = "user_id"
	localsToken = "session_token"
	localsCSRF  = "csrf_token"
)

// Manager reads and writes sessions for one app.
type Manager struct {
	tokens *auth.Tokens
	key    []byte
}

// New returns a Manager verifying tokens with tokens and deriving CSRF
// tokens from secret.
func New(tokens *auth.Tokens, secret string) *Manager {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("todo-app csrf v1"))
	return &Manager{tokens: tokens, key: mac.Sum(nil)}
}

// secure reports whether the browser reached us over HTTPS, directly or
// through a proxy that says so.
func secure(c *fiber.Ctx) bool {
	return c.Protocol() == "https" || strings.EqualFold(c.Get("X-Forwarded-Proto"), "https")
}

// SetSession stores the token from sign-in in an httpOnly cookie.
func (m *Manager) SetSession(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
}

// ClearSession signs the browser out.
func (m *Manager) ClearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c)})
}

// Load verifies the session cookie, if any, and remembers the user for
// UserID and Token. It never rejects; use Require for that.
func (m *Manager) Load(c *fiber.Ctx) error {
	if tok := c.Cookies(SessionCookie); tok != "" {
		if sub, err := m.tokens.Verify(tok); err == nil {
			c.Locals(localsUser, sub)
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
func (m *Manager) CSRF(c *fiber.Ctx) error {
	seed := c.Cookies(CSRFCookie)
	if len(seed) != 64 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		seed = hex.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: CSRFCookie, Value: seed, Path: "/", HTTPOnly: true,
			SameSite: fiber.CookieSameSiteLaxMode, Secure: secure(c), Expires: time.Now().Add(365 * 24 * time.Hour)})
	}
	want := m.csrfFor(seed)
	c.Locals(localsCSRF, want)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
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

func (m *Manager) csrfFor(seed string) string {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CSRFToken is the token to put in forms as _csrf.
func CSRFToken(c *fiber.Ctx) string { s, _ := c.Locals(localsCSRF).(string); return s }

// Location is the browser's time zone (from the tz cookie app.js sets),
// UTC until it is known.
func Location(c *fiber.Ctx) *time.Location {
	if name, err := url.QueryUnescape(c.Cookies(TZCookie)); err == nil && name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// WantsJSON reports whether the client asked for JSON (the page scripts do).
func WantsJSON(c *fiber.Ctx) bool {
	return strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// SecurityHeaders sets the headers every page gets: a CSP without inline
// scripts or styles, no framing, no sniffing, a tight referrer policy.
func SecurityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	return c.Next()
}

// SafeNext keeps a post-sign-in redirect on this site.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
