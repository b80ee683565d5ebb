// Package accounts signs people up and in: credential rules, password
// hashing and token issuance.
package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/todo-app/todo-app/apps/backend/internal/accounts/zxcvbn"
	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
)

// Password and name bounds, in characters.
const (
	MinPassword = 8
	MaxPassword = 1024
	MaxName     = 100
	// MinStrength is the zxcvbn score (0–4) a new password needs: 2 means
	// at least about a million guesses, which refuses "password",
	// "12345678", keyboard runs and a name or email, and accepts a few
	// unrelated words.
	MinStrength = 2
	// StrengthChecked is how many characters of a new password the
	// strength estimate reads. Its cost grows about with the cube of the
	// length (a 1 024-character password cost 20–38 s of CPU, and anyone
	// can send one to sign-up); 32 characters cost at most about as much
	// as the bcrypt hash that follows (BenchmarkCheckPassword), and 32
	// characters that are still easy to guess make a password nobody
	// should keep, whatever follows them.
	StrengthChecked = 32
)

// checkPassword says what is wrong with a new password, or "".
func checkPassword(pw, email, name string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPassword:
		return fmt.Sprintf("must be at least %d characters", MinPassword)
	case n > MaxPassword:
		return fmt.Sprintf("must be at most %d characters", MaxPassword)
	}
	checked := pw
	if n > StrengthChecked {
		checked = string([]rune(pw)[:StrengthChecked])
	}
	if zxcvbn.PasswordStrength(checked, personalWords(email, name)).Score >= MinStrength {
		return ""
	}
	if n > StrengthChecked {
		return fmt.Sprintf("starts with %d characters that are too easy to guess (a common password, a pattern, or your name or email); begin it with a few unrelated words", StrengthChecked)
	}
	return "is too easy to guess (a common password, a pattern, or your name or email); a few unrelated words make a strong one"
}

// personalWords are what a password must not be built from: the email, its
// local part and that part's pieces, the name and its words, the app's name.
func personalWords(email, name string) []string {
	words := []string{email, name, "todo", "todo-app", "todoapp"}
	local, _, _ := strings.Cut(email, "@")
	words = append(words, local)
	words = append(words, strings.FieldsFunc(local, func(r rune) bool { return strings.ContainsRune("._-+", r) })...)
	return append(words, strings.Fields(name)...)
}

// passwordKey is what bcrypt hashes: the password itself up to bcrypt's
// 72-byte limit, and beyond it a SHA-256 of the whole passphrase, so that
// long passphrases count in full instead of being cut at 72 bytes.
// Passwords of 72 bytes or fewer hash exactly as before.
func passwordKey(pw string) []byte {
	if len(pw) <= 72 {
		return []byte(pw)
	}
	sum := sha256.Sum256([]byte(pw))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}

// Service handles accounts.
type Service struct {
	store  *store.Store
	tokens *auth.Tokens
	cost   int
	// dummyHash lets an unknown email cost the same time as a wrong
	// password, so timing does not reveal which emails have accounts.
	dummyHash []byte
	// now is the sign-in back-off's clock (UseClock).
	now func() time.Time
}

// NewService returns a Service hashing passwords with bcrypt at cost.
func NewService(s *store.Store, tokens *auth.Tokens, cost int) (*Service, error) {
	dummy, err := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), cost)
	if err != nil {
		return nil, fmt.Errorf("preparing password hashing: %w", err)
	}
	return &Service{store: s, tokens: tokens, cost: cost, dummyHash: dummy, now: time.Now}, nil
}

// UseClock makes the sign-in back-off read now instead of time.Now, so a
// test can let minutes pass without sleeping through them. Call it before
// the service is used.
func (s *Service) UseClock(now func() time.Time) { s.now = now }

var errBadCredentials = &domain.Unauthenticated{Reason: "wrong email or password"}

// Locked means sign-ins to the account from this client address have
// failed too often in a row: its next attempt must wait (the same for
// accounts that do not exist).
type Locked struct{ Wait time.Duration }

func (l *Locked) Error() string {
	return fmt.Sprintf("too many failed sign-ins to this account from your network; try again in %d s", l.Seconds())
}

// backoffClient is the address a sign-in's back-off is counted for: the
// address itself, or for IPv6 its /64, which one home or one server
// usually has whole (counting single IPv6 addresses would give such a
// guesser 2^64 fresh starts).
func backoffClient(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return ip.String()
	}
	return p.String()
}

// Seconds is the wait rounded up, at least 1.
func (l *Locked) Seconds() int { return max(1, int((l.Wait+time.Second-1)/time.Second)) }

