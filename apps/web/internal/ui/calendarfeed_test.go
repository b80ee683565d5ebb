package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
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

// Settings chooses what the feed shows: one project, or every project,
// at the same address.
func TestCalendarFeedOfOneProjectFromSettings(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("calscope@example.com")
	c := apiClient(t, s.Backend.URL, "calscope@example.com")
	ctx := context.Background()
	work, err := c.CreateProject(ctx, api.ProjectInput{Name: "Work"})
	require.NoError(t, err)
	day := "2031-03-10"
	_, err = c.CreateTask(ctx, api.TaskInput{Title: "Board meeting", ProjectID: &work.ID, DueDate: &day})
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, api.TaskInput{Title: "Dentist", DueDate: &day})
	require.NoError(t, err)
	b.post("/settings", "/settings/calendar", url.Values{})
	p := b.get("/settings")
	address := feedRe.FindStringSubmatch(p.Body)[1]
	assert.Contains(t, p.Body, `<option value="" selected>Every project</option>`)

	p = b.post("/settings", "/settings/calendar/scope", url.Values{"project_id": {fmt.Sprint(work.ID)}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get("/settings")
	assert.Contains(t, text(p.Body), "one project's tasks now")
	assert.Equal(t, address, feedRe.FindStringSubmatch(p.Body)[1], "the address stays")
	assert.Contains(t, p.Body, fmt.Sprintf(`<option value="%d" selected>Work</option>`, work.ID))
	feed := newClient(t, s.WebURL).get(strings.TrimPrefix(address, s.WebURL))
	assert.Contains(t, feed.Body, "SUMMARY:Board meeting")
	assert.NotContains(t, feed.Body, "SUMMARY:Dentist")

	b.post("/settings", "/settings/calendar/scope", url.Values{"project_id": {""}})
	feed = newClient(t, s.WebURL).get(strings.TrimPrefix(address, s.WebURL))
	assert.Contains(t, feed.Body, "SUMMARY:Dentist", "every project again")
}
