package zonematrix

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// want is a task the matrix made and what every surface must show of it:
// an all-day date, or an instant.
type want struct {
	title, path string
	date        *civil
	at          time.Time
	// nine: it has a reminder "on the day at 09:00", which fires at 09:00
	// on that date in the person's zone of the moment.
	nine bool
	// upcoming: made on the web for a day within the coming week; the
	// Upcoming page must list it on its day.
	upcoming bool
	// today: its date is A's today; the Today page must place it by that
	// date in the zone of the moment (overdue, today, or not yet).
	today bool
}

func (w want) value() string {
	if w.date != nil {
		return w.date.String()
	}
	return instant(w.at)
}

func (w want) String() string {
	if w.date != nil {
		return fmt.Sprintf("%q (%s, all day %s)", w.title, w.path, w.date)
	}
	return fmt.Sprintf("%q (%s, at %s)", w.title, w.path, w.at.Format(time.RFC3339))
}

// candidates are the all-day dates a pair's paths use: the DST days of
// both zones next year (where "the end of the day" and "09:00" move), the
// first and last day of a year and a leap day. Path k of pair i takes
// candidate (i+k) mod n, so across the matrix every path meets each.
func candidates(a, b *time.Location) []civil {
	y := nextYear()
	out := append(dstDays(a, y), dstDays(b, y)...)
	out = append(out, civil{y, 1, 1}, civil{y, 12, 31}, nextLeapDay(), civil{y, 6, 30})
	slices.SortFunc(out, func(x, y civil) int { return strings.Compare(x.String(), y.String()) })
	return slices.Compact(out)
}

// wallClock is h:m on day in loc when that local time happens exactly
// once (not skipped or repeated by a DST change): what a person typing it
// into the form unambiguously means.
func wallClock(day civil, h, m int, loc *time.Location) (time.Time, bool) {
	t := day.at(h, m, loc)
	if t.Hour() != h || t.Minute() != m {
		return t, false
	}
	for _, d := range []time.Duration{-time.Hour, time.Hour, -30 * time.Minute, 30 * time.Minute} {
		if u := t.Add(d).In(loc); u.Hour() == h && u.Minute() == m {
			return t, false
		}
	}
	return t, true
}

// The time-zone matrix (issue 29, item 5): for every pair (A, B) of 26
// zones — each with its antipode and with UTC — a person whose zone is A
// makes all-day tasks through every door (REST due_date, REST's
// deprecated date in due_at, MCP add_task, the web form, inline edit,
// quick add with a date and with "tomorrow", the assistant, JSON import
// version 2 and version 1) and tasks at a time near midnight in A (REST,
// MCP, the web form, inline edit). Every surface is read in A, then again
// once the person chooses B in Settings: REST JSON, MCP list_tasks, the
// calendar feed, the CSV export, the web's task list (text and <time
// datetime>), each task's page, Upcoming, Today and the calendar page. An all-day task shows the same date on
// every one of them in both zones; a timed one the same instant, shown in
// the zone of the moment. A reminder "on the day at 09:00" fires at 09:00
// in the person's zone of the moment (REST, MCP and the feed's alarm), and
// no all-day task gets the person's default reminder.
func TestZoneMatrix(t *testing.T) {
	t.Parallel()
	s := startStack(t, true)
	for i, pr := range matrixPairs() {
		t.Run(strings.ReplaceAll(pr.String(), "/", "_"), func(t *testing.T) {
			t.Parallel()
			runPair(t, s, i, pr)
		})
	}
}

