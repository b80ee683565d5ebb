package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
)

var tokenRe = regexp.MustCompile(`value="(todo_pat_[A-Za-z0-9_-]+)"`)

// Settings, end to end through the real backend: a token created in the
// page works on the API and is shown once; revoking it in the page stops
// it; sign-out in one browser closes that session on the backend; a
// password change keeps this browser signed in and signs the other out;
// "sign out everywhere" signs out every browser.
func TestSettingsSessionsAndTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	laptop := newClient(t, s.WebURL)
	laptop.signUp("tess@example.com")
	phone := newClient(t, s.WebURL)
	p := phone.post("/signin", "/signin", url.Values{"email": {"tess@example.com"}, "password": {"correct horse"}})
	require.Equal(t, http.StatusSeeOther, p.Status)

	p = laptop.get("/settings")
	require.Equal(t, http.StatusOK, p.Status)
	assert.Contains(t, text(p.Body), "tess@example.com")
	assert.Contains(t, text(p.Body), "No API tokens yet.")

	p = laptop.post("/settings", "/settings/tokens", url.Values{"name": {""}, "scope": {"read"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Name is required")

	p = laptop.post("/settings", "/settings/tokens", url.Values{"name": {"Calendar script"}, "scope": {"read"}})
	require.Equal(t, http.StatusCreated, p.Status)
	m := tokenRe.FindStringSubmatch(p.Body)
	require.NotNil(t, m, "the new token is on the page")
	token := m[1]
	assert.Contains(t, text(p.Body), "shown only this once")
	me, err := client.New(s.Backend.URL, nil).WithSession(token, "").Me(ctx)
	require.NoError(t, err, "the token works on the API")
	asToken := client.New(s.Backend.URL, nil).WithSession(token, me.ID)
	_, err = asToken.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)

	p = laptop.get("/settings")
	assert.NotContains(t, p.Body, token, "never shown again")
	assert.Contains(t, text(p.Body), "Calendar script Read-only")
	id := regexp.MustCompile(`/settings/tokens/([0-9a-f-]+)/revoke`).FindStringSubmatch(p.Body)
	require.NotNil(t, id)
	p = laptop.post("/settings", "/settings/tokens/"+id[1]+"/revoke", url.Values{"name": {"Calendar script"}})
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.Contains(t, text(laptop.get("/settings").Body), "“Calendar script” is revoked")
	_, err = asToken.ListTasks(ctx, api.TaskQuery{})
	assert.Error(t, err, "a revoked token is refused")

	// Password: a wrong current one is said beside the field; the right
	// one keeps this browser signed in and signs the phone out.
	p = laptop.post("/settings", "/settings/password", url.Values{"current_password": {"nope nope"}, "new_password": {"a whole new passphrase"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Current password is not your current password")
	p = laptop.post("/settings", "/settings/password", url.Values{"current_password": {"correct horse"}, "new_password": {"a whole new passphrase"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Contains(t, text(laptop.get("/settings").Body), "Your password is changed")
	assert.Equal(t, http.StatusOK, laptop.get("/tasks").Status, "this browser carries on")
	p = phone.get("/tasks")
	assert.Equal(t, http.StatusSeeOther, p.Status, "the other browser is signed out")
	assert.Contains(t, p.Location, "/signin")

	// Sign out everywhere, from a second browser signed in anew.
	phone = newClient(t, s.WebURL)
	p = phone.post("/signin", "/signin", url.Values{"email": {"tess@example.com"}, "password": {"a whole new passphrase"}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	// The page asks whether the API tokens and the feed's address end too,
	// both ticked; ticked, they do.
	p = phone.get("/settings")
	assert.Regexp(t, `name="revoke_api_tokens" value="on" checked`, p.Body)
	assert.Regexp(t, `name="rotate_calendar_feed" value="on" checked`, p.Body)
	p = phone.post("/settings", "/settings/tokens", url.Values{"name": {"Phone script"}, "scope": {"read"}})
	require.Equal(t, http.StatusCreated, p.Status)
	m = tokenRe.FindStringSubmatch(p.Body)
	require.NotNil(t, m)
	phoneToken := client.New(s.Backend.URL, nil).WithSession(m[1], me.ID)
	_, err = phoneToken.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	p = phone.post("/settings", "/settings/sign-out-everywhere", url.Values{"revoke_api_tokens": {"on"}, "rotate_calendar_feed": {"on"}})
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.Equal(t, "/signin", p.Location)
	flash := text(phone.get("/signin").Body)
	assert.Contains(t, flash, "signed out everywhere")
	assert.Contains(t, flash, "your API token was revoked")
	assert.Equal(t, http.StatusSeeOther, laptop.get("/tasks").Status, "every browser is signed out")
	_, err = phoneToken.ListTasks(ctx, api.TaskQuery{})
	assert.Error(t, err, "the API token is revoked")
}

// Signing out closes the session on the backend: the token copied from
// the cookie before is refused afterwards.
func TestSignOutClosesTheSessionOnTheBackend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("tess@example.com")
	u, _ := url.Parse(s.WebURL)
	var token string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "todo_session" {
			token = c.Value
		}
	}
	require.NotEmpty(t, token)
	copied := client.New(s.Backend.URL, nil).WithSession(token, "")
	_, err := copied.Me(ctx)
	require.NoError(t, err)
	p := b.post("/", "/signout", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	_, err = copied.Me(ctx)
	assert.Error(t, err, "the copied token no longer works")
}
