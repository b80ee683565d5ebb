package zonematrix

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
)

// The matrix in a real browser, on four pairs (issue 29: "the browser on
// about four pairs"): Chromium with its time-zone override set to A, the
// person on Automatic, adds an all-day task through quick add on the page
// and finds it, with tasks made over REST and MCP (all day, and at 23:45
// in A), on the task list and each task's page as the browser renders
// them. Then the browser travels to B (the override): its next pages tell
// the backend, the person's zone becomes B (REST /api/auth/me), and the
// same pages show the same dates, and the time converted to B.
func TestZoneMatrixInTheBrowser(t *testing.T) {
	t.Parallel()
	s := startStack(t, true)
	for _, pr := range []pair{
		{"Etc/GMT+12", "Pacific/Kiritimati"},
		{"America/New_York", "Asia/Shanghai"},
		{"Asia/Kathmandu", "America/Denver"},
		{"Australia/Sydney", "Atlantic/Azores"},
	} {
		t.Run(strings.ReplaceAll(pr.String(), "/", "_"), func(t *testing.T) { runBrowserPair(t, s, pr) })
	}
}

func runBrowserPair(t *testing.T, s stack, pr pair) {
	a, b := mustZone(t, pr.A), mustZone(t, pr.B)
	p := newPerson(t, s, pr.A)
	// Automatic: the zone follows the browser in use.
	if status, body := p.send(http.MethodPatch, "/api/auth/me", map[string]any{"time_zone_automatic": true}); status != http.StatusOK {
		t.Fatalf("Automatic: %d %s", status, body)
	}
	cands := candidates(a, b)
	var wants []want
	d := cands[0]
	createREST(t, p, map[string]any{"title": "Rest date", "due_date": d.String()})
	wants = append(wants, want{title: "Rest date", path: "REST due_date", date: &d})
	at := cands[1%len(cands)].at(23, 45, a)
	createREST(t, p, map[string]any{"title": "Rest late", "due_at": at.Format(time.RFC3339)})
	wants = append(wants, want{title: "Rest late", path: "REST due_at 23:45 in A", at: at})
	d2 := cands[2%len(cands)]
	p.mcp("add_task", map[string]any{"title": "Mcp date", "due": d2.String()})
	wants = append(wants, want{title: "Mcp date", path: "MCP due date", date: &d2})

	ctx := browsertest.New(t)
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		// A selector that never appears fails in 30 s, not at the
		// test's timeout.
		step, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(step, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	run("zone "+pr.A, emulation.SetTimezoneOverride(pr.A))
	run("sign-in",
		chromedp.Navigate(s.web+"/signin?next=/tasks"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", p.email, chromedp.ByQuery),
		chromedp.SendKeys("#password", password, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(`li.task[data-title="Rest date"]`, chromedp.ByQuery))

	// Quick add on the page: the date in words.
	d3 := cands[3%len(cands)]
	phrase := "pay phone bill on " + time.Date(d3.Y, d3.M, d3.D, 0, 0, 0, 0, time.UTC).Format("2 January 2006")
	run("quick add "+phrase,
		chromedp.SendKeys("#quick", phrase+"\n", chromedp.ByQuery),
		chromedp.WaitVisible(`li.task[data-title="Pay phone bill"]`, chromedp.ByQuery))
	wants = append(wants, want{title: "Pay phone bill", path: "quick add in the browser '" + phrase + "'", date: &d3})

	ids := map[string]int64{}
	for _, rt := range restTasks(p) {
		ids[rt.Title] = rt.ID
	}
	see := func(zone *time.Location) {
		t.Helper()
		run("the task list", chromedp.Navigate(s.web+"/tasks"), chromedp.WaitVisible(`li.task[data-title="Rest date"]`, chromedp.ByQuery))
		for _, w := range wants {
			var label string
			run("the row of "+w.title, chromedp.Text(fmt.Sprintf(`li.task[data-title=%q] .due time`, w.title), &label, chromedp.ByQuery))
			if got := labelValue(label, zone); got != w.value() {
				t.Errorf("browser in %s, /tasks: %s shows %q (%s), want %s", zone, w, label, got, w.value())
			}
		}
		for _, w := range wants {
			var date, clock string
			run("the page of "+w.title,
				chromedp.Navigate(fmt.Sprintf("%s/tasks/%d/edit", s.web, ids[w.title])),
				chromedp.WaitVisible("#due_date", chromedp.ByQuery),
				chromedp.Value("#due_date", &date, chromedp.ByQuery),
				chromedp.Value("#due_time", &clock, chromedp.ByQuery))
			got := date
			if clock != "" {
				if t2, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, zone); err == nil {
					got = instant(t2)
				}
			}
			if got != w.value() {
				t.Errorf("browser in %s, the task's page: %s shows date %q time %q, want %s", zone, w, date, clock, w.value())
			}
		}
	}
	see(a)

	// The browser travels: its next page sets its tz cookie, the one
	// after tells the backend (Automatic).
	run("zone "+pr.B, emulation.SetTimezoneOverride(pr.B))
	run("pages in "+pr.B, chromedp.Navigate(s.web+"/tasks"), chromedp.Navigate(s.web+"/tasks"))
	status, body := p.send(http.MethodGet, "/api/auth/me", nil)
	var me struct {
		TimeZone string `json:"time_zone"`
	}
	decode(t, body, &me)
	if status != http.StatusOK || me.TimeZone != pr.B {
		t.Fatalf("after pages in %s on Automatic the person's zone is %q (%d), want %s", pr.B, me.TimeZone, status, pr.B)
	}
	see(b)
	rest, problems := readREST(p, b)
	for _, w := range wants {
		if got := rest.tasks[w.title]; got.val != w.value() {
			problems = append(problems, fmt.Sprintf("REST: %s shows %s, want %s", w, got.raw, w.value()))
		}
	}
	for _, pr := range problems {
		t.Errorf("after the move: %s", pr)
	}
}