func runPair(t *testing.T, s stack, i int, pr pair) {
	a, b := mustZone(t, pr.A), mustZone(t, pr.B)
	p := newPerson(t, s, pr.A)
	cands := candidates(a, b)
	pick := func(k int) *civil { d := cands[(i+k)%len(cands)]; return &d }
	var wants []want
	created := func(w want) { wants = append(wants, w) }

	// REST: due_date, and the deprecated date alone in due_at.
	restCreate := func(body map[string]any) {
		t.Helper()
		status, out := p.send(http.MethodPost, "/api/"+p.id+"/tasks", body)
		if status != http.StatusCreated {
			t.Fatalf("POST tasks %v: %d %s", body, status, out)
		}
	}
	d := pick(0)
	restCreate(map[string]any{"title": "Rest date", "due_date": d.String()})
	created(want{title: "Rest date", path: "REST due_date", date: d})
	d = pick(1)
	restCreate(map[string]any{"title": "Rest legacy", "due_at": d.String()})
	created(want{title: "Rest legacy", path: `REST due_at "YYYY-MM-DD"`, date: d})
	d = pick(2)
	restCreate(map[string]any{"title": "Rest nine", "due_date": d.String(), "reminders": []map[string]any{{"before_minutes": 0, "at_time": "09:00"}}})
	created(want{title: "Rest nine", path: "REST due_date + reminder 09:00", date: d, nine: true})
	// A time near midnight in A: 23:45 there.
	at := pick(3).at(23, 45, a)
	restCreate(map[string]any{"title": "Rest late", "due_at": at.Format(time.RFC3339)})
	created(want{title: "Rest late", path: "REST due_at 23:45 in A", at: at})

	// MCP add_task: due a date alone, and a time (midnight in A, sent with
	// A's offset).
	d = pick(4)
	p.mcp("add_task", map[string]any{"title": "Mcp date", "due": d.String()})
	created(want{title: "Mcp date", path: "MCP add_task due date", date: d})
	at = pick(5).at(0, 0, a)
	p.mcp("add_task", map[string]any{"title": "Mcp midnight", "due": at.Format(time.RFC3339)})
	created(want{title: "Mcp midnight", path: "MCP add_task due 00:00 in A", at: at})

	// JSON import: a version-2 file (due_date), and a version-1 file of
	// a person in A (a date alone was 23:59:59 there).
	d = pick(6)
	v2 := fmt.Sprintf(`{"kind":"todo-app-export","version":2,"exported_at":"2026-12-01T10:00:00Z","user":{"time_zone":%s},"tags":[],
		"tasks":[{"key":"zm:v2","id":1,"title":"Import v2","description":"","due_date":%s,"due_at":null,"priority":"medium","recurrence":"none","recurrence_interval":1,
		"completed":false,"completed_at":null,"tags":[],"created_at":"2026-12-01T10:00:00Z","updated_at":"2026-12-01T10:00:00Z"}],"conversations":[]}`,
		jsonString(pr.A), jsonString(d.String()))
	importFile(p, v2, 1)
	created(want{title: "Import v2", path: "JSON import v2 due_date", date: d})
	d = pick(7)
	v1 := fmt.Sprintf(`{"kind":"todo-app-export","version":1,"exported_at":"2026-01-01T10:00:00Z","user":{"time_zone":%s},"tags":[],
		"tasks":[{"key":"zm:v1","id":2,"title":"Import v1","description":"","due_at":%s,"priority":"medium","recurrence":"none","recurrence_interval":1,
		"completed":false,"completed_at":null,"tags":[],"created_at":"2026-01-01T10:00:00Z","updated_at":"2026-01-01T10:00:00Z"}],"conversations":[]}`,
		jsonString(pr.A), jsonString(d.endIn(a).Format(time.RFC3339)))
	importFile(p, v1, 1)
	created(want{title: "Import v1", path: "JSON import v1 due_at 23:59:59 in A", date: d})

	// The web app, in a browser whose own zone is A.
	web := newBrowser(t, s.web, pr.A)
	web.signIn(p.email)
	form := func(f url.Values) {
		t.Helper()
		f.Set("priority", "medium")
		f.Set("recurrence", "none")
		if status, body := web.post("/tasks/new", "/tasks", f); status != http.StatusSeeOther {
			t.Fatalf("the new-task form %v: %d %s", f, status, truncate(text(body), 600))
		}
	}
	// Within the coming week in every zone, so Upcoming shows it.
	soon := civilOf(time.Now(), time.UTC).addDays(3)
	form(url.Values{"title": {"Web date"}, "due_date": {soon.String()}, "reminder": {"0@09:00"}})
	created(want{title: "Web date", path: "web form date + 'On the day at 9:00'", date: &soon, nine: true, upcoming: true})
	todayA := civilOf(time.Now(), a)
	form(url.Values{"title": {"Web today"}, "due_date": {todayA.String()}, "reminder": {"default"}})
	created(want{title: "Web today", path: "web form, today in A", date: &todayA, today: true})
	d = pick(8)
	form(url.Values{"title": {"Web day"}, "due_date": {d.String()}, "reminder": {"default"}})
	created(want{title: "Web day", path: "web form date, default reminder", date: d})
	for _, hm := range [][2]int{{0, 15}, {23, 40}, {12, 0}} {
		if at, ok := wallClock(soon, hm[0], hm[1], a); ok {
			clock := fmt.Sprintf("%02d:%02d", hm[0], hm[1])
			form(url.Values{"title": {"Web late"}, "due_date": {soon.String()}, "due_time": {clock}, "reminder": {"default"}})
			created(want{title: "Web late", path: "web form " + clock + " in A", at: at, upcoming: true})
			break
		}
	}

	// Inline edit (the row's editor): a timed task given a date alone
	// becomes all day; an all-day one given a time near midnight in A
	// becomes timed.
	inline := func(title string, id int64, date, clock string) {
		t.Helper()
		status, page := web.get("/tasks")
		m := csrfRe.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF token on /tasks (status %d)", status)
		}
		resp, err := web.c.PostForm(fmt.Sprintf("%s/tasks/%d/inline", web.base, id), url.Values{"_csrf": {m[1]}, "title": {title},
			"due_date": {date}, "due_time": {clock}, "priority": {"medium"}, "tags": {""}, "reminder": {""}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("inline edit of %q to %s %s: %d", title, date, clock, resp.StatusCode)
		}
	}
	d = pick(10)
	noon := createREST(t, p, map[string]any{"title": "Inline date", "due_at": d.addDays(1).at(12, 0, a).Format(time.RFC3339)})
	inline("Inline date", noon.ID, d.String(), "")
	created(want{title: "Inline date", path: "inline edit of a timed task to the date alone", date: d})
	d = pick(11)
	if at, ok := wallClock(*d, 23, 50, a); ok {
		day := createREST(t, p, map[string]any{"title": "Inline late", "due_date": d.addDays(-1).String()})
		inline("Inline late", day.ID, d.String(), "23:50")
		created(want{title: "Inline late", path: "inline edit of an all-day task to 23:50 in A", at: at})
	}

	// Quick add and the assistant read words in A (pkg/intent): each
	// takes one of A's DST days (the other on A's other pair), where a
	// day may not begin at midnight.
	natural := func(k int) *civil {
		if days := dstDays(a, nextYear()); len(days) == 2 {
			return &days[(i+k)%2]
		}
		return pick(k + 9)
	}
	// Quick add: a date, and "tomorrow" (A's tomorrow).
	d = natural(0)
	phrase := "pay phone bill on " + time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC).Format("January 2, 2006")
	if status, body := web.post("/tasks", "/quick", url.Values{"text": {phrase}, "next": {"/tasks"}}); status != http.StatusSeeOther {
		t.Fatalf("quick add %q: %d %s", phrase, status, truncate(text(body), 600))
	}
	if !slices.ContainsFunc(restTasks(p), func(rt restTask) bool { return rt.Title == "Pay phone bill" }) {
		t.Errorf("quick add made no task \"Pay phone bill\" of %q in %s; the person's tasks: %s", phrase, pr.A, describe(restTasks(p)))
	}
	created(want{title: "Pay phone bill", path: "quick add '" + phrase + "'", date: d})
	before := civilOf(time.Now(), a).addDays(1)
	if status, body := web.post("/tasks", "/quick", url.Values{"text": {"water plants tomorrow"}, "next": {"/tasks"}}); status != http.StatusSeeOther {
		t.Fatalf("quick add tomorrow: %d %s", status, truncate(text(body), 600))
	}
	after := civilOf(time.Now(), a).addDays(1)
	tomorrow := before
	if before != after {
		// Midnight in A passed while the web app answered: either day.
		for _, rt := range restTasks(p) {
			if rt.Title == "Water plants" && rt.DueDate != nil && *rt.DueDate == after.String() {
				tomorrow = after
			}
		}
	}
	created(want{title: "Water plants", path: "quick add 'water plants tomorrow' (tomorrow in A)", date: &tomorrow})

	// The assistant's built-in engine, in a browser in A.
	d = natural(1)
	chat := newBrowser(t, s.chatbot, pr.A)
	chat.signIn(p.email)
	msg := "Add task on " + d.String() + ": Call plumber"
	if status, body := chat.post("/", "/chat", url.Values{"message": {msg}}); status != http.StatusSeeOther {
		t.Fatalf("the assistant, %q: %d %s", msg, status, truncate(text(body), 600))
	}
	if !slices.ContainsFunc(restTasks(p), func(rt restTask) bool { return rt.Title == "Call plumber" }) {
		// Say what the assistant answered instead.
		_, page := chat.get("/")
		if m := regexp.MustCompile(`href="(/\?c=\d+)"`).FindStringSubmatch(page); m != nil {
			_, page = chat.get(m[1])
		}
		t.Errorf("the assistant made no task of %q in %s; its page says: %s", msg, pr.A, truncate(text(page), 1500))
	}
	created(want{title: "Call plumber", path: "assistant '" + msg + "'", date: d})

	token := feedToken(p)
	check := func(zone *time.Location) {
		t.Helper()
		checkSurfaces(t, p, web, token, wants, zone)
	}
	check(a)
	// The person chooses B in Settings (on another device): the browser
	// still in A asks again a minute later and shows B.
	p.setZone(pr.B)
	web.forget()
	check(b)
}

