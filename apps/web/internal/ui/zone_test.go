package ui_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
)

// The sticky zone (issue 29): Settings → America/New_York → Save →
// "Automatic" → Save, in a browser in Europe/Berlin. The person's zone is
// Berlin again — in Settings after reloads, in the calendar feed's
// X-WR-TIMEZONE and in the CSV export — and it follows the browser when
// the person travels. The browser is simulated as session.js behaves:
// its tz cookie is the browser's zone from the first page load on.
func TestAutomaticZoneFollowsTheBrowser(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	u, err := url.Parse(s.WebURL)
	require.NoError(t, err)
	b := newClient(t, s.WebURL)
	browserIn := func(zone string) {
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape(zone), Path: "/"}})
	}
	browserIn("Europe/Berlin")
	b.signUp("zone@example.com")
	// A task due at 12:00 UTC: 13:00 in Berlin, 07:00 in New York, 21:00
	// in Tokyo (December: no daylight saving in any of them).
	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"Call"}, "due_date": {"2031-12-10"}, "due_time": {"13:00"}, "priority": {"medium"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	p = b.post("/settings", "/settings/calendar", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	m := feedRe.FindStringSubmatch(b.get("/settings").Body)
	require.NotNil(t, m, "the feed's address is on the page")
	feedPath := strings.TrimPrefix(m[1], s.WebURL)

	// zoneEverywhere: Settings, the feed and the CSV export name zone.
	zoneEverywhere := func(zone, source, csvDue string) {
		t.Helper()
		assert.Contains(t, text(b.get("/settings").Body), "Now: "+zone+" ("+source)
		feed := newClient(t, s.WebURL).get(feedPath)
		require.Equal(t, http.StatusOK, feed.Status)
		assert.Contains(t, feed.Body, "X-WR-TIMEZONE:"+zone+"\r\n")
		resp, err := b.c.Get(s.WebURL + "/settings/export?format=csv")
		require.NoError(t, err)
		defer resp.Body.Close()
		rows, err := csv.NewReader(resp.Body).ReadAll()
		require.NoError(t, err)
		assert.Equal(t, csvDue, csvDueOf(rows, "Call"), "the CSV's due time is in %s", zone)
	}
	zoneEverywhere("Europe/Berlin", "from your browser", "2031-12-10 13:00")

	p = b.post("/settings", "/settings/preferences", url.Values{"time_zone": {"America/New_York"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	zoneEverywhere("America/New_York", "chosen in Settings", "2031-12-10 07:00")

	p = b.post("/settings", "/settings/preferences", url.Values{"time_zone": {""}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	// The page script writes the browser's zone on every page it opens.
	browserIn("Europe/Berlin")
	zoneEverywhere("Europe/Berlin", "from your browser", "2031-12-10 13:00")
	b.get("/tasks")
	zoneEverywhere("Europe/Berlin", "from your browser", "2031-12-10 13:00")
	// An import reads a date alone in the same zone: the end of 11
	// December in Berlin, a date again in the export (read in New York it
	// was 12 December, 05:59, in Berlin).
	p = b.upload("/settings/import", b.csrf("/settings"), api.FormatTodoistCSV, "trip.csv",
		"TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\ntask,Pay rent,,1,1,,,2031-12-11,en,\n")
	require.Less(t, p.Status, 400, p.Body)
	resp, err := b.c.Get(s.WebURL + "/settings/export?format=csv")
	require.NoError(t, err)
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, "2031-12-11", csvDueOf(rows, "Pay rent"), "imported in Berlin")
	tasks := text(b.get("/tasks").Body)
	assert.Contains(t, tasks, "Thu 11 Dec 2031", "the page reads it in the same zone")
	assert.NotContains(t, tasks, "Fri 12 Dec 2031, 05:59", "read in New York, shown in Berlin")

	// Travelling: the first page opened in Tokyo tells the server.
	browserIn("Asia/Tokyo")
	b.get("/tasks")
	zoneEverywhere("Asia/Tokyo", "from your browser", "2031-12-10 21:00")

	// A zone chosen again wins over the browser, on every page.
	p = b.post("/settings", "/settings/preferences", url.Values{"time_zone": {"America/New_York"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	browserIn("Asia/Tokyo")
	b.get("/tasks")
	zoneEverywhere("America/New_York", "chosen in Settings", "2031-12-10 07:00")

	// Signing out forgets the person's zone in this browser.
	p = b.post("/tasks", "/signout", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	for _, c := range b.c.Jar.Cookies(u) {
		assert.NotEqual(t, "tzperson", c.Name, "signed out")
	}
}

// csvDueOf is the due column of the CSV export's row titled title.
func csvDueOf(rows [][]string, title string) string {
	for _, r := range rows {
		if len(r) > 3 && r[0] == title {
			return r[3]
		}
	}
	return "(no row " + title + ")"
}
