package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
)

// Quick add without JavaScript: the same line the assistant understands,
// posted from any page, becomes the task, in the browser's time zone, and
// the person is back where they were.
func TestQuickAdd(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("quick@example.com")
	u, _ := url.Parse(s.WebURL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "tz", Value: "America%2FNew_York", Path: "/"}})
	c := apiClient(t, s.Backend.URL, "quick@example.com")
	ny, _ := time.LoadLocation("America/New_York")

	p := b.post("/calendar", "/quick", url.Values{"text": {"Friday 5pm call mom #family !high"}, "next": {"/calendar"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	assert.Equal(t, "/calendar", p.Location, "back to the page it came from")
	list, err := c.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	task := list.Tasks[0]
	assert.Equal(t, "Call mom", task.Title)
	assert.Equal(t, "high", task.Priority)
	assert.Equal(t, []string{"family"}, task.Tags)
	require.NotNil(t, task.DueAt)
	due := task.DueAt.In(ny)
	assert.Equal(t, time.Friday, due.Weekday())
	assert.Equal(t, 17, due.Hour(), "5pm where the browser is")
	assert.Contains(t, text(b.get("/calendar").Body), "Added “Call mom”, due Fri")

	// Command words are part of the title: quick add only ever adds.
	b.post("/", "/quick", url.Values{"text": {"delete old emails"}, "next": {"/"}})
	list, err = c.ListTasks(context.Background(), api.TaskQuery{Q: "emails"})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	assert.Equal(t, "Delete old emails", list.Tasks[0].Title)

	// Nothing to add: said, nothing created.
	p = b.post("/", "/quick", url.Values{"text": {"#home tomorrow"}, "next": {"/"}})
	assert.Equal(t, http.StatusSeeOther, p.Status)
	assert.Contains(t, text(b.get("/").Body), "Type what to do")
	list, err = c.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	assert.Equal(t, 2, list.Total)
}

// The preview the page shows while typing comes from the server's grammar.
func TestQuickAddPreview(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("preview@example.com")
	get := func(line string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/quick/preview?text="+url.QueryEscape(line), nil)
		req.Header.Set("Accept", "application/json")
		resp, err := b.c.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, p := get("pay rent every month p1 #home")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "Pay rent", p["title"])
	assert.Equal(t, "every month", p["repeat"])
	assert.Equal(t, "high", p["priority"])
	assert.Equal(t, []any{"home"}, p["tags"])
	_, p = get("tomorrow")
	assert.Contains(t, p["problem"], "Type what to do")

	req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/quick/preview?text=x", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "signed-out: no preview")
}

// Quick add fills the recurrence model's days: "every Mon, Wed, Fri" and
// "every weekday" keep their days, "every 1st" its day of the month, and
// the list says each rule as people do (the list once said "↻ daily" of an
// every-3-days task).
func TestQuickAddRepeatsOnNamedDays(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("days@example.com")
	c := apiClient(t, s.Backend.URL, "days@example.com")
	for _, line := range []string{"gym every mon, wed, fri 7am", "team standup every weekday at 9:30", "pay rent every 1st", "water plants every 3 days"} {
		p := b.post("/", "/quick", url.Values{"text": {line}, "next": {"/"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	}
	list, err := c.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	rules := map[string]string{}
	for _, task := range list.Tasks {
		rules[task.Title] = fmt.Sprintf("%s/%d %v %d", task.Recurrence, task.RecurrenceInterval, task.RecurrenceWeekdays.Names(), task.RecurrenceMonthDay)
	}
	assert.Equal(t, map[string]string{
		"Gym":          "weekly/1 [mon wed fri] 0",
		"Team standup": "daily/1 [mon tue wed thu fri] 0",
		"Pay rent":     "monthly/1 [] 1",
		"Water plants": "daily/3 [] 0",
	}, rules)
	page := text(b.get("/tasks").Body)
	for _, label := range []string{"↻ every Mon, Wed, Fri", "↻ every weekday", "↻ every month on the 1st", "↻ every 3 days"} {
		assert.Contains(t, page, label)
	}
}

// ^Name puts a quick-added task in that project (by name, ignoring case),
// shown in the preview; a name the person has no project of adds nothing.
func TestQuickAddIntoAProject(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("caret@example.com")
	c := apiClient(t, s.Backend.URL, "caret@example.com")
	ctx := context.Background()
	shop, err := c.CreateProject(ctx, api.ProjectInput{Name: "Shopping"})
	require.NoError(t, err)

	req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/quick/preview?text="+url.QueryEscape("buy milk ^shopping #dairy"), nil)
	req.Header.Set("Accept", "application/json")
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	var p map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
	resp.Body.Close()
	assert.Equal(t, "Buy milk", p["title"])
	assert.Equal(t, "Shopping", p["project"], "as they spelt it")

	b.post("/", "/quick", url.Values{"text": {"buy milk ^shopping #dairy"}, "next": {"/"}})
	assert.Contains(t, text(b.get("/").Body), "Added “Buy milk” to Shopping")
	list, err := c.ListTasks(ctx, api.TaskQuery{ProjectID: shop.ID})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1)
	assert.Equal(t, "Buy milk", list.Tasks[0].Title)
	assert.Equal(t, []string{"dairy"}, list.Tasks[0].Tags)

	b.post("/", "/quick", url.Values{"text": {"buy bread ^Nowhere"}, "next": {"/"}})
	assert.Contains(t, text(b.get("/").Body), "You have no project “Nowhere”")
	old, err := c.CreateProject(ctx, api.ProjectInput{Name: "Old"})
	require.NoError(t, err)
	archived := true
	_, err = c.PatchProject(ctx, old.ID, api.ProjectPatch{Archived: &archived})
	require.NoError(t, err)
	b.post("/", "/quick", url.Values{"text": {"sort photos ^old"}, "next": {"/"}})
	assert.Contains(t, text(b.get("/").Body), "“Old” is archived", "not a hint to make a second one")
	all, err := c.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	assert.Equal(t, 1, all.Total, "nothing added")
}

// Reminders said in quick add are set, by the same rule as the
// assistant's (the line used to drop "remind me 30 min before" silently);
// one that cannot be set adds nothing and says why.
func TestQuickAddReminders(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	b := newClient(t, s.WebURL)
	b.signUp("reminders@example.com")
	c := apiClient(t, s.Backend.URL, "reminders@example.com")
	for _, line := range []string{"call the bank friday 11am, remind me 30 min before", "dentist monday 9am remind me at 8", "bins friday remind me the day before at 7pm"} {
		p := b.post("/", "/quick", url.Values{"text": {line}, "next": {"/"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	}
	p := b.post("/", "/quick", url.Values{"text": {"recycling friday remind me 30 min before"}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	list, err := c.ListTasks(context.Background(), api.TaskQuery{})
	require.NoError(t, err)
	got := map[string]string{}
	for _, task := range list.Tasks {
		var rs []string
		for _, r := range task.Reminders {
			switch {
			case r.BeforeMinutes != nil:
				rs = append(rs, fmt.Sprintf("%d before %s", *r.BeforeMinutes, r.AtTime))
			case r.At != nil && task.DueAt != nil:
				rs = append(rs, fmt.Sprintf("at %v before the due time", task.DueAt.Sub(*r.At)))
			}
		}
		got[task.Title] = strings.Join(rs, "; ")
	}
	assert.Equal(t, map[string]string{
		"Call the bank": "30 before ",
		"Dentist":       "at 1h0m0s before the due time",
		"Bins":          "1440 before 19:00",
	}, got, "no task for the reminder an all-day task cannot have")
}