// SignUp creates an account and returns its first session.
func (s *Service) SignUp(ctx context.Context, in api.SignUpRequest) (api.AuthResponse, error) {
	fields := map[string]string{}
	email := strings.TrimSpace(in.Email)
	if email == "" {
		fields["email"] = "is required"
	} else if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") || len(email) > 254 {
		fields["email"] = "must be a valid email address such as ada@example.com"
	}
	name := strings.TrimSpace(in.Name)
	if problem := checkPassword(in.Password, email, name); problem != "" {
		fields["password"] = problem
	}
	switch {
	case utf8.RuneCountInString(name) > MaxName:
		fields["name"] = fmt.Sprintf("must be at most %d characters", MaxName)
	case strings.ContainsFunc(name, unicode.IsControl):
		// A name is shown in pages and cookies: no line breaks, tabs or
		// other control characters.
		fields["name"] = "must not contain line breaks or other control characters"
	}
	zone, ok := cleanZone(in.TimeZone)
	if !ok {
		fields["time_zone"] = zoneProblem
	}
	if len(fields) > 0 {
		return api.AuthResponse{}, &domain.Invalid{Fields: fields}
	}
	if name == "" {
		name = email[:strings.Index(email, "@")]
	}
	hash, err := bcrypt.GenerateFromPassword(passwordKey(in.Password), s.cost)
	if err != nil {
		return api.AuthResponse{}, fmt.Errorf("hashing password: %w", err)
	}
	u := store.User{Email: email, Name: name, PasswordHash: string(hash), TimeZone: zone, TimeZoneAuto: true}
	if strings.TrimSpace(in.TimeZone) != "" {
		// The browser signed up from reported it.
		at := s.now().UTC().Truncate(time.Microsecond) // as PostgreSQL keeps it
		u.TimeZoneSeenAt = &at
	}
	if err := s.store.CreateUser(ctx, &u); err != nil {
		if store.IsUniqueViolation(err, store.EmailConstraint) {
			return api.AuthResponse{}, &domain.Conflict{Reason: "an account with this email already exists; sign in instead"}
		}
		return api.AuthResponse{}, err
	}
	return s.session(ctx, u)
}

// SignIn checks credentials sent from the client address. A wrong
// password and an unknown email give the same answer. Failures are
// counted per account and address (store.RecordSignInFailure): an address
// that keeps failing waits, and the right password from any other address
// is never refused, so nobody can lock an owner out by failing on purpose.
func (s *Service) SignIn(ctx context.Context, in api.SignInRequest, client string) (api.AuthResponse, error) {
	email := strings.TrimSpace(in.Email)
	zone, zoneOK := cleanZone(in.TimeZone)
	if email == "" || in.Password == "" || !zoneOK {
		fields := map[string]string{}
		if email == "" {
			fields["email"] = "is required"
		}
		if in.Password == "" {
			fields["password"] = "is required"
		}
		if !zoneOK {
			fields["time_zone"] = zoneProblem
		}
		return api.AuthResponse{}, &domain.Invalid{Fields: fields}
	}
	client = backoffClient(client)
	until, err := s.store.SignInLockedUntil(ctx, email, client, s.now())
	if err != nil {
		return api.AuthResponse{}, err
	}
	if !until.IsZero() {
		return api.AuthResponse{}, &Locked{Wait: until.Sub(s.now())}
	}
	fail := func() (api.AuthResponse, error) {
		if err := s.store.RecordSignInFailure(ctx, email, client, s.now()); err != nil {
			return api.AuthResponse{}, err
		}
		return api.AuthResponse{}, errBadCredentials
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, passwordKey(in.Password))
		return fail()
	}
	if err != nil {
		return api.AuthResponse{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), passwordKey(in.Password)) != nil {
		return fail()
	}
	if err := s.store.ClearSignInFailures(ctx, email, client); err != nil {
		return api.AuthResponse{}, err
	}
	if strings.TrimSpace(in.TimeZone) != "" {
		if err := s.seeBrowserZone(ctx, &u, zone); err != nil {
			return api.AuthResponse{}, err
		}
	}
	return s.session(ctx, u)
}

// Me returns the user behind a token.
func (s *Service) Me(ctx context.Context, userID string) (api.User, error) {
	u, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		// A valid token for a deleted user: treat as signed out.
		return api.User{}, &domain.Unauthenticated{Reason: "this account no longer exists"}
	}
	if err != nil {
		return api.User{}, err
	}
	return ToAPI(u), nil
}

