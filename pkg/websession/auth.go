package websession

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/clientip"
)

// NameCookie holds the signed-in person's display name (not trusted for
// anything but showing it).
const NameCookie = "todo_name"

// AuthForm is what the sign-in and sign-up templates receive.
type AuthForm struct {
	Email  string
	Name   string
	Next   string
	Errors map[string]string
}

// AuthPages are the sign-in, sign-up and sign-out handlers both frontends
// share; each app renders them with its own templates.
type AuthPages struct {
	Backend *client.Client
	Session *Manager
	// Render shows the "signin" or "signup" page with the form.
	Render func(c *fiber.Ctx, status int, page string, f AuthForm) error
	// Welcome and SignedOut show a message after sign-up and sign-out
	// (optional). closed is false when the backend could not be told, so
	// the session stays open until it expires or "sign out everywhere".
	Welcome   func(c *fiber.Ctx, name string)
	SignedOut func(c *fiber.Ctx, closed bool)
}

// Register mounts /signin, /signup and /signout on app.
func (p *AuthPages) Register(app fiber.Router) {
	app.Get("/signin", p.signInPage)
	app.Post("/signin", p.signIn)
	app.Get("/signup", p.signUpPage)
	app.Post("/signup", p.signUp)
	app.Post("/signout", p.signOut)
}

