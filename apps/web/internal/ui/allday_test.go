package ui_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/dates"
)

// inZone makes b a browser in zone, as session.js does: its tz cookie.
func (b *browserless) inZone(zone string) {
	u, err := url.Parse(b.base)
	require.NoError(b.t, err)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape(zone), Path: "/"}})
}

// heard makes b a browser that heard, within the last minute, that the
// person's zone is zone on Automatic (the tzperson cookie FollowZone
// sets): its pages show that zone without asking the backend, although
// another device of the person has moved the backend's zone since.
func (b *browserless) heard(zone string) {
	u, err := url.Parse(b.base)
	require.NoError(b.t, err)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tzperson", Value: url.QueryEscape(zone + " automatic"), Path: "/", MaxAge: 60}})
}

// forgetZone makes b a browser whose word on the person's zone is older
// than a minute: its next page asks the backend, reporting its own zone.
func (b *browserless) forgetZone() {
	u, err := url.Parse(b.base)
	require.NoError(b.t, err)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tzperson", Value: "", Path: "/", MaxAge: -1}})
}

func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// taskByTitle is the person's one task with that title, read from the
// backend's API.
func taskByTitle(t *testing.T, c *client.Client, title string) api.Task {
	t.Helper()
	list, err := c.ListTasks(context.Background(), api.TaskQuery{Status: "all", Q: title})
	require.NoError(t, err)
	for _, task := range list.Tasks {
		if task.Title == title {
			return task
		}
	}
	t.Fatalf("no task %q", title)
	return api.Task{}
}

var (
	rowRe = func(title string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)<li class="task[^"]*"[^>]*data-title="` + regexp.QuoteMeta(title) + `"[^>]*>.*?</li>`)
	}
	rowDueRe     = regexp.MustCompile(`<span class="due[^"]*"><time datetime="([^"]*)">([^<]*)</time>`)
	attrRe       = func(name string) *regexp.Regexp { return regexp.MustCompile(name + `="([^"]*)"`) }
	inputValueRe = func(id string) *regexp.Regexp {
		return regexp.MustCompile(`<input id="` + id + `" name="` + id + `" type="[a-z]+" value="([^"]*)"`)
	}
)

// row is the list row of the task titled title on a page: the due it
// shows (label and datetime) and the date and time the inline editor
// starts from.
type row struct{ label, datetime, date, clock string }

func rowOf(t *testing.T, body, title string) row {
	t.Helper()
	li := rowRe(title).FindString(body)
	require.NotEmpty(t, li, "no row %q", title)
	var r row
	if m := rowDueRe.FindStringSubmatch(li); m != nil {
		r.datetime, r.label = m[1], m[2]
	}
	r.date = attrRe("data-due-date").FindStringSubmatch(li)[1]
	r.clock = attrRe("data-due-time").FindStringSubmatch(li)[1]
	return r
}

