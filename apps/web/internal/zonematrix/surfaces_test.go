package zonematrix

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// A surface's reading of one task's due, normalised so that surfaces can
// be compared: an all-day date as "2027-03-14", an instant as
// "2027-03-14T22:45Z" (UTC, to the minute: the CSV and the pages show
// minutes). raw is what the surface showed, for the failure message.
type seen struct{ val, raw string }

const minuteUTC = "2006-01-02T15:04Z"

func instant(t time.Time) string { return t.UTC().Format(minuteUTC) }

// reading is one surface read in one zone: title → what it shows.
type reading struct {
	surface string
	tasks   map[string]seen
}

// restTask is a task as the REST API sends it (only the fields the
// matrix reads).
type restTask struct {
	ID        int64        `json:"id"`
	Title     string       `json:"title"`
	DueDate   *string      `json:"due_date"`
	DueAt     *string      `json:"due_at"`
	Reminders []restRemind `json:"reminders"`
}

type restRemind struct {
	BeforeMinutes *int    `json:"before_minutes"`
	AtTime        string  `json:"at_time"`
	At            *string `json:"at"`
	FireAt        *string `json:"fire_at"`
}

// restTasks lists every task of p (GET /api/{user}/tasks, all statuses).
func restTasks(p *person) []restTask {
	p.t.Helper()
	status, body := p.send(http.MethodGet, "/api/"+p.id+"/tasks?status=all&limit=100", nil)
	if status != http.StatusOK {
		p.t.Fatalf("GET tasks: %d %s", status, body)
	}
	var list struct {
		Tasks []restTask `json:"tasks"`
	}
	decode(p.t, body, &list)
	return list.Tasks
}

// readREST is the REST JSON: due_date for an all-day task (whose due_at
// must then be the end of that day in zone), else due_at.
func readREST(p *person, zone *time.Location) (reading, []string) {
	r := reading{surface: "REST due_date/due_at", tasks: map[string]seen{}}
	var problems []string
	for _, t := range restTasks(p) {
		switch {
		case t.DueDate != nil:
			r.tasks[t.Title] = seen{*t.DueDate, "due_date " + *t.DueDate}
			d, ok := parseCivil(*t.DueDate)
			if !ok {
				problems = append(problems, fmt.Sprintf("REST: %q due_date %q is not a date", t.Title, *t.DueDate))
				continue
			}
			want := d.endIn(zone)
			if t.DueAt == nil {
				problems = append(problems, fmt.Sprintf("REST: %q (all day %s) has no due_at; want %s, the end of the day in %s", t.Title, *t.DueDate, want.Format(time.RFC3339), zone))
			} else if at, err := time.Parse(time.RFC3339, *t.DueAt); err != nil || !at.Equal(want) {
				problems = append(problems, fmt.Sprintf("REST: %q (all day %s) due_at %s; want %s, the end of the day in %s", t.Title, *t.DueDate, *t.DueAt, want.UTC().Format(time.RFC3339), zone))
			}
		case t.DueAt != nil:
			at, err := time.Parse(time.RFC3339, *t.DueAt)
			if err != nil {
				r.tasks[t.Title] = seen{"unreadable", "due_at " + *t.DueAt}
				continue
			}
			r.tasks[t.Title] = seen{instant(at), "due_at " + *t.DueAt}
		default:
			r.tasks[t.Title] = seen{"none", "no due"}
		}
	}
	return r, problems
}

// mcpTask is a task as list_tasks returns it.
type mcpTask struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Due       string `json:"due"`
	Reminders []struct {
		AtTime string `json:"at_time"`
		FireAt string `json:"fire_at"`
	} `json:"reminders"`
}

// readMCP is list_tasks' JSON: due, a date alone or an RFC 3339 time.
func readMCP(p *person) (reading, []mcpTask) {
	out := p.mcp("list_tasks", map[string]any{"status": "all", "limit": 100})
	var list struct {
		Tasks []mcpTask `json:"tasks"`
	}
	decode(p.t, out, &list)
	r := reading{surface: "MCP list_tasks due", tasks: map[string]seen{}}
	for _, t := range list.Tasks {
		r.tasks[t.Title] = seen{dueValue(t.Due), "due " + t.Due}
	}
	return r, list.Tasks
}

func dueValue(s string) string {
	if s == "" {
		return "none"
	}
	if _, ok := parseCivil(s); ok {
		return s
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "unreadable"
	}
	return instant(at)
}

// icsEvent is one VEVENT of the feed: its SUMMARY, DTSTART line and the
// triggers of its alarms.
type icsEvent struct {
	summary, dtstart string
	triggers         []string
}

