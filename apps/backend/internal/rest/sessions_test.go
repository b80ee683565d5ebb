package rest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
)

const password = "correct horse battery"

// signIn opens another session for an existing account (another device).
func signIn(t *testing.T, b *testenv.Backend, email, pw string) *client.Client {
	t.Helper()
	res, err := b.Client.SignIn(context.Background(), api.SignInRequest{Email: email, Password: pw})
	require.NoError(t, err)
	return b.Client.WithAuth(res)
}

func status(err error) int {
	if err == nil {
		return http.StatusOK
	}
	if e, ok := apierror.As(err); ok {
		return e.Status
	}
	return -1
}

func canList(t *testing.T, c *client.Client) int {
	t.Helper()
	_, err := c.ListTasks(context.Background(), api.TaskQuery{})
	return status(err)
}

// The probe's case: a token must stop working when its session signs out,
// and only that one.
func TestSignOutRevokesThatSessionOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	laptop, _ := b.SignUp(t, "ada@example.com")
	phone := signIn(t, b, "ada@example.com", password)

	require.NoError(t, laptop.SignOut(ctx))
	assert.Equal(t, http.StatusUnauthorized, canList(t, laptop), "the signed-out token is refused")
	_, err := laptop.Me(ctx)
	assert.Equal(t, http.StatusUnauthorized, status(err))
	assert.Equal(t, http.StatusOK, canList(t, phone), "another session stays open")
}

// Revocation is in PostgreSQL, so a second replica refuses the token at
// once: no cache that lags.
func TestRevocationReachesEveryReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one := testenv.Start(t, pg)
	two := testenv.StartWith(t, testenv.Config(one.DSN))
	c, auth := one.SignUp(t, "ada@example.com")
	onTwo := two.Client.WithAuth(auth)
	require.Equal(t, http.StatusOK, canList(t, onTwo))
	require.NoError(t, c.SignOut(ctx))
	assert.Equal(t, http.StatusUnauthorized, canList(t, onTwo))
}

func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	laptop, ada := b.SignUp(t, "ada@example.com")
	phone := signIn(t, b, "ada@example.com", password)
	bob, bobAuth := b.SignUp(t, "bob@example.com")
	tok, err := laptop.CreateAPIToken(ctx, api.APITokenInput{Name: "editor", Scope: api.ScopeWrite})
	require.NoError(t, err)
	bobTok, err := bob.CreateAPIToken(ctx, api.APITokenInput{Name: "bob's", Scope: api.ScopeRead})
	require.NoError(t, err)
	feed, err := laptop.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	asToken := b.Client.WithSession(tok.Token, ada.User.ID)

	// Keeping both: only the sessions end.
	out, err := phone.SignOutEverywhere(ctx, api.SignOutEverywhereRequest{EndAccess: api.EndAccess{KeepAPITokens: true, KeepCalendarFeed: true}})
	require.NoError(t, err)
	assert.Equal(t, api.SignOutResult{Revoked: 2}, out)
	assert.Equal(t, http.StatusUnauthorized, canList(t, laptop))
	assert.Equal(t, http.StatusUnauthorized, canList(t, phone))
	assert.Equal(t, http.StatusOK, canList(t, bob), "other people's sessions are theirs")
	assert.Equal(t, http.StatusOK, canList(t, asToken), "kept")
	assert.Equal(t, http.StatusOK, feedStatus(t, b, feed.Token), "kept")

	// The default, as after a stolen session: the tokens and the feed's
	// address end too, nobody else's.
	again := signIn(t, b, "ada@example.com", password)
	out, err = again.SignOutEverywhere(ctx, api.SignOutEverywhereRequest{})
	require.NoError(t, err)
	assert.Equal(t, api.SignOutResult{Revoked: 1, Ended: api.Ended{APITokensRevoked: 1, CalendarFeedRotated: true}}, out)
	assert.Equal(t, http.StatusUnauthorized, canList(t, asToken), "the API token is revoked")
	assert.Equal(t, http.StatusNotFound, feedStatus(t, b, feed.Token), "the old feed address is gone")
	assert.Equal(t, http.StatusOK, canList(t, b.Client.WithSession(bobTok.Token, bobAuth.User.ID)), "Bob's token is his")
	fresh := signIn(t, b, "ada@example.com", password)
	moved, err := fresh.CalendarFeed(ctx)
	require.NoError(t, err)
	assert.True(t, moved.Enabled, "the feed stays on, at a new address")
	assert.NotEqual(t, feed.Token, moved.Token)
	assert.Equal(t, http.StatusOK, feedStatus(t, b, moved.Token))
}