// section is the inner HTML of the agenda's section for day ("overdue"
// for the overdue panel), "" when the page has none.
func section(body, day string) string {
	id := "day-" + day
	if day == "overdue" {
		id = "overdue-h"
	}
	m := regexp.MustCompile(`(?s)<section class="panel [a-z-]+( day)?" aria-labelledby="` + regexp.QuoteMeta(id) + `">(.*?)</section>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[2]
}

func dateLabel(d dates.Date) string { return d.StartIn(time.UTC).Format("Mon 2 Jan 2006") }

// The all-day model at the web app's doors (issue 29): a date picked
// without a time is sent as due_date — stored as that date, its instant
// the end of the day in the person's zone — and every page shows it as
// that date alone, in the zone it was made in and after the person's zone
// becomes Europe/Berlin, Pacific/Kiritimati (UTC+14) and Etc/GMT+12
// (UTC−12): the list, the task's page, Today, Upcoming and the calendar.
// A task with a time shows its time converted. And a browser that has not
// yet heard of the move (its page in New York while the backend holds the
// new zone) still shows the same dates: pages read DueDate, never the
// instant.
func TestAllDayTaskKeepsItsDateInEveryZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	ny := zone(t, "America/New_York")
	home := newClient(t, s.WebURL)
	home.inZone("America/New_York")
	home.signUp("allday@example.com")
	be := apiClient(t, s.Backend.URL, "allday@example.com")

	// day: three days on, in every zone still to come and within the
	// seven days of Upcoming (UTC+14 and UTC−12 are a day either side).
	now := time.Now()
	day := dates.DateOf(now, time.UTC).AddDays(3)
	todayNY := dates.DateOf(now, ny)
	for _, f := range []url.Values{
		{"title": {"Pay phone bill"}, "due_date": {day.String()}},
		{"title": {"Call Ana"}, "due_date": {day.String()}, "due_time": {"09:00"}},
		{"title": {"Water plants"}, "due_date": {todayNY.String()}},
		{"title": {"Stretch"}, "due_date": {day.String()}, "recurrence": {"daily"}},
	} {
		f.Set("priority", "medium")
		if f.Get("recurrence") == "" {
			f.Set("recurrence", "none")
		}
		p := home.post("/tasks/new", "/tasks", f)
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	}
	bill := taskByTitle(t, be, "Pay phone bill")
	require.NotNil(t, bill.DueDate, "a date alone is sent as due_date: an all-day task")
	assert.Equal(t, day, *bill.DueDate)
	require.NotNil(t, bill.DueAt)
	assert.Equal(t, day.EndIn(ny).UTC(), bill.DueAt.UTC(), "its instant: the end of that day in the person's zone")
	call := taskByTitle(t, be, "Call Ana")
	assert.Nil(t, call.DueDate, "a date and a time: a task with a time")
	require.NotNil(t, call.DueAt)
	assert.Equal(t, day.At(9, 0, 0, ny).UTC(), call.DueAt.UTC(), "09:00 in New York")
	plants := taskByTitle(t, be, "Water plants")
	require.NotNil(t, plants.DueDate)

	// check reads every page b shows in its zone loc.
	check := func(b *browserless, loc *time.Location) {
		t.Helper()
		where := loc.String()
		callAt := call.DueAt.In(loc)
		callDay := dates.DateOf(callAt, loc).String()

		list := b.get("/tasks")
		require.Equal(t, http.StatusOK, list.Status)
		assert.Equal(t, row{label: dateLabel(day), datetime: day.String(), date: day.String()}, rowOf(t, list.Body, "Pay phone bill"),
			"%s: the list shows the date alone, and the inline editor starts from it without a time", where)
		assert.Equal(t, row{label: callAt.Format("Mon 2 Jan 2006, 15:04"), datetime: call.DueAt.UTC().Format(time.RFC3339),
			date: callDay, clock: callAt.Format("15:04")}, rowOf(t, list.Body, "Call Ana"), "%s: a time, converted", where)

		edit := b.get("/tasks/" + itoa(bill.ID) + "/edit")
		require.Equal(t, http.StatusOK, edit.Status)
		assert.Equal(t, day.String(), inputValueRe("due_date").FindStringSubmatch(edit.Body)[1], "%s: the task's page", where)
		assert.Equal(t, "", inputValueRe("due_time").FindStringSubmatch(edit.Body)[1], "%s: no time on the task's page", where)

		up := b.get("/upcoming")
		require.Equal(t, http.StatusOK, up.Status)
		assert.Contains(t, section(up.Body, day.String()), "Pay phone bill", "%s: Upcoming lists it on its date", where)
		assert.Contains(t, text(section(up.Body, day.String())), dateLabel(day), "%s: with its date alone", where)
		assert.Contains(t, section(up.Body, callDay), "Call Ana", "%s: a time on its local day", where)
		// The daily all-day series: its next occurrence on the day after,
		// shown as that date alone.
		next := day.AddDays(1)
		assert.Contains(t, section(up.Body, next.String()), `<time datetime="`+next.String()+`">`+dateLabel(next)+`</time>`,
			"%s: an all-day occurrence with its date alone", where)

		// Today: a task due today in New York is overdue where that day
		// has ended, today where it is today, and not yet there where it
		// is still the day before.
		today := b.get("/today")
		require.Equal(t, http.StatusOK, today.Status)
		at := time.Now()
		want := "none"
		switch {
		case plants.DueDate.EndIn(loc).Before(at):
			want = "overdue"
		case dates.DateOf(at, loc) == *plants.DueDate:
			want = "today"
		}
		got := "none"
		if strings.Contains(section(today.Body, "overdue"), "Water plants") {
			got = "overdue"
		} else if strings.Contains(section(today.Body, dates.DateOf(at, loc).String()), "Water plants") {
			got = "today"
		}
		assert.Equal(t, want, got, "%s: Today places the task due %s by its date", where, todayNY)
		if got != "none" {
			assert.Equal(t, dateLabel(todayNY), rowOf(t, today.Body, "Water plants").label, "%s: on Today with its date alone", where)
		}
		// The list says the same of it: overdue (and marked so) only once
		// its day has ended here.
		li := rowRe("Water plants").FindString(b.get("/tasks").Body)
		rel := map[string]string{"overdue": "1 day overdue", "today": "today", "none": "tomorrow"}[want]
		assert.Contains(t, li, `<span class="rel">`+rel+`</span>`, "%s: the task due %s on the list", where, todayNY)
		assert.Equal(t, want == "overdue", strings.Contains(li, `<li class="task overdue"`), "%s: marked overdue only once its day has ended here", where)

		cal := b.get("/calendar?month=" + day.StartIn(time.UTC).Format("2006-01"))
		require.Equal(t, http.StatusOK, cal.Status)
		cell := regexp.MustCompile(`(?s)data-date="` + day.String() + `">(.*?)</td>`).FindStringSubmatch(cal.Body)
		require.NotNil(t, cell)
		assert.Contains(t, cell[1], "Pay phone bill", "%s: the calendar shows it on its date", where)
		if dates.DateOf(callAt, loc).Month() == day.Month() {
			callCell := regexp.MustCompile(`(?s)data-date="` + callDay + `">(.*?)</td>`).FindStringSubmatch(cal.Body)
			require.NotNil(t, callCell)
			assert.Contains(t, callCell[1], "Call Ana", "%s: a time on its local day", where)
		}
	}
	check(home, ny)

	for _, name := range []string{"Europe/Berlin", "Pacific/Kiritimati", "Etc/GMT+12"} {
		loc := zone(t, name)
		// The person takes the laptop to name: its first page tells the
		// backend (Automatic), which moves the date's instant.
		travel := newClient(t, s.WebURL)
		travel.inZone(name)
		p := travel.post("/signin", "/signin", url.Values{"email": {"allday@example.com"}, "password": {"correct horse"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		travel.get("/tasks")
		me, err := be.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, name, me.TimeZone, "the person's zone moved")
		moved := taskByTitle(t, be, "Pay phone bill")
		assert.Equal(t, day, *moved.DueDate, "%s: the date itself never moves", name)
		assert.Equal(t, day.EndIn(loc).UTC(), moved.DueAt.UTC(), "%s: its instant is the end of that day there", name)
		check(travel, loc)

		// The desk at home has not heard yet: New York for another minute.
		home.heard("America/New_York")
		check(home, ny)
	}
}

// Quick add "pay phone bill tuesday" makes an all-day task: due_date the
// coming Tuesday in the person's zone, no time — and the preview says so.
func TestQuickAddADayIsAllDay(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.inZone("America/New_York")
	b.signUp("quickday@example.com")
	be := apiClient(t, s.Backend.URL, "quickday@example.com")
	ny := zone(t, "America/New_York")

	req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/quick/preview?text="+url.QueryEscape("pay phone bill tuesday"), nil)
	req.Header.Set("Accept", "application/json")
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	var preview map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&preview))
	resp.Body.Close()

	p := b.post("/tasks", "/quick", url.Values{"text": {"pay phone bill tuesday"}, "next": {"/tasks"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	task := taskByTitle(t, be, "Pay phone bill")
	require.NotNil(t, task.DueDate, "a day alone: all day")
	assert.Equal(t, time.Tuesday, task.DueDate.Weekday())
	today := dates.DateOf(time.Now(), ny)
	assert.True(t, task.DueDate.After(today) && !task.DueDate.After(today.AddDays(7)), "the coming Tuesday in New York: %s", task.DueDate)
	assert.Equal(t, task.DueDate.EndIn(ny).UTC(), task.DueAt.UTC())
	assert.Equal(t, dateLabel(*task.DueDate), preview["due"], "the preview: the date, no time")
	assert.Contains(t, text(b.get("/tasks").Body), "Added “Pay phone bill”, due "+dateLabel(*task.DueDate)+".")
	assert.Empty(t, task.Reminders, "an all-day task gets no default reminder")
}

// Inline edit (the row's editor posts the fields the page script reads
// from the row): a new date alone keeps the task all-day; a time makes it
// timed; the date alone again makes it all-day again; no date clears it.
func TestInlineEditKeepsAllDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.inZone("Europe/Berlin")
	b.signUp("inline-day@example.com")
	be := apiClient(t, s.Backend.URL, "inline-day@example.com")
	berlin := zone(t, "Europe/Berlin")
	day := dates.DateOf(time.Now(), time.UTC).AddDays(10)
	d := day.String()
	task, err := be.CreateTask(ctx, api.TaskInput{Title: "Renew passport", DueDate: &d})
	require.NoError(t, err)
	id := itoa(task.ID)

	inline := func(date, clock string) page {
		t.Helper()
		form := url.Values{"_csrf": {b.csrf("/tasks")}, "title": {"Renew passport"}, "due_date": {date}, "due_time": {clock},
			"priority": {"medium"}, "tags": {""}, "reminder": {""}}
		return b.postRaw("/tasks/"+id+"/inline", form)
	}
	// The row as the editor opens it: the date, no time.
	r := rowOf(t, b.get("/tasks").Body, "Renew passport")
	assert.Equal(t, d, r.date)
	assert.Empty(t, r.clock)

	later := day.AddDays(1)
	p := inline(later.String(), "")
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	got, err := be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.NotNil(t, got.DueDate, "a date alone stays all-day")
	assert.Equal(t, later, *got.DueDate)
	assert.Equal(t, later.EndIn(berlin).UTC(), got.DueAt.UTC())
	assert.Contains(t, p.Body, dateLabel(later), "the row comes back with the date")

	p = inline(later.String(), "14:30")
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Nil(t, got.DueDate, "a time: no longer all-day")
	assert.Equal(t, later.At(14, 30, 0, berlin).UTC(), got.DueAt.UTC())

	p = inline(later.String(), "")
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.NotNil(t, got.DueDate, "the time removed: all-day again")
	assert.Equal(t, later, *got.DueDate)

	p = inline("", "")
	require.Equal(t, http.StatusOK, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Nil(t, got.DueDate, "no date clears the due")
	assert.Nil(t, got.DueAt)
}

// The task form: a timed task becomes all-day when its time is cleared
// and timed again when one is given; clearing the date clears the due. A
// reminder "minutes before" on an all-day task is refused beside the field
// with what to do, everything typed kept; a time of day on the day or the
// day before is what an all-day task takes. A task that has a "minutes
// before" reminder from when it had a time keeps it without a word.
func TestFormAllDayAndItsReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.inZone("Asia/Tokyo")
	b.signUp("form-day@example.com")
	be := apiClient(t, s.Backend.URL, "form-day@example.com")
	tokyo := zone(t, "Asia/Tokyo")
	day := dates.DateOf(time.Now(), time.UTC).AddDays(5)
	d := day.String()

	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"Dentist"}, "due_date": {d}, "due_time": {"10:15"}, "priority": {"medium"},
		"recurrence": {"none"}, "reminder": {"30"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	task := taskByTitle(t, be, "Dentist")
	id := itoa(task.ID)
	assert.Nil(t, task.DueDate)
	assert.Equal(t, day.At(10, 15, 0, tokyo).UTC(), task.DueAt.UTC())

	// The time cleared, the reminder left at "30 minutes before": refused
	// by the form, with what to do; nothing typed is lost.
	edit := url.Values{"title": {"Dentist (moved)"}, "description": {"bring the card"}, "due_date": {d}, "due_time": {""},
		"priority": {"high"}, "recurrence": {"none"}, "reminder": {"30"}}
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, edit)
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Reminder: an all-day task is reminded at a time of day: choose “On the day at 9:00” or “The day before at 9:00”, or give the task a time")
	assert.Contains(t, p.Body, `value="Dentist (moved)"`)
	assert.Contains(t, p.Body, "bring the card")
	assert.Contains(t, p.Body, `<option value="30" selected>30 minutes before</option>`, "the choice is kept to change")
	assert.Equal(t, d, inputValueRe("due_date").FindStringSubmatch(p.Body)[1])
	got, err := be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, "Dentist", got.Title, "nothing saved")

	// A time of day the day before: all-day, reminded at 09:00 Tokyo.
	edit.Set("reminder", "1440@09:00")
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, edit)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.NotNil(t, got.DueDate, "the time cleared: all-day")
	assert.Equal(t, day, *got.DueDate)
	assert.Equal(t, day.EndIn(tokyo).UTC(), got.DueAt.UTC())
	require.Len(t, got.Reminders, 1)
	require.NotNil(t, got.Reminders[0].FireAt)
	assert.Equal(t, day.AddDays(-1).At(9, 0, 0, tokyo).UTC(), got.Reminders[0].FireAt.UTC())
	form := b.get("/tasks/" + id + "/edit")
	assert.Contains(t, form.Body, `<option value="1440@09:00" selected>The day before at 9:00</option>`)
	assert.Equal(t, "", inputValueRe("due_time").FindStringSubmatch(form.Body)[1])

	// On the day at 9:00.
	edit.Set("reminder", "0@09:00")
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, edit)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Len(t, got.Reminders, 1)
	assert.Equal(t, day.At(9, 0, 0, tokyo).UTC(), got.Reminders[0].FireAt.UTC())

	// Timed again.
	edit.Set("due_time", "16:45")
	edit.Set("reminder", "60")
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, edit)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Nil(t, got.DueDate, "a time again")
	assert.Equal(t, day.At(16, 45, 0, tokyo).UTC(), got.DueAt.UTC())

	// A "minutes before" reminder the task had with its time, made
	// all-day over the API: the form keeps it, and saving does not fail.
	_, err = be.PatchTask(ctx, task.ID, api.TaskPatch{DueDate: api.Value(d)})
	require.NoError(t, err)
	form = b.get("/tasks/" + id + "/edit")
	assert.Contains(t, form.Body, `<option value="keep" selected>Keep the current reminder (1 hour before: only once the task has a time)</option>`)
	edit.Set("due_time", "")
	edit.Set("reminder", "keep")
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, edit)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Len(t, got.Reminders, 1, "kept")

	// Clearing the date clears the due.
	edit.Set("due_date", "")
	edit.Set("reminder", "")
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, edit)
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Nil(t, got.DueDate)
	assert.Nil(t, got.DueAt, "no date: no due")
}

// The calendar finds an all-day task on the first and the last day of its
// grid while the backend still holds the person's previous zone, up to 26
// hours away (UTC+14 and UTC−12): the backend answers a range by the
// tasks' instants, the end of their dates in the zone it holds, so the page
// asks for two days more each side and places them by their dates.
func TestCalendarAllDayOnTheGridsEdges(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	const month = "2031-05"
	first := time.Date(2031, time.May, 1, 12, 0, 0, 0, time.UTC)
	gridStart := dates.DateOf(first.AddDate(0, 0, -((int(first.Weekday())+6)%7)), time.UTC)
	last := time.Date(2031, time.June, 0, 12, 0, 0, 0, time.UTC)
	gridEnd := dates.DateOf(last.AddDate(0, 0, 6-(int(last.Weekday())+6)%7), time.UTC)

	b := newClient(t, s.WebURL)
	b.inZone("Pacific/Kiritimati")
	b.signUp("edges@example.com")
	for title, day := range map[string]dates.Date{"First day": gridStart, "Last day": gridEnd} {
		p := b.post("/tasks/new", "/tasks", url.Values{"title": {title}, "due_date": {day.String()}, "priority": {"medium"}, "recurrence": {"none"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	}
	cellOf := func(body string, day dates.Date) string {
		m := regexp.MustCompile(`(?s)data-date="` + day.String() + `">(.*?)</td>`).FindStringSubmatch(body)
		require.NotNil(t, m, "no cell %s", day)
		return m[1]
	}
	// The backend holds Kiritimati; a browser in Etc/GMT+12 that heard so.
	behind := newClient(t, s.WebURL)
	behind.inZone("Etc/GMT+12")
	p := behind.post("/signin", "/signin", url.Values{"email": {"edges@example.com"}, "password": {"correct horse"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	b.forgetZone()
	b.get("/tasks") // Kiritimati again, the most recent page
	be := apiClient(t, s.Backend.URL, "edges@example.com")
	holds := func() string {
		me, err := be.Me(context.Background())
		require.NoError(t, err)
		return me.TimeZone
	}
	require.Equal(t, "Pacific/Kiritimati", holds())
	behind.heard("Etc/GMT+12")
	cal := behind.get("/calendar?month=" + month)
	require.Equal(t, http.StatusOK, cal.Status)
	assert.Contains(t, cellOf(cal.Body, gridStart), "First day", "the grid's first day, its instant the day before here")

	// The backend holds Etc/GMT+12; the browser in Kiritimati heard so.
	behind.forgetZone()
	behind.get("/tasks")
	require.Equal(t, "Etc/GMT+12", holds())
	b.heard("Pacific/Kiritimati")
	cal = b.get("/calendar?month=" + month)
	require.Equal(t, http.StatusOK, cal.Status)
	assert.Contains(t, cellOf(cal.Body, gridEnd), "Last day", "the grid's last day, its instant the day after here")
}