// feedToken turns the person's calendar feed on and returns its token.
func feedToken(p *person) string {
	p.t.Helper()
	status, body := p.send(http.MethodPost, "/api/"+p.id+"/calendar-feed", nil)
	if status != http.StatusOK && status != http.StatusCreated {
		p.t.Fatalf("enabling the calendar feed: %d %s", status, body)
	}
	var f struct {
		Token string `json:"token"`
	}
	decode(p.t, body, &f)
	if f.Token == "" {
		p.t.Fatalf("enabling the calendar feed: no token in %s", body)
	}
	return f.Token
}

// readICS fetches the feed (GET /api/calendar/{token}, as a calendar app
// does) and reads each event's DTSTART: VALUE=DATE for an all-day task,
// else a UTC instant (or a TZID, read in that zone).
func readICS(p *person, token string) (reading, map[string]icsEvent) {
	p.t.Helper()
	saved := p.token
	p.token = "" // a calendar app has only the feed's address
	status, body := p.raw(http.MethodGet, "/api/calendar/"+token, "", nil)
	p.token = saved
	if status != http.StatusOK {
		p.t.Fatalf("GET the calendar feed: %d %s", status, body)
	}
	events, err := parseICS(string(body))
	if err != nil {
		p.t.Fatalf("the calendar feed: %v\n%s", err, truncate(string(body), 2000))
	}
	r := reading{surface: "calendar feed DTSTART", tasks: map[string]seen{}}
	byTitle := map[string]icsEvent{}
	for _, ev := range events {
		byTitle[ev.summary] = ev
		r.tasks[ev.summary] = seen{icsValue(ev.dtstart), ev.dtstart}
	}
	return r, byTitle
}

// parseICS unfolds the feed's lines (RFC 5545, 3.1) and collects its
// events. Lines must end in CRLF.
func parseICS(body string) ([]icsEvent, error) {
	if strings.Count(body, "\n") != strings.Count(body, "\r\n") {
		return nil, fmt.Errorf("a line of the feed ends without CR (RFC 5545 requires CRLF)")
	}
	unfolded := strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(body)
	var (
		out     []icsEvent
		cur     *icsEvent
		inAlarm bool
	)
	for _, line := range strings.Split(unfolded, "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		prop, _, _ := strings.Cut(name, ";")
		switch {
		case line == "BEGIN:VEVENT":
			cur = &icsEvent{}
		case line == "END:VEVENT" && cur != nil:
			out = append(out, *cur)
			cur = nil
		case line == "BEGIN:VALARM":
			inAlarm = true
		case line == "END:VALARM":
			inAlarm = false
		case cur == nil:
		case prop == "SUMMARY" && !inAlarm:
			cur.summary = strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(value)
		case prop == "DTSTART":
			cur.dtstart = line
		case prop == "TRIGGER" && inAlarm:
			cur.triggers = append(cur.triggers, line)
		}
	}
	return out, nil
}

// icsValue reads a DTSTART line.
func icsValue(line string) string {
	name, value, _ := strings.Cut(line, ":")
	params := strings.Split(name, ";")[1:]
	var tzid string
	for _, p := range params {
		if p == "VALUE=DATE" {
			d, err := time.Parse("20060102", value)
			if err != nil {
				return "unreadable"
			}
			return d.Format(time.DateOnly)
		}
		if z, ok := strings.CutPrefix(p, "TZID="); ok {
			tzid = z
		}
	}
	if strings.HasSuffix(value, "Z") {
		at, err := time.Parse("20060102T150405Z", value)
		if err != nil {
			return "unreadable"
		}
		return instant(at)
	}
	loc := time.UTC // floating: read as UTC, which a test in another zone would catch
	if tzid != "" {
		l, err := time.LoadLocation(tzid)
		if err != nil {
			return "unreadable"
		}
		loc = l
	}
	at, err := time.ParseInLocation("20060102T150405", value, loc)
	if err != nil {
		return "unreadable"
	}
	return instant(at)
}

// triggerAt is an alarm's TRIGGER;VALUE=DATE-TIME time.
func triggerAt(line string) (time.Time, bool) {
	_, value, _ := strings.Cut(line, ":")
	at, err := time.Parse("20060102T150405Z", value)
	return at, err == nil
}

