package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/todo-app/todo-app/pkg/api"
)

// SignOut closes this client's session on the backend: its token is
// refused from now on, by every replica.
func (c *Client) SignOut(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/api/auth/sign-out", nil, nil, nil)
}

// SignOutEverywhere closes every session of the signed-in person and, as
// in says (api.EndAccess), revokes their API tokens and gives the
// calendar feed a new address.
func (c *Client) SignOutEverywhere(ctx context.Context, in api.SignOutEverywhereRequest) (api.SignOutResult, error) {
	var out api.SignOutResult
	return out, c.do(ctx, http.MethodPost, "/api/auth/sign-out-everywhere", nil, in, &out)
}

// ChangePassword sets a new password; every session is closed (and, as
// in says, the API tokens and the feed's address) and the result holds a
// fresh session for this client.
func (c *Client) ChangePassword(ctx context.Context, in api.ChangePasswordRequest) (api.PasswordChanged, error) {
	var out api.PasswordChanged
	return out, c.do(ctx, http.MethodPut, "/api/auth/password", nil, in, &out)
}

// APITokens lists the person's API tokens.
func (c *Client) APITokens(ctx context.Context) (api.APITokenList, error) {
	var out api.APITokenList
	return out, c.do(ctx, http.MethodGet, c.userPath("/tokens"), nil, nil, &out)
}

// CreateAPIToken makes an API token; the result holds its text, once.
func (c *Client) CreateAPIToken(ctx context.Context, in api.APITokenInput) (api.CreatedAPIToken, error) {
	var out api.CreatedAPIToken
	return out, c.do(ctx, http.MethodPost, c.userPath("/tokens"), nil, in, &out)
}

// RevokeAPIToken deletes an API token.
func (c *Client) RevokeAPIToken(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, c.userPath("/tokens/%s", url.PathEscape(id)), nil, nil, nil)
}

// SetPreferences changes the person's time zone and default reminder.
func (c *Client) SetPreferences(ctx context.Context, in api.Preferences) (api.User, error) {
	var out api.User
	return out, c.do(ctx, http.MethodPatch, "/api/auth/me", nil, in, &out)
}