// feedStatus is the status of a fetch of the calendar feed with token.
func feedStatus(t *testing.T, b *testenv.Backend, token string) int {
	t.Helper()
	resp, err := http.Get(b.URL + "/api/calendar/" + token)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestPasswordChangeClosesEverySessionAndOpensANewOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	laptop, auth := b.SignUp(t, "ada@example.com")
	phone := signIn(t, b, "ada@example.com", password)

	_, err := laptop.ChangePassword(ctx, api.ChangePasswordRequest{CurrentPassword: "wrong one", NewPassword: "a brand new passphrase"})
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusUnprocessableEntity, e.Status)
	assert.Contains(t, e.Fields["current_password"], "not your current password")
	_, err = laptop.ChangePassword(ctx, api.ChangePasswordRequest{CurrentPassword: password, NewPassword: "12345678"})
	e, _ = apierror.As(err)
	require.NotNil(t, e)
	assert.Contains(t, e.Fields["new_password"], "too easy to guess")
	assert.Equal(t, http.StatusOK, canList(t, phone), "a refused change closes nothing")

	tok, err := laptop.CreateAPIToken(ctx, api.APITokenInput{Name: "script", Scope: api.ScopeRead})
	require.NoError(t, err)
	res, err := laptop.ChangePassword(ctx, api.ChangePasswordRequest{CurrentPassword: password, NewPassword: "a brand new passphrase"})
	require.NoError(t, err)
	assert.Equal(t, auth.User.ID, res.User.ID)
	assert.Equal(t, api.Ended{APITokensRevoked: 1}, res.Ended, "the token by default; no feed to move")
	assert.Equal(t, http.StatusUnauthorized, canList(t, laptop), "the session that changed it is closed too")
	assert.Equal(t, http.StatusUnauthorized, canList(t, phone))
	assert.Equal(t, http.StatusUnauthorized, canList(t, b.Client.WithSession(tok.Token, auth.User.ID)), "the API token is revoked")
	assert.Equal(t, http.StatusOK, canList(t, b.Client.WithAuth(res.AuthResponse)), "the fresh session works")

	_, err = b.Client.SignIn(ctx, api.SignInRequest{Email: "ada@example.com", Password: password})
	assert.Equal(t, http.StatusUnauthorized, status(err), "the old password no longer signs in")
	signIn(t, b, "ada@example.com", "a brand new passphrase")
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, auth := b.SignUp(t, "ada@example.com")
	bob, _ := b.SignUp(t, "bob@example.com")

	_, err := ada.CreateAPIToken(ctx, api.APITokenInput{Name: " ", Scope: "admin"})
	e, ok := apierror.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, http.StatusUnprocessableEntity, e.Status)
	assert.Contains(t, e.Fields["name"], "is required")
	assert.Contains(t, e.Fields["scope"], `"read" or "write"`)

	read, err := ada.CreateAPIToken(ctx, api.APITokenInput{Name: "calendar sync", Scope: api.ScopeRead})
	require.NoError(t, err)
	write, err := ada.CreateAPIToken(ctx, api.APITokenInput{Name: "Claude Desktop", Scope: api.ScopeWrite})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(read.Token, "todo_pat_"), read.Token)
	asRead := b.Client.WithSession(read.Token, auth.User.ID)
	asWrite := b.Client.WithSession(write.Token, auth.User.ID)

	_, err = asWrite.CreateTask(ctx, api.TaskInput{Title: "Written with a token"})
	require.NoError(t, err)
	list, err := asRead.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	_, err = asRead.CreateTask(ctx, api.TaskInput{Title: "Not allowed"})
	e, _ = apierror.As(err)
	require.NotNil(t, e, "%v", err)
	assert.Equal(t, http.StatusForbidden, e.Status)
	assert.Equal(t, "insufficient_scope", e.Code)
	assert.Equal(t, http.StatusForbidden, status(asRead.DeleteTask(ctx, list.Tasks[0].ID)))

	// A token cannot manage credentials, whatever its scope.
	_, err = asWrite.CreateAPIToken(ctx, api.APITokenInput{Name: "more", Scope: api.ScopeWrite})
	assert.Equal(t, http.StatusForbidden, status(err))
	assert.Equal(t, http.StatusForbidden, status(asWrite.SignOut(ctx)))
	_, err = asWrite.ChangePassword(ctx, api.ChangePasswordRequest{CurrentPassword: password, NewPassword: "a brand new passphrase"})
	assert.Equal(t, http.StatusForbidden, status(err))

	listed, err := ada.APITokens(ctx)
	require.NoError(t, err)
	require.Len(t, listed.Tokens, 2)
	assert.Equal(t, "Claude Desktop", listed.Tokens[0].Name, "newest first")
	assert.NotNil(t, listed.Tokens[0].LastUsedAt, "a used token says when")
	raw := jsonCall(t, http.MethodGet, b.URL+"/api/"+auth.User.ID+"/tokens", auth.Token, "")
	assert.NotContains(t, raw.Raw, read.Token, "the token's text is shown once, at creation")
	assert.NotContains(t, raw.Raw, "hash")

	// Bob cannot see or revoke Ada's tokens.
	assert.Equal(t, http.StatusNotFound, status(bob.RevokeAPIToken(ctx, read.ID)))
	assert.Equal(t, http.StatusNotFound, status(ada.RevokeAPIToken(ctx, "not-a-uuid")))
	require.NoError(t, ada.RevokeAPIToken(ctx, read.ID))
	assert.Equal(t, http.StatusUnauthorized, canList(t, asRead), "a revoked token is refused at once")
	assert.Equal(t, http.StatusOK, canList(t, asWrite))
	assert.Equal(t, http.StatusNotFound, status(ada.RevokeAPIToken(ctx, read.ID)))
}