// readCSV is the CSV export's due column: YYYY-MM-DD for an all-day
// task, YYYY-MM-DD HH:MM in the person's zone for a time.
func readCSV(p *person, zone *time.Location) reading {
	p.t.Helper()
	status, body := p.send(http.MethodGet, "/api/"+p.id+"/export?format=csv", nil)
	if status != http.StatusOK {
		p.t.Fatalf("CSV export: %d %s", status, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil || len(rows) == 0 {
		p.t.Fatalf("CSV export: %v\n%s", err, truncate(string(body), 1000))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	ti, okT := col["title"]
	di, okD := col["due"]
	if !okT || !okD {
		p.t.Fatalf("CSV export: no title or due column in %v", rows[0])
	}
	r := reading{surface: "CSV due (in " + zone.String() + ")", tasks: map[string]seen{}}
	for _, row := range rows[1:] {
		due := row[di]
		v := "unreadable"
		switch {
		case due == "":
			v = "none"
		case len(due) == len(time.DateOnly):
			if _, ok := parseCivil(due); ok {
				v = due
			}
		default:
			if at, err := time.ParseInLocation("2006-01-02 15:04", due, zone); err == nil {
				v = instant(at)
			}
		}
		r.tasks[row[ti]] = seen{v, "due " + due}
	}
	return r
}

var (
	rowRe = func(title string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)<li class="task[^"]*"[^>]*data-title="` + regexp.QuoteMeta(html.EscapeString(title)) + `"[^>]*>.*?</li>`)
	}
	rowDueRe     = regexp.MustCompile(`<span class="due[^"]*"><time datetime="([^"]*)">([^<]*)</time>`)
	inputValueRe = func(id string) *regexp.Regexp {
		return regexp.MustCompile(`<input id="` + id + `" name="` + id + `" type="[a-z]+" value="([^"]*)"`)
	}
	tagRe = regexp.MustCompile(`<[^>]+>`)
)

// text is the visible text of an HTML fragment.
func text(s string) string {
	return html.UnescapeString(strings.Join(strings.Fields(tagRe.ReplaceAllString(s, " ")), " "))
}

// labelValue reads the text a page shows for a due: "Sun 14 Mar 2027"
// (a date) or "Sun 14 Mar 2027, 23:45" (a time in the page's zone).
func labelValue(label string, zone *time.Location) string {
	if at, err := time.ParseInLocation("Mon 2 Jan 2006, 15:04", label, zone); err == nil {
		return instant(at)
	}
	if d, err := time.Parse("Mon 2 Jan 2006", label); err == nil {
		return d.Format(time.DateOnly)
	}
	return "unreadable"
}

// readWebList reads the task list page (/tasks, open tasks by due): the
// due each row shows as text, and its <time datetime>.
func readWebList(b *browser, titles []string, zone *time.Location) (text, attr reading) {
	b.t.Helper()
	status, page := b.get("/tasks")
	if status != http.StatusOK {
		b.t.Fatalf("GET /tasks: %d %s", status, truncate(page, 400))
	}
	text = reading{surface: "web /tasks text", tasks: map[string]seen{}}
	attr = reading{surface: "web /tasks <time datetime>", tasks: map[string]seen{}}
	for _, title := range titles {
		li := rowRe(title).FindString(page)
		if li == "" {
			continue
		}
		m := rowDueRe.FindStringSubmatch(li)
		if m == nil {
			text.tasks[title] = seen{"none", "no due on the row"}
			continue
		}
		label := html.UnescapeString(m[2])
		text.tasks[title] = seen{labelValue(label, zone), label}
		attr.tasks[title] = seen{dueValue(m[1]), `datetime="` + m[1] + `"`}
	}
	return text, attr
}

// readTaskPage reads the task's page (/tasks/{id}/edit): the date and
// time fields it starts from, a time read in the page's zone.
func readTaskPage(b *browser, id int64, zone *time.Location) seen {
	b.t.Helper()
	status, page := b.get(fmt.Sprintf("/tasks/%d/edit", id))
	if status != http.StatusOK {
		b.t.Fatalf("GET /tasks/%d/edit: %d %s", id, status, truncate(page, 400))
	}
	dm := inputValueRe("due_date").FindStringSubmatch(page)
	tm := inputValueRe("due_time").FindStringSubmatch(page)
	if dm == nil || tm == nil {
		return seen{"unreadable", "no due_date/due_time fields"}
	}
	raw := fmt.Sprintf("due_date=%q due_time=%q", dm[1], tm[1])
	switch {
	case dm[1] == "":
		return seen{"none", raw}
	case tm[1] == "":
		if _, ok := parseCivil(dm[1]); ok {
			return seen{dm[1], raw}
		}
		return seen{"unreadable", raw}
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", dm[1]+" "+tm[1], zone)
	if err != nil {
		return seen{"unreadable", raw}
	}
	return seen{instant(at), raw}
}

// section is the inner HTML of the agenda's section for day.
func section(page, day string) (string, bool) {
	m := regexp.MustCompile(`(?s)<section class="panel [a-z-]+( day)?" aria-labelledby="day-` + regexp.QuoteMeta(day) + `">(.*?)</section>`).FindStringSubmatch(page)
	if m == nil {
		return "", false
	}
	return m[2], true
}

// calendarCell is the calendar page's cell for day.
func calendarCell(page, day string) (string, bool) {
	m := regexp.MustCompile(`(?s)data-date="` + regexp.QuoteMeta(day) + `">(.*?)</td>`).FindStringSubmatch(page)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// jsonString quotes s as JSON, for import files written by hand.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
