package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/auth"
)

// TestAuthorizationMatrix proves that every protected route rejects a
// missing token, a bad signature, an expired token, a token signed with
// another algorithm and another user's id, and that one user's ids never
// reach another user's rows.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ctx := context.Background()
	alice, aliceAuth := b.SignUp(t, "alice@example.com")
	bob, bobAuth := b.SignUp(t, "bob@example.com")
	aliceTask, err := alice.CreateTask(ctx, api.TaskInput{Title: "alice's", Tags: []string{"private"}})
	require.NoError(t, err)
	aliceConv, err := alice.CreateConversation(ctx, api.ConversationInput{Title: "alice chat"})
	require.NoError(t, err)
	aliceTags, err := alice.ListTags(ctx)
	require.NoError(t, err)
	aliceTag := aliceTags.Tags[0].ID

	routes := []struct{ method, path, body string }{
		{http.MethodGet, "/api/auth/me", ""},
		{http.MethodGet, "/api/{uid}/tasks", ""},
		{http.MethodPost, "/api/{uid}/tasks", `{"title":"x"}`},
		{http.MethodGet, "/api/{uid}/tasks/{task}", ""},
		{http.MethodPut, "/api/{uid}/tasks/{task}", `{"title":"x"}`},
		{http.MethodPatch, "/api/{uid}/tasks/{task}", `{"title":"x"}`},
		{http.MethodDelete, "/api/{uid}/tasks/{task}", ""},
		{http.MethodPatch, "/api/{uid}/tasks/{task}/complete", ""},
		{http.MethodGet, "/api/{uid}/tags", ""},
		{http.MethodDelete, "/api/{uid}/tags/{tag}", ""},
		{http.MethodGet, "/api/{uid}/conversations", ""},
		{http.MethodPost, "/api/{uid}/conversations", `{"title":"x"}`},
		{http.MethodGet, "/api/{uid}/conversations/{conv}", ""},
		{http.MethodDelete, "/api/{uid}/conversations/{conv}", ""},
		{http.MethodGet, "/api/{uid}/conversations/{conv}/messages", ""},
		{http.MethodPost, "/api/{uid}/conversations/{conv}/messages", `{"role":"user","content":"hi"}`},
	}
	fill := func(path, uid string) string {
		return strings.NewReplacer("{uid}", uid,
			"{task}", fmt.Sprint(aliceTask.ID), "{tag}", fmt.Sprint(aliceTag), "{conv}", fmt.Sprint(aliceConv.ID)).Replace(path)
	}

	secret := []byte(testenv.Secret)
	claims := func(exp time.Time) jwt.MapClaims {
		return jwt.MapClaims{"sub": aliceAuth.User.ID, "iss": auth.Issuer, "aud": auth.Audience, "exp": exp.Unix(), "iat": time.Now().Unix()}
	}
	signed := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		require.NoError(t, err)
		return s
	}
	expiredIssuer, err := auth.NewTokens(testenv.Secret, time.Hour)
	require.NoError(t, err)
	expired, _, err := expiredIssuer.WithClock(func() time.Time { return time.Now().Add(-3 * time.Hour) }).Issue(auth.Claims{UserID: aliceAuth.User.ID, SessionID: uuid.NewString()})
	require.NoError(t, err)
	unknownSession, _, err := b.App.Tokens.Issue(auth.Claims{UserID: aliceAuth.User.ID, SessionID: uuid.NewString()})
	require.NoError(t, err)
	badTokens := map[string]string{
		"bad signature": signed(jwt.SigningMethodHS256, []byte("some-other-secret-some-other-secret!"), claims(time.Now().Add(time.Hour))),
		"expired":       expired,
		"HS512":         signed(jwt.SigningMethodHS512, secret, claims(time.Now().Add(time.Hour))),
		"alg none":      signed(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(time.Now().Add(time.Hour))),
		"garbage":       "garbage.token.here",
		// Well signed and in date, but naming no open session: from before
		// sessions existed, or made up by someone who has the secret.
		"no session":      signed(jwt.SigningMethodHS256, secret, claims(time.Now().Add(time.Hour))),
		"unknown session": unknownSession,
		"wrong audience":  signed(jwt.SigningMethodHS256, secret, jwt.MapClaims{"sub": aliceAuth.User.ID, "iss": auth.Issuer, "aud": "other", "exp": time.Now().Add(time.Hour).Unix()}),
	}

	for _, rt := range routes {
		path := fill(rt.path, aliceAuth.User.ID)
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			r := jsonCall(t, rt.method, b.URL+path, "", rt.body)
			assert.Equal(t, http.StatusUnauthorized, r.Status, "missing token")
			assert.Equal(t, "unauthorized", r.errCode())
			assert.Contains(t, r.Header.Get("WWW-Authenticate"), "Bearer")
			for name, tok := range badTokens {
				r := jsonCall(t, rt.method, b.URL+path, tok, rt.body)
				assert.Equal(t, http.StatusUnauthorized, r.Status, name)
			}
			if strings.Contains(rt.path, "{uid}") {
				// Bob's valid token on Alice's path: forbidden, whatever the resource.
				r := jsonCall(t, rt.method, b.URL+path, bobAuth.Token, rt.body)
				assert.Equal(t, http.StatusForbidden, r.Status, "another user's id")
				assert.Equal(t, "forbidden", r.errCode())
				// Bob on his own path with Alice's ids: not found, never Alice's data.
				if strings.Contains(rt.path, "}/") && strings.Count(rt.path, "{") > 1 {
					own := fill(rt.path, bobAuth.User.ID)
					r := jsonCall(t, rt.method, b.URL+own, bobAuth.Token, rt.body)
					assert.Equal(t, http.StatusNotFound, r.Status, "alice's ids through bob's path")
				}
			}
		})
	}

	// After all that, Alice's data is untouched and Bob has nothing of hers.
	got, err := alice.GetTask(ctx, aliceTask.ID)
	require.NoError(t, err)
	assert.Equal(t, "alice's", got.Title)
	assert.Equal(t, []string{"private"}, got.Tags)
	conv, err := alice.GetConversation(ctx, aliceConv.ID)
	require.NoError(t, err)
	assert.Empty(t, conv.Messages)
	bobTasks, err := bob.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	assert.Zero(t, bobTasks.Total)
	bobTags, err := bob.ListTags(ctx)
	require.NoError(t, err)
	assert.Empty(t, bobTags.Tags)
}