func importFile(p *person, file string, n int) {
	p.t.Helper()
	status, body := p.raw(http.MethodPost, "/api/"+p.id+"/import", "application/json", strings.NewReader(file))
	if status != http.StatusOK {
		p.t.Fatalf("import: %d %s", status, body)
	}
	var rep struct {
		Created int `json:"tasks_created"`
	}
	decode(p.t, body, &rep)
	if rep.Created != n {
		p.t.Fatalf("import: %d tasks created, want %d: %s", rep.Created, n, body)
	}
}

// checkSurfaces reads every surface with the person's zone zone and
// reports each disagreement with what was made.
func checkSurfaces(t *testing.T, p *person, web *browser, token string, wants []want, zone *time.Location) {
	t.Helper()
	where := "read in " + zone.String()
	titles := make([]string, len(wants))
	for i, w := range wants {
		titles[i] = w.title
	}
	rest, problems := readREST(p, zone)
	mcp, mcpTasks := readMCP(p)
	ics, events := readICS(p, token)
	csvR := readCSV(p, zone)
	listText, listAttr := readWebList(web, titles, zone)
	page := reading{surface: "web task page (/tasks/{id}/edit)", tasks: map[string]seen{}}
	ids := map[string]int64{}
	for _, rt := range restTasks(p) {
		ids[rt.Title] = rt.ID
	}
	for _, w := range wants {
		if id, ok := ids[w.title]; ok {
			page.tasks[w.title] = readTaskPage(web, id, zone)
		}
	}
	for _, w := range wants {
		for _, r := range []reading{rest, mcp, ics, csvR, listText, listAttr, page} {
			got, ok := r.tasks[w.title]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s: %s not there", r.surface, w))
			case got.val != w.value():
				problems = append(problems, fmt.Sprintf("%s: %s shows %s (%s), want %s", r.surface, w, got.val, got.raw, w.value()))
			}
		}
	}

	// Reminders: 09:00 on the day in zone; no default on an all-day task.
	mcpByTitle := map[string]mcpTask{}
	for _, mt := range mcpTasks {
		mcpByTitle[mt.Title] = mt
	}
	restByTitle := map[string]restTask{}
	for _, rt := range restTasks(p) {
		restByTitle[rt.Title] = rt
	}
	for _, w := range wants {
		if w.date == nil {
			continue
		}
		rt, mt, ev := restByTitle[w.title], mcpByTitle[w.title], events[w.title]
		if !w.nine {
			if len(rt.Reminders) != 0 {
				problems = append(problems, fmt.Sprintf("REST: %s has %d reminders (%+v), want none: an all-day task gets no default reminder", w, len(rt.Reminders), rt.Reminders[0]))
			}
			if len(ev.triggers) != 0 {
				problems = append(problems, fmt.Sprintf("calendar feed: %s has alarms %v, want none", w, ev.triggers))
			}
			continue
		}
		nine := w.date.at(9, 0, zone)
		if len(rt.Reminders) != 1 || rt.Reminders[0].FireAt == nil {
			problems = append(problems, fmt.Sprintf("REST: %s reminders %+v, want one firing at %s", w, rt.Reminders, nine.Format(time.RFC3339)))
		} else if f, err := time.Parse(time.RFC3339, *rt.Reminders[0].FireAt); err != nil || !f.Equal(nine) {
			problems = append(problems, fmt.Sprintf("REST: %s reminder fire_at %s, want %s (09:00 in %s)", w, *rt.Reminders[0].FireAt, nine.UTC().Format(time.RFC3339), zone))
		}
		if len(mt.Reminders) != 1 {
			problems = append(problems, fmt.Sprintf("MCP: %s reminders %+v, want one", w, mt.Reminders))
		} else if f, err := time.Parse(time.RFC3339, mt.Reminders[0].FireAt); err != nil || !f.Equal(nine) {
			problems = append(problems, fmt.Sprintf("MCP: %s reminder fire_at %q, want %s (09:00 in %s)", w, mt.Reminders[0].FireAt, nine.UTC().Format(time.RFC3339), zone))
		}
		if len(ev.triggers) != 1 {
			problems = append(problems, fmt.Sprintf("calendar feed: %s alarms %v, want one", w, ev.triggers))
		} else if f, ok := triggerAt(ev.triggers[0]); !ok || !f.Equal(nine) {
			problems = append(problems, fmt.Sprintf("calendar feed: %s alarm %s, want %s (09:00 in %s)", w, ev.triggers[0], nine.UTC().Format("20060102T150405Z"), zone))
		}
	}

	// Upcoming (the coming week in zone, day by day) and the calendar
	// page: each task made on the web for the coming days on its day.
	status, up := web.get("/upcoming")
	if status != http.StatusOK {
		t.Fatalf("GET /upcoming: %d", status)
	}
	months := map[string]string{}
	for _, w := range wants {
		if !w.upcoming {
			continue
		}
		day := w.value()
		if w.date == nil {
			day = civilOf(w.at, zone).String()
		}
		if sec, ok := section(up, day); !ok || !strings.Contains(sec, w.title) {
			problems = append(problems, fmt.Sprintf("web /upcoming: %s is not in the section of %s (sections: %s)", w, day, upcomingDays(up)))
		} else if w.date != nil && !strings.Contains(text(sec), w.date.label()) {
			problems = append(problems, fmt.Sprintf("web /upcoming: %s is not shown as %q in its section: %s", w, w.date.label(), truncate(text(sec), 300)))
		}
		month := day[:7]
		if _, ok := months[month]; !ok {
			_, cal := web.get("/calendar?month=" + month)
			months[month] = cal
		}
		if cell, ok := calendarCell(months[month], day); !ok || !strings.Contains(cell, w.title) {
			problems = append(problems, fmt.Sprintf("web /calendar?month=%s: %s is not in the cell of %s", month, w, day))
		}
	}
	// Today: a task due today in A is overdue where that day has ended,
	// today where it is today, not there where it has not begun.
	for _, w := range wants {
		if !w.today {
			continue
		}
		place := func(now time.Time) string {
			switch {
			case w.date.endIn(zone).Before(now):
				return "overdue"
			case civilOf(now, zone) == *w.date:
				return "today"
			}
			return "absent"
		}
		before := place(time.Now())
		status, page := web.get("/today")
		after := place(time.Now())
		if status != http.StatusOK {
			t.Fatalf("GET /today: %d", status)
		}
		got := "absent"
		if m := overdueRe.FindStringSubmatch(page); m != nil && strings.Contains(m[1], w.title) {
			got = "overdue"
		} else if sec, ok := section(page, civilOf(time.Now(), zone).String()); ok && strings.Contains(sec, w.title) {
			got = "today"
		}
		if got != before && got != after {
			problems = append(problems, fmt.Sprintf("web /today: %s is %s, want %s (its date in %s)", w, got, before, zone))
		}
	}
	for _, pr := range problems {
		t.Errorf("%s: %s", where, pr)
	}
}

var overdueRe = regexp.MustCompile(`(?s)<section class="panel overdue-panel" aria-labelledby="overdue-h">(.*?)</section>`)

// upcomingDays names the day sections of the Upcoming page, for messages.
func upcomingDays(page string) string {
	var days []string
	for _, part := range strings.Split(page, `aria-labelledby="day-`)[1:] {
		if d, _, ok := strings.Cut(part, `"`); ok {
			days = append(days, d)
		}
	}
	return strings.Join(days, " ")
}

// describe lists tasks as REST sends them, for messages.
func describe(ts []restTask) string {
	var out []string
	for _, t := range ts {
		due := "no due"
		switch {
		case t.DueDate != nil:
			due = "due_date " + *t.DueDate
		case t.DueAt != nil:
			due = "due_at " + *t.DueAt
		}
		out = append(out, fmt.Sprintf("%q (%s)", t.Title, due))
	}
	return strings.Join(out, ", ")
}
