package rest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
)

// One zone per person (issue 29): a zone chosen in Settings wins over any
// browser; on Automatic the person's zone is the browser's of the most
// recent report (a page load, sign-in, sign-up), stored with its time;
// "today" on the server follows it. An unknown zone is refused, naming
// the field, with nothing written.
func TestPersonZoneRule(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	ctx := context.Background()
	start := time.Now().Add(-time.Second)
	up, err := b.Client.SignUp(ctx, api.SignUpRequest{Email: "zone@example.com", Password: "difference engine", TimeZone: "Europe/Berlin"})
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", up.User.TimeZone)
	assert.True(t, up.User.TimeZoneAutomatic)
	require.NotNil(t, up.User.TimeZoneSeenAt, "the browser signed up from reported it")
	assert.False(t, up.User.TimeZoneSeenAt.Before(start))
	c := b.Client.WithAuth(up)
	zone := func() api.User {
		t.Helper()
		me, err := c.Me(ctx)
		require.NoError(t, err)
		s, err := c.Summary(ctx, "")
		require.NoError(t, err)
		assert.Equal(t, me.TimeZone, s.TimeZone, "\"today\" is read in the person's zone")
		return me
	}
	str := func(s string) *string { return &s }

	// Bad input: 422 naming the field, nothing written.
	before := zone()
	r := jsonCall(t, http.MethodPatch, b.URL+"/api/auth/me", up.Token, `{"browser_time_zone":"Mars/Olympus"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	assert.Contains(t, r.Raw, `"browser_time_zone":"must be an IANA time zone`)
	r = jsonCall(t, http.MethodPatch, b.URL+"/api/auth/me", up.Token, `{"browser_time_zone":"Asia/Tokyo","time_zone":"Mars/Olympus"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, r.Raw)
	assert.Contains(t, r.Raw, `"time_zone":"must be an IANA time zone`)
	assert.Equal(t, before, zone(), "nothing written")

	// A browser in Tokyo: the person's zone follows it, with the time.
	reported := time.Now().Add(-time.Second)
	me, err := c.SetPreferences(ctx, api.Preferences{BrowserTimeZone: str("Asia/Tokyo")})
	require.NoError(t, err)
	assert.Equal(t, "Asia/Tokyo", me.TimeZone)
	assert.Equal(t, me, zone())
	require.NotNil(t, me.TimeZoneSeenAt)
	assert.False(t, me.TimeZoneSeenAt.Before(reported))
	// The same zone again within accounts.ZoneSeenEvery: no write.
	again, err := c.SetPreferences(ctx, api.Preferences{BrowserTimeZone: str("Asia/Tokyo")})
	require.NoError(t, err)
	assert.Equal(t, me, again, "the time is not written again")

	// A choice wins over every browser, at sign-in too.
	me, err = c.SetPreferences(ctx, api.Preferences{TimeZone: str("America/New_York")})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", me.TimeZone)
	assert.False(t, me.TimeZoneAutomatic)
	assert.Nil(t, me.TimeZoneSeenAt, "no browser said it")
	me, err = c.SetPreferences(ctx, api.Preferences{BrowserTimeZone: str("Asia/Tokyo")})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", me.TimeZone, "the choice wins")
	in, err := b.Client.SignIn(ctx, api.SignInRequest{Email: "zone@example.com", Password: "difference engine", TimeZone: "Asia/Tokyo"})
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", in.User.TimeZone, "the choice wins at sign-in")
	assert.Equal(t, "America/New_York", zone().TimeZone)

	// Automatic again, from a browser in Berlin: Berlin, not the zone
	// chosen before (the sticky zone).
	yes := true
	me, err = c.SetPreferences(ctx, api.Preferences{TimeZoneAutomatic: &yes, BrowserTimeZone: str("Europe/Berlin")})
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", me.TimeZone)
	assert.True(t, me.TimeZoneAutomatic)
	assert.NotNil(t, me.TimeZoneSeenAt)
	assert.Equal(t, me, zone())
	in, err = b.Client.SignIn(ctx, api.SignInRequest{Email: "zone@example.com", Password: "difference engine", TimeZone: "Australia/Sydney"})
	require.NoError(t, err)
	assert.Equal(t, "Australia/Sydney", in.User.TimeZone, "automatic: the browser signed in from")
	assert.Equal(t, "Australia/Sydney", zone().TimeZone)
}