// ZoneSeenEvery is how stale the time a browser last reported the
// person's zone may get before a report of the same zone writes it again:
// frontends report every minute or so while pages are opened
// (websession.ZoneRecheck), and Settings shows the time to the minute
// only roughly ("5 minutes ago").
const ZoneSeenEvery = 10 * time.Minute

// seeBrowserZone is the zone rule (issue 29) for a browser in zone in use
// now: it becomes u's zone, with now as its time, unless u chose one in
// Settings (a choice wins). store.SeeBrowserZone applies it atomically.
// u is as loaded before; it changes only when the row did.
func (s *Service) seeBrowserZone(ctx context.Context, u *store.User, zone string) error {
	at := s.now().UTC().Truncate(time.Microsecond) // as PostgreSQL keeps it
	seen, err := s.store.SeeBrowserZone(ctx, u.ID, zone, at, at.Add(-ZoneSeenEvery))
	if err != nil {
		return err
	}
	if seen {
		u.TimeZone, u.TimeZoneAuto, u.TimeZoneSeenAt = zone, true, &at
	}
	return nil
}

// SetPreferences changes the person's time zone and default reminder, and
// records the zone of the browser in use (api.Preferences).
func (s *Service) SetPreferences(ctx context.Context, userID string, in api.Preferences) (api.User, error) {
	u, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return api.User{}, &domain.Unauthenticated{Reason: "this account no longer exists"}
	}
	if err != nil {
		return api.User{}, err
	}
	fields := map[string]string{}
	if in.TimeZone != nil {
		zone, ok := cleanZone(*in.TimeZone)
		if !ok || strings.TrimSpace(*in.TimeZone) == "" {
			fields["time_zone"] = zoneProblem
		}
		u.TimeZone = zone
		u.TimeZoneAuto = false
		u.TimeZoneSeenAt = nil
	}
	var browser string
	if in.BrowserTimeZone != nil {
		zone, ok := cleanZone(*in.BrowserTimeZone)
		if !ok || strings.TrimSpace(*in.BrowserTimeZone) == "" {
			fields["browser_time_zone"] = zoneProblem
		}
		browser = zone
	}
	if in.TimeZoneAutomatic != nil {
		u.TimeZoneAuto = *in.TimeZoneAutomatic
	}
	if in.DefaultReminderMinutes.Set {
		u.DefaultReminderMinutes = nil
		if !in.DefaultReminderMinutes.Null {
			n := in.DefaultReminderMinutes.Value
			if n < 0 || n > 43200 {
				fields["default_reminder_minutes"] = "must be between 0 and 43200 (30 days), or null for none"
			}
			u.DefaultReminderMinutes = &n
		}
	}
	if len(fields) > 0 {
		return api.User{}, &domain.Invalid{Fields: fields}
	}
	// A browser's report alone writes only the zone, and only when
	// automatic (seeBrowserZone): it never rewrites settings saved
	// meanwhile in another browser.
	if in.TimeZone != nil || in.TimeZoneAutomatic != nil || in.DefaultReminderMinutes.Set {
		if err := s.store.SetPreferences(ctx, userID, u.TimeZone, u.TimeZoneAuto, u.DefaultReminderMinutes); err != nil {
			return api.User{}, err
		}
	}
	if browser != "" {
		if err := s.seeBrowserZone(ctx, &u, browser); err != nil {
			return api.User{}, err
		}
	}
	return ToAPI(u), nil
}

// ToAPI converts a stored user to its JSON shape.
func ToAPI(u store.User) api.User {
	out := api.User{ID: u.ID, Email: u.Email, Name: u.Name, TimeZone: u.TimeZone, TimeZoneAutomatic: u.TimeZoneAuto, DefaultReminderMinutes: u.DefaultReminderMinutes, CreatedAt: u.CreatedAt.UTC()}
	if u.TimeZoneSeenAt != nil {
		at := u.TimeZoneSeenAt.UTC()
		out.TimeZoneSeenAt = &at
	}
	return out
}

const zoneProblem = "must be an IANA time zone such as Europe/Berlin or America/New_York"

// cleanZone checks an IANA zone name; empty means UTC.
func cleanZone(raw string) (string, bool) {
	z := strings.TrimSpace(raw)
	if z == "" {
		return "UTC", true
	}
	if strings.EqualFold(z, "local") || len(z) > 64 {
		return "", false
	}
	loc, err := time.LoadLocation(z)
	if err != nil {
		return "", false
	}
	return loc.String(), true
}
