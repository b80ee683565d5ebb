// Package auth issues and verifies the HS256 JWTs that every todo-app
// service shares, and provides the Fiber middleware that enforces them.
package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// Issuer and Audience are pinned so a token minted for another system
	// with the same secret is still refused.
	Issuer   = "todo-app"
	Audience = "todo-app"
	// Leeway tolerates small clock differences between pods.
	Leeway = 30 * time.Second
	// MinSecretBytes is the shortest BETTER_AUTH_SECRET we accept.
	MinSecretBytes = 32
)

// ErrInvalidToken is returned for every verification failure; callers
// should not tell clients which check failed.
var ErrInvalidToken = errors.New("invalid or expired token")

// Tokens signs and verifies tokens with one shared secret.
type Tokens struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

// NewTokens returns a signer/verifier. ttl is how long issued tokens live.
func NewTokens(secret string, ttl time.Duration) (*Tokens, error) {
	if len(secret) < MinSecretBytes {
		return nil, fmt.Errorf("auth secret must be at least %d bytes", MinSecretBytes)
	}
	return &Tokens{secret: []byte(secret), ttl: ttl, now: time.Now}, nil
}

// WithClock returns a copy that reads time from now (tests, token minting).
func (t *Tokens) WithClock(now func() time.Time) *Tokens {
	c := *t
	c.now = now
	return &c
}

// Claims are what a sign-in token says: whose it is, and the session it
// belongs to (its jti), which the backend checks on every request so that
// signing out revokes it.
type Claims struct {
	UserID    string
	SessionID string
}

// TTL is how long issued tokens live.
func (t *Tokens) TTL() time.Duration { return t.ttl }

// Issue mints a token for c.
func (t *Tokens) Issue(c Claims) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.ttl)
	claims := jwt.RegisteredClaims{
		ID:        c.SessionID,
		Subject:   c.UserID,
		Issuer:    Issuer,
		Audience:  jwt.ClaimStrings{Audience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("signing token: %w", err)
	}
	return s, exp, nil
}

// Verify checks signature, algorithm, expiry, issuer and audience and
// returns the claims. Whether the session is still open is the backend's
// to check (Authenticator); the frontends use Verify alone to decide
// whether to show a page, and the backend's 401 sends a revoked session
// back to sign-in.
func (t *Tokens) Verify(token string) (Claims, error) {
	var claims jwt.RegisteredClaims
	parsed, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithLeeway(Leeway),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil || !parsed.Valid || claims.Subject == "" {
		return Claims{}, ErrInvalidToken
	}
	return Claims{UserID: claims.Subject, SessionID: claims.ID}, nil
}
