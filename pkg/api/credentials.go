package api

import "time"

// Scopes a personal API token can have.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// ChangePasswordRequest changes the signed-in person's password. Every
// session is signed out; the response is a fresh one for the caller.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// SignOutResult says how many sessions a sign-out closed.
type SignOutResult struct {
	Revoked int `json:"revoked"`
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
