package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/config"
	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

func TestSignUpSignInSignOut(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)

	p := b.get("/")
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.Equal(t, "/signin?next=%2F", p.Location)

	// Validation errors keep what was typed and sit beside the field.
	p = b.post("/signup", "/signup", url.Values{"email": {"not-an-email"}, "password": {"short"}, "name": {"Tess"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, p.Body, `value="not-an-email"`)
	assert.Contains(t, p.Body, `value="Tess"`)
	assert.Contains(t, text(p.Body), "Email must be a valid email address")
	assert.Contains(t, text(p.Body), "Password must be at least 8 characters")

	b.signUp("tess@example.com")
	p = b.get("/")
	require.Equal(t, http.StatusOK, p.Status)
	assert.Contains(t, text(p.Body), "Welcome, Tess!")
	assert.Contains(t, p.Body, "<h1>Dashboard</h1>")

	// Duplicate account.
	other := newClient(t, s.WebURL)
	p = other.post("/signup", "/signup", url.Values{"email": {"TESS@example.com"}, "password": {"correct horse"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "already exists")

	p = b.post("/", "/signout", url.Values{})
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.Contains(t, text(b.get("/signin").Body), "You are signed out.")
	p = b.get("/tasks")
	assert.Equal(t, http.StatusSeeOther, p.Status, "signed out: no tasks")
	assert.Equal(t, "/signin?next=%2Ftasks", p.Location)

	// Wrong password, then the right one, back to the page wanted.
	p = b.post("/signin", "/signin", url.Values{"email": {"tess@example.com"}, "password": {"wrong one!"}})
	assert.Equal(t, http.StatusUnauthorized, p.Status)
	assert.Contains(t, text(p.Body), "wrong email or password")
	assert.Contains(t, p.Body, `value="tess@example.com"`)
	p = b.post("/signin?next=/calendar", "/signin", url.Values{"email": {"tess@example.com"}, "password": {"correct horse"}, "next": {"/calendar"}})
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.Equal(t, "/calendar", p.Location)
	p = newClient(t, s.WebURL).post("/signin", "/signin", url.Values{"email": {"tess@example.com"}, "password": {"correct horse"}, "next": {"https://evil.example/"}})
	assert.Equal(t, "/", p.Location, "no open redirect")
}

func TestFormsNeedCSRFAndPagesSendSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("csrf@example.com")
	p := b.postRaw("/tasks", url.Values{"title": {"forged"}})
	assert.Equal(t, http.StatusForbidden, p.Status)
	p = b.postRaw("/tasks", url.Values{"title": {"forged"}, "_csrf": {"wrong"}})
	assert.Equal(t, http.StatusForbidden, p.Status)

	resp, err := http.Get(s.WebURL + "/signin")
	require.NoError(t, err)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.Contains(t, csp, "frame-ancestors 'none'")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.NotEmpty(t, resp.Header.Get("Referrer-Policy"))
	for _, c := range resp.Cookies() {
		assert.True(t, c.HttpOnly, c.Name)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite, c.Name)
		assert.False(t, c.Secure, "plain HTTP without a trusted proxy: %s", c.Name)
	}

	// Static files are served before the pages' middleware: they get the
	// same headers (the probe found them without nosniff).
	resp, err = http.Get(s.WebURL + "/static/app.js")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.NotEmpty(t, resp.Header.Get("Content-Security-Policy"))

	// Anyone may send X-Forwarded-Proto; without trusted proxies it must
	// not make cookies Secure (or the browser over HTTP would drop them).
	req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/signin", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Strict-Transport-Security"))
	for _, c := range resp.Cookies() {
		assert.False(t, c.Secure, "%s: an untrusted X-Forwarded-Proto was believed", c.Name)
	}

	// Behind a TLS-terminating proxy named in TRUSTED_PROXIES, its word
	// counts: Secure cookies and HSTS.
	proxied := webtest.StartWeb(t, s.Backend.URL, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.0/8"} })
	req, _ = http.NewRequest(http.MethodGet, proxied+"/signin", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "max-age=31536000", resp.Header.Get("Strict-Transport-Security"))
	require.NotEmpty(t, resp.Cookies())
	for _, c := range resp.Cookies() {
		assert.True(t, c.Secure, "%s over HTTPS through a trusted proxy", c.Name)
	}
}

