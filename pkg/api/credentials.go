package api

import "time"

// Scopes a personal API token can have.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// EndAccess says what else ends with every session, on a sign-out
// everywhere or a password change — the usual answer to a stolen session
// or password. By default every personal API token is revoked and the
// calendar feed, when on, gets a new address (the old one stops at once;
// calendar apps must subscribe again); keep_* keeps them.
type EndAccess struct {
	KeepAPITokens    bool `json:"keep_api_tokens,omitempty"`
	KeepCalendarFeed bool `json:"keep_calendar_feed,omitempty"`
}

// ChangePasswordRequest changes the signed-in person's password. Every
// session is signed out (and, unless kept, the API tokens and the feed's
// address: EndAccess); the response is a fresh session for the caller.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
	EndAccess
}

// SignOutEverywhereRequest is the optional body of a sign-out everywhere.
type SignOutEverywhereRequest struct {
	EndAccess
}

// Ended says what a sign-out everywhere or a password change ended.
type Ended struct {
	// APITokensRevoked counts the personal API tokens revoked.
	APITokensRevoked int `json:"api_tokens_revoked"`
	// CalendarFeedRotated: the feed was on and has a new address.
	CalendarFeedRotated bool `json:"calendar_feed_rotated"`
}

// SignOutResult says how many sessions a sign-out closed, and what else
// a sign-out everywhere ended.
type SignOutResult struct {
	Revoked int `json:"revoked"`
	Ended
}

// PasswordChanged is the fresh session after a password change, and what
// else the change ended.
type PasswordChanged struct {
	AuthResponse
	Ended
}

// APIToken is a personal API token as listed: never the token itself.
type APIToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// APITokenInput creates a personal API token. Scope is "read" (GET
// requests and the MCP tools that list) or "write" (everything).
type APITokenInput struct {
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

// CreatedAPIToken is a new token: Token is shown this once and never
// again (only its hash is kept).
type CreatedAPIToken struct {
	APIToken
	Token string `json:"token"`
}

// APITokenList lists a person's API tokens, newest first.
type APITokenList struct {
	Tokens []APIToken `json:"tokens"`
}