func (p *AuthPages) signInPage(c *fiber.Ctx) error {
	if UserID(c) != "" {
		return c.Redirect(SafeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return p.Render(c, fiber.StatusOK, "signin", AuthForm{Next: SafeNext(c.Query("next"))})
}

func (p *AuthPages) signUpPage(c *fiber.Ctx) error {
	if UserID(c) != "" {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return p.Render(c, fiber.StatusOK, "signup", AuthForm{Next: SafeNext(c.Query("next"))})
}

func (p *AuthPages) signIn(c *fiber.Ctx) error {
	f := AuthForm{Email: strings.TrimSpace(c.FormValue("email")), Next: SafeNext(c.FormValue("next"))}
	res, err := p.Backend.SignIn(client.ForwardedFor(c.UserContext(), clientip.Of(c)), api.SignInRequest{Email: f.Email, Password: c.FormValue("password"), TimeZone: BrowserZone(c)})
	if err != nil {
		fields, ok := FormErrors(err)
		if !ok {
			return err
		}
		f.Errors = fields
		status := fiber.StatusUnprocessableEntity
		if _, generic := fields["_"]; generic {
			status = fiber.StatusUnauthorized
		}
		return p.Render(c, status, "signin", f)
	}
	p.start(c, res)
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

func (p *AuthPages) signUp(c *fiber.Ctx) error {
	f := AuthForm{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")), Next: SafeNext(c.FormValue("next"))}
	res, err := p.Backend.SignUp(client.ForwardedFor(c.UserContext(), clientip.Of(c)), api.SignUpRequest{Email: f.Email, Name: f.Name, Password: c.FormValue("password"), TimeZone: BrowserZone(c)})
	if err != nil {
		fields, ok := FormErrors(err)
		if !ok {
			return err
		}
		f.Errors = fields
		return p.Render(c, fiber.StatusUnprocessableEntity, "signup", f)
	}
	p.start(c, res)
	if p.Welcome != nil {
		p.Welcome(c, res.User.Name)
	}
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

func (p *AuthPages) start(c *fiber.Ctx, res api.AuthResponse) {
	p.Session.SetSession(c, res.Token, res.ExpiresAt)
	p.Session.RotateCSRF(c)
	KeepZone(c, res.User)
	// The name is the user's own text: encoded, never raw in a header.
	SetCookie(c, &fiber.Cookie{Name: NameCookie, Value: url.QueryEscape(res.User.Name), Path: "/", Expires: res.ExpiresAt,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c)})
}

// BrowserZone is the browser's time zone name when the page script has
// told us (the tz cookie), "" otherwise. It is reported to the backend
// (sign-in, sign-up, FollowZone), which decides the person's zone.
func BrowserZone(c *fiber.Ctx) string {
	if loc := browserLocation(c); loc != time.UTC || c.Cookies(TZCookie) != "" {
		return loc.String()
	}
	return ""
}

// FollowZone keeps a signed-in browser's pages in the person's zone and
// tells the backend the browser's zone, on the pages (GET) it opens: when
// the browser's zone differs from the person's automatic one, or when
// what this browser heard is older than ZoneRecheck. The backend stores
// the browser's zone, with the time, only when the person is on
// Automatic (accounts.SetPreferences), so a zone chosen in Settings wins;
// a page load that changes nothing costs no request at all. When the
// backend cannot be reached the page goes on in the zone last heard (or
// the browser's): a failure here must not fail the page.
func (p *AuthPages) FollowZone(c *fiber.Ctx) error {
	if UserID(c) == "" || c.Method() != fiber.MethodGet {
		return c.Next()
	}
	browser := BrowserZone(c)
	if zone, automatic, ok := personZone(c); ok && (!automatic || browser == "" || browser == zone.String()) {
		return c.Next()
	}
	be := p.Backend.WithSession(Token(c), UserID(c))
	var (
		u   api.User
		err error
	)
	if browser != "" {
		u, err = be.SetPreferences(c.UserContext(), api.Preferences{BrowserTimeZone: &browser})
	} else {
		u, err = be.Me(c.UserContext())
	}
	if err == nil {
		KeepZone(c, u)
	}
	return c.Next()
}

// DisplayName is the signed-in person's name from NameCookie.
func DisplayName(c *fiber.Ctx) string {
	name, err := url.QueryUnescape(c.Cookies(NameCookie))
	if err != nil {
		return ""
	}
	return name
}

func (p *AuthPages) signOut(c *fiber.Ctx) error {
	// The backend closes the session, so the token is worth nothing even
	// if it was copied. The browser is signed out whatever the backend
	// says: on a shared computer that is what matters first.
	closed := true
	if tok := Token(c); tok != "" {
		err := p.Backend.WithSession(tok, UserID(c)).SignOut(c.UserContext())
		if e, ok := apierror.As(err); err != nil && (!ok || e.Status != http.StatusUnauthorized) {
			closed = false
		}
	}
	p.Session.ClearSession(c)
	SetCookie(c, &fiber.Cookie{Name: NameCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c)})
	// The person's zone is theirs: the next person here hears their own.
	SetCookie(c, &fiber.Cookie{Name: PersonZoneCookie, Value: "", Path: "/", Expires: time.Unix(1, 0), MaxAge: -1, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: IsHTTPS(c)})
	if p.SignedOut != nil {
		p.SignedOut(c, closed)
	}
	return c.Redirect("/signin", fiber.StatusSeeOther)
}

// FormErrors extracts per-field messages from a backend error a person can
// fix (validation, conflict, wrong credentials); "_" holds a message that
// belongs to no field. Other errors are not form errors.
func FormErrors(err error) (map[string]string, bool) {
	var e *apierror.Error
	if !errors.As(err, &e) {
		return nil, false
	}
	switch e.Status {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusUnauthorized:
	default:
		return nil, false
	}
	if len(e.Fields) > 0 {
		return e.Fields, true
	}
	return map[string]string{"_": e.Message}, true
}

//go:embed templates/auth.html
var authTemplates embed.FS

// ParseAuthForms adds the shared "signin-form" and "signup-form"
// templates to t: each app frames them in its own signin and signup pages.
func ParseAuthForms(t *template.Template) (*template.Template, error) {
	t, err := t.ParseFS(authTemplates, "templates/auth.html")
	if err != nil {
		return nil, fmt.Errorf("parsing the shared sign-in forms: %w", err)
	}
	return t, nil
}
