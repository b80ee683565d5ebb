package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
)

// The task form sets a reminder, shows it when editing, clears it, keeps
// reminders it cannot show, and says when one needs a due date; the list
// shows when the next reminder comes.
func TestTaskFormReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("rem@example.com")
	res, err := client.New(s.Backend.URL, nil).SignIn(ctx, api.SignInRequest{Email: "rem@example.com", Password: "correct horse"})
	require.NoError(t, err)
	be := client.New(s.Backend.URL, nil).WithAuth(res)
	day := time.Now().AddDate(0, 0, 3).UTC().Format(time.DateOnly)

	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"No date"}, "priority": {"medium"}, "reminder": {"30"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Reminder: needs a due date")

	p = b.post("/tasks/new", "/tasks", url.Values{"title": {"Call the bank"}, "due_date": {day}, "due_time": {"15:00"}, "priority": {"medium"}, "reminder": {"30"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	list, err := be.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	task := list.Tasks[0]
	require.Len(t, task.Reminders, 1)
	assert.Equal(t, 30, *task.Reminders[0].BeforeMinutes)
	assert.Equal(t, task.DueAt.Add(-30*time.Minute), *task.Reminders[0].FireAt)

	p = b.get("/tasks")
	assert.Contains(t, text(p.Body), "Reminder", "the list shows the next reminder")
	p = b.get("/tasks/" + itoa(task.ID) + "/edit")
	assert.Contains(t, p.Body, `<option value="30" selected>30 minutes before</option>`)

	p = b.post("/tasks/"+itoa(task.ID)+"/edit", "/tasks/"+itoa(task.ID), url.Values{"title": {"Call the bank"}, "due_date": {day}, "due_time": {"15:00"}, "priority": {"medium"}, "recurrence": {"none"}, "reminder": {"1440@09:00"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err := be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	require.Len(t, got.Reminders, 1)
	assert.Equal(t, "09:00", got.Reminders[0].AtTime)

	// Two reminders (from the API) are more than the form shows: it keeps them.
	n, m := 0, 120
	_, err = be.PatchTask(ctx, task.ID, api.TaskPatch{Reminders: &[]api.ReminderInput{{BeforeMinutes: &n}, {BeforeMinutes: &m}}})
	require.NoError(t, err)
	p = b.get("/tasks/" + itoa(task.ID) + "/edit")
	assert.Contains(t, p.Body, `<option value="keep" selected>Keep the current reminders (2)</option>`)
	p = b.post("/tasks/"+itoa(task.ID)+"/edit", "/tasks/"+itoa(task.ID), url.Values{"title": {"Call the bank (renamed)"}, "due_date": {day}, "due_time": {"15:00"}, "priority": {"medium"}, "recurrence": {"none"}, "reminder": {"keep"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Len(t, got.Reminders, 2, "kept")

	p = b.post("/tasks/"+itoa(task.ID)+"/edit", "/tasks/"+itoa(task.ID), url.Values{"title": {"Call the bank"}, "due_date": {day}, "due_time": {"15:00"}, "priority": {"medium"}, "recurrence": {"none"}, "reminder": {""}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = be.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Reminders, "None clears them")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The default reminder chosen in Settings starts every new task form and
// reaches tasks the assistant or the API add without one.
func TestDefaultReminderFromSettings(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("def@example.com")
	p := b.get("/tasks/new")
	assert.Contains(t, p.Body, `<option value="" selected>None</option>`, "no default yet")

	p = b.post("/settings", "/settings/preferences", url.Values{"default_reminder": {"30"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	p = b.get("/settings")
	assert.Contains(t, text(p.Body), "new tasks due at a time get your default reminder")
	assert.Contains(t, p.Body, `<option value="30" selected>30 minutes before</option>`)
	p = b.get("/tasks/new")
	assert.Contains(t, p.Body, `<option value="default" selected>Your default (30 minutes before; none on an all-day task)</option>`, "the form starts with it")
	// It is the backend's to apply: to a task due at a time, not to an
	// all-day one (issue 29), so the form sends no reminders for it.
	be := apiClient(t, s.Backend.URL, "def@example.com")
	day := time.Now().AddDate(0, 0, 4).UTC().Format(time.DateOnly)
	for _, f := range []url.Values{
		{"title": {"Timed"}, "due_date": {day}, "due_time": {"15:00"}, "reminder": {"default"}, "default_label": {"Your default (30 minutes before; none on an all-day task)"}},
		{"title": {"All day"}, "due_date": {day}, "reminder": {"default"}, "default_label": {"Your default (30 minutes before; none on an all-day task)"}},
	} {
		f.Set("priority", "medium")
		p = b.post("/tasks/new", "/tasks", f)
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	}
	timed := taskByTitle(t, be, "Timed")
	require.Len(t, timed.Reminders, 1, "the default on a task with a time")
	assert.Equal(t, 30, *timed.Reminders[0].BeforeMinutes)
	assert.Empty(t, taskByTitle(t, be, "All day").Reminders, "none on an all-day task, and no error")

	p = b.post("/settings", "/settings/preferences", url.Values{"default_reminder": {""}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get("/tasks/new")
	assert.Contains(t, p.Body, `<option value="" selected>None</option>`)
	p = b.post("/settings", "/settings/preferences", url.Values{"default_reminder": {"soon"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
}

// A zone chosen in Settings is the one dates are read and shown in, and
// signing in from a browser in another zone keeps it; "Automatic" gives
// the browser the say again. The tz cookie stays the browser's own; the
// person's zone is what the backend said (tzperson).
func TestTimeZoneFromSettings(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	u, err := url.Parse(s.WebURL)
	require.NoError(t, err)
	cookie := func(b *browserless, name string) string {
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == name {
				return c.Value
			}
		}
		return ""
	}
	b := newClient(t, s.WebURL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("Asia/Tokyo")}})
	b.signUp("tz@example.com")
	p := b.get("/settings")
	assert.Contains(t, p.Body, `<option value="" selected>Automatic — the browser you use</option>`)
	assert.Contains(t, text(p.Body), "Now: Asia/Tokyo (from your browser, just now")

	p = b.post("/settings", "/settings/preferences", url.Values{"time_zone": {"Europe/Berlin"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, "Europe/Berlin chosen", must(url.QueryUnescape(cookie(b, "tzperson"))), "pages show dates in the chosen zone")
	assert.Equal(t, "Asia/Tokyo", must(url.QueryUnescape(cookie(b, "tz"))), "the browser's zone stays the browser's")
	p = b.get("/settings")
	assert.Contains(t, p.Body, `<option value="Europe/Berlin" selected>Europe/Berlin</option>`)
	assert.Contains(t, text(p.Body), "Now: Europe/Berlin (chosen in Settings")

	// Another browser, in Chicago.
	other := newClient(t, s.WebURL)
	other.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/Chicago")}})
	p = other.post("/signin", "/signin", url.Values{"email": {"tz@example.com"}, "password": {"correct horse"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, "Europe/Berlin chosen", must(url.QueryUnescape(cookie(other, "tzperson"))), "the chosen zone follows the person")
	assert.Contains(t, text(other.get("/settings").Body), "Now: Europe/Berlin (chosen")

	p = other.post("/settings", "/settings/preferences", url.Values{"time_zone": {"Mars/Olympus"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Time zone must be an IANA time zone")

	other.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/Chicago")}})
	p = other.post("/settings", "/settings/preferences", url.Values{"time_zone": {""}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, "America/Chicago automatic", must(url.QueryUnescape(cookie(other, "tzperson"))), "automatic again")
	assert.Contains(t, text(other.get("/settings").Body), "Now: America/Chicago (from your browser, just now")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