// The probe's header injection: the display name is the user's own text
// and must never reach a header raw; sign-in rotates the CSRF cookie.
func TestDisplayNameNeverReachesAHeaderRaw(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	p := b.post("/signup", "/signup", url.Values{"email": {"eve@example.com"}, "password": {"correct horse"}, "name": {"Eve\r\nSet-Cookie: evil=1"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "must not contain line breaks")

	// A legal name with cookie syntax in it comes back intact.
	b.get("/signin")
	u, _ := url.Parse(s.WebURL)
	var csrfBefore string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "todo_csrf" {
			csrfBefore = c.Value
		}
	}
	require.NotEmpty(t, csrfBefore)
	p = b.post("/signup", "/signup", url.Values{"email": {"zoe@example.com"}, "password": {"correct horse"}, "name": {"Zoë; Path=/x, évil=1"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	var csrfAfter string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "todo_csrf" {
			csrfAfter = c.Value
		}
		assert.NotEqual(t, "évil", c.Name)
	}
	assert.NotEqual(t, csrfBefore, csrfAfter, "sign-in gives a new CSRF cookie")
	assert.Contains(t, text(b.get("/").Body), "Zoë; Path=/x, évil=1", "the name shows as typed")
}

func TestTaskPagesEndToEnd(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("pages@example.com")

	// Bad input: the form comes back with messages and the typed values.
	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"   "}, "due_date": {"2030-02-31"}, "tags": {"ok, a"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Due date must be a date")
	p = b.post("/tasks/new", "/tasks", url.Values{"title": {"   "}, "tags": {"ok"}, "priority": {"high"}})
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)
	assert.Contains(t, text(p.Body), "Title is required")
	assert.Contains(t, p.Body, `value="ok"`)

	p = b.post("/tasks/new", "/tasks", url.Values{"title": {"Write report"}, "description": {"Q4 numbers"}, "due_date": {"2030-03-15"},
		"due_time": {"17:30"}, "priority": {"high"}, "tags": {"work, Reports"}, "recurrence": {"none"}, "recurrence_interval": {"1"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	p = b.get("/tasks")
	require.Equal(t, http.StatusOK, p.Status)
	assert.Contains(t, text(p.Body), "Added “Write report”.")
	assert.Contains(t, text(p.Body), "Write report")
	assert.Contains(t, text(p.Body), "Fri 15 Mar 2030, 17:30")
	assert.Contains(t, p.Body, "#work")

	id := regexp.MustCompile(`/tasks/(\d+)/edit`).FindStringSubmatch(p.Body)[1]

	for q, want := range map[string]bool{"q=report": true, "q=nothing": false, "tag=work": true, "tag=home": false,
		"priority=high": true, "priority=low": false, "status=completed": false, "due_from=2030-03-15&due_to=2030-03-15": true,
		"due_from=2030-03-16": false, "overdue=true": false, "sort=title&order=desc": true} {
		p := b.get("/tasks?" + q)
		require.Equal(t, http.StatusOK, p.Status, q)
		assert.Equal(t, want, strings.Contains(p.Body, "Write report"), q)
	}
	p = b.get("/tasks?due_from=soon")
	assert.Equal(t, http.StatusUnprocessableEntity, p.Status)

	p = b.get("/calendar?month=2030-03")
	require.Equal(t, http.StatusOK, p.Status)
	cell := regexp.MustCompile(`(?s)data-date="2030-03-15">(.*?)</td>`).FindStringSubmatch(p.Body)
	require.NotNil(t, cell)
	assert.Contains(t, cell[1], "Write report", "task on its due day")
	assert.Contains(t, p.Body, "March 2030")
	assert.Contains(t, p.Body, `/tasks/new?due=2030-03-01`)

	p = b.get("/tasks/new?due=2030-03-20")
	assert.Contains(t, p.Body, `value="2030-03-20"`, "click a day to add a task due that day")

	p = b.get("/tasks/" + id + "/edit")
	require.Equal(t, http.StatusOK, p.Status)
	assert.Contains(t, p.Body, `value="17:30"`)
	assert.Contains(t, p.Body, `value="Reports, work"`)
	p = b.post("/tasks/"+id+"/edit", "/tasks/"+id, url.Values{"title": {"Write final report"}, "due_date": {"2030-03-16"}, "priority": {"low"}, "tags": {"work"}, "recurrence": {"weekly"}, "recurrence_interval": {"2"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	p = b.get("/tasks")
	assert.Contains(t, text(p.Body), "Write final report")
	assert.Contains(t, text(p.Body), "Sat 16 Mar 2030", "date-only shows no time")
	assert.Contains(t, text(p.Body), "↻ every other week", "the rule said as people say it")

	p = b.post("/tasks", "/tasks/"+id+"/toggle", url.Values{"next": {"/tasks"}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get("/tasks?status=completed")
	assert.Contains(t, text(p.Body), "Completed “Write final report”. The next one is due Sat 30 Mar 2030.")
	assert.Contains(t, p.Body, "Write final report")

	p = b.get("/tasks/" + id + "/delete")
	assert.Contains(t, text(p.Body), "Delete “Write final report”?")
	p = b.post("/tasks/"+id+"/delete", "/tasks/"+id+"/delete", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get("/tasks?status=completed")
	assert.Contains(t, text(p.Body), "Task deleted.")
	assert.Contains(t, text(p.Body), "Undo deleting the task")
	assert.NotContains(t, p.Body, `/tasks/`+id+`/edit`)
	p = b.post("/tasks", "/undo", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	p = b.get("/tasks?q=final&status=all")
	assert.Contains(t, text(p.Body), "Restored “Write final report”.")
	assert.Contains(t, p.Body, `/tasks/`+id+`/edit`, "the same task, with its id")
	p = b.post("/tasks", "/undo", url.Values{})
	assert.Contains(t, text(b.get("/tasks").Body), "There is nothing to undo.")

	p = b.get("/tasks/999999/edit")
	assert.Equal(t, http.StatusNotFound, p.Status)
	assert.Contains(t, p.Body, "<h1>Not found</h1>")
	p = b.get("/tasks/abc/edit")
	assert.Equal(t, http.StatusNotFound, p.Status)
}

func TestDashboardCounts(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("dash@example.com")
	api1 := apiClient(t, s.Backend.URL, "dash@example.com")
	ctx := context.Background()
	now := time.Now().UTC()
	mk := func(title string, due time.Time) api.Task {
		d := due.Format(time.RFC3339)
		task, err := api1.CreateTask(ctx, api.TaskInput{Title: title, DueAt: &d})
		require.NoError(t, err)
		return task
	}
	mk("Late thing", now.Add(-48*time.Hour))
	mk("Soon thing", now.Add(30*24*time.Hour))
	done := mk("Done thing", now.Add(24*time.Hour))
	_, err := api1.CompleteTask(ctx, done.ID, nil)
	require.NoError(t, err)

	p := b.get("/")
	require.Equal(t, http.StatusOK, p.Status)
	body := text(p.Body)
	assert.Contains(t, body, "2 open")
	assert.Contains(t, body, "1 overdue")
	assert.Contains(t, body, "1 done this week")
	assert.Regexp(t, `Overdue .*Late thing`, body)
	assert.Regexp(t, `Coming up .*Soon thing`, body)
	assert.Contains(t, body, "2 days overdue")
}

func TestBackendDownGivesAFriendlyPage(t *testing.T) {
	t.Parallel()
	be := stacktest.StartBackend(t, builder, pg, nil)
	web := webtest.StartWeb(t, be.URL)
	b := newClient(t, web)
	b.signUp("down@example.com")
	require.NoError(t, be.Stop())

	p := b.get("/tasks")
	assert.Equal(t, http.StatusServiceUnavailable, p.Status)
	assert.Contains(t, text(p.Body), "We can't reach the task service right now")
	assert.NotContains(t, p.Body, "dial tcp")
	resp, err := http.Get(web + "/ready")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "still ready: the Service keeps sending browsers here for the friendly page")
	resp, err = http.Get(web + "/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func apiClient(t *testing.T, backendURL, email string) *client.Client {
	c := client.New(backendURL, nil)
	res, err := c.SignIn(context.Background(), api.SignInRequest{Email: email, Password: "correct horse"})
	require.NoError(t, err, fmt.Sprintf("sign in %s", email))
	return c.WithAuth(res)
}

// The date rule at the web app's door: a date picked without a time is an
// all-day task (due_date), its instant the end of that day in the person's
// zone — the same instant the backend's
// REST and MCP doors store for "2026-12-01" for a person in New York
// (apps/backend/internal/mcpserver/daterule_test.go), and the person's zone
// reaches the backend at sign-up.
func TestFormDateOnlyIsTheSameMomentAsTheAPIs(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	u, _ := url.Parse(s.WebURL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: url.QueryEscape("America/New_York"), Path: "/"}})
	b.signUp("ny-web@example.com")
	p := b.post("/tasks/new", "/tasks", url.Values{"title": {"Pay rent"}, "due_date": {"2026-12-01"}, "priority": {"medium"}, "recurrence": {"none"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)

	be := apiClient(t, s.Backend.URL, "ny-web@example.com")
	me, err := be.Me(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "America/New_York", me.TimeZone, "sign-up told the backend the browser's zone")
	list, err := be.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	require.NotNil(t, list.Tasks[0].DueDate, "a date alone is an all-day task (issue 29)")
	assert.Equal(t, "2026-12-01", list.Tasks[0].DueDate.String())
	assert.Equal(t, "2026-12-02T04:59:59Z", list.Tasks[0].DueAt.UTC().Format(time.RFC3339))
	assert.Contains(t, text(b.get("/tasks").Body), "Tue 1 Dec 2026", "shown as a day, without a time")
}

// The probe's bug: deleting a task with a long description made the undo
// cookie exceed 4 KB, and every page answered 431 until it expired. The
// cookie holds only the id now; undo brings back every character.
func TestUndoOfATaskWithALongDescription(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("long@example.com")
	long := strings.Repeat("All work and no play makes a long description. ", 220)[:10000]
	c := apiClient(t, s.Backend.URL, "long@example.com")
	task, err := c.CreateTask(context.Background(), api.TaskInput{Title: "Long one", Description: long})
	require.NoError(t, err)
	id := fmt.Sprint(task.ID)

	p := b.post("/tasks/"+id+"/delete", "/tasks/"+id+"/delete", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	u, _ := url.Parse(s.WebURL)
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name != "todo_session" { // the JWT
			assert.Less(t, len(ck.Value), 200, "cookie %s holds no task content", ck.Name)
		}
	}
	p = b.get("/tasks")
	require.Equal(t, http.StatusOK, p.Status, "pages still load")
	p = b.post("/tasks", "/undo", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status)
	back, err := c.GetTask(context.Background(), task.ID)
	require.NoError(t, err)
	assert.Equal(t, long, back.Description, "every character back")
}
