package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Scope is what a credential may do.
type Scope string

const (
	// ScopeWrite may do everything its user may.
	ScopeWrite Scope = "write"
	// ScopeRead may only read tasks, tags, the agenda, reminders and the
	// person's profile (the routes whose row says so), and call the MCP
	// tools that list; never conversations or the export.
	ScopeRead Scope = "read"
)

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return s == ScopeWrite || s == ScopeRead }

// Principal is who a request acts for and with what credential: a sign-in
// session (a JWT whose jti names it) or a personal API token.
type Principal struct {
	UserID string
	// CredentialID is the session's or the API token's id.
	CredentialID string
	Scope        Scope
	// APIToken is true for personal API tokens (they cannot manage
	// credentials: a leaked token must not mint more of itself).
	APIToken bool
}

// CanWrite reports whether the principal may change data.
func (p Principal) CanWrite() bool { return p.Scope == ScopeWrite }

// Authenticator turns a bearer token into a principal: ErrInvalidToken
// when the token is not (or no longer) good, another error when it could
// not be checked (the database is down: a 503, not a sign-out).
type Authenticator interface {
	Authenticate(ctx context.Context, bearer string) (Principal, error)
}

// APITokenPrefix starts every personal API token, so that a token is
// recognisable in a leak scan and never mistaken for a JWT.
const APITokenPrefix = "todo_pat_"

// NewAPIToken returns a fresh personal API token (shown once) and the hash
// that is stored instead of it.
func NewAPIToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	token = APITokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashAPIToken(token)
}

// IsAPIToken reports whether a bearer token is a personal API token.
func IsAPIToken(token string) bool { return strings.HasPrefix(token, APITokenPrefix) }

// HashAPIToken is what the store keeps and looks tokens up by. A plain
// SHA-256 is enough: the token is 256 random bits, nothing to guess.
func HashAPIToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
