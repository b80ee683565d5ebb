package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/testkit/icalcheck"
)

var feedRe = regexp.MustCompile(`id="feed-url" readonly value="([^"]+)"`)

// Settings turns the calendar feed on, shows its address, gives it a new
// one and turns it off; the address works through the web app with no
// session (a calendar app has none) and only while it is current.
func TestCalendarFeedFromSettings(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("cal@example.com")
	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"Dentist"}, "due_date": {"2031-03-10"}, "due_time": {"15:30"}, "priority": {"medium"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)

	p = b.get("/settings")
	assert.Contains(t, text(p.Body), "Turn on the calendar feed")
	p = b.post("/settings", "/settings/calendar", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	assert.Equal(t, "/settings#calendar-h", p.Location)
	p = b.get("/settings")
	assert.Contains(t, text(p.Body), "The calendar feed is on.")
	m := feedRe.FindStringSubmatch(p.Body)
	require.NotNil(t, m, "the address is on the page")
	address := m[1]
	assert.True(t, strings.HasPrefix(address, s.WebURL+"/calendar/"), address)
	assert.Contains(t, p.Body, `href="webcal://`+strings.TrimPrefix(address, "http://")+`"`)

	anonymous := newClient(t, s.WebURL)
	feed := anonymous.get(strings.TrimPrefix(address, s.WebURL))
	require.Equal(t, http.StatusOK, feed.Status)
	assert.Contains(t, feed.Body, "BEGIN:VCALENDAR")
	assert.Contains(t, feed.Body, "SUMMARY:Dentist")
	// The web app passes the feed through byte for byte: still strict
	// RFC 5545 (CRLF, folding, escaping) at the address people subscribe to.
	_, err := icalcheck.Check([]byte(feed.Body))
	assert.NoError(t, err, "%s", feed.Body)

	p = b.post("/settings", "/settings/calendar", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get("/settings")
	assert.Contains(t, text(p.Body), "new address: the old one no longer works")
	renewed := feedRe.FindStringSubmatch(p.Body)[1]
	assert.NotEqual(t, address, renewed)
	gone := anonymous.get(strings.TrimPrefix(address, s.WebURL))
	assert.Equal(t, http.StatusNotFound, gone.Status)
	assert.Contains(t, gone.Body, "No calendar at this address")
	assert.Equal(t, http.StatusOK, anonymous.get(strings.TrimPrefix(renewed, s.WebURL)).Status)

	p = b.post("/settings", "/settings/calendar/off", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	assert.Equal(t, http.StatusNotFound, anonymous.get(strings.TrimPrefix(renewed, s.WebURL)).Status)
	p = b.get("/settings")
	assert.Contains(t, text(p.Body), "Turn on the calendar feed")
}
