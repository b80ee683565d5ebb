package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
)

func TestBrowserJourney(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	ctx := browsertest.New(t)
	u := func(p string) string { return s.WebURL + p }
	due := time.Now().AddDate(0, 0, 3)
	dueDate := due.Format(time.DateOnly)

	// Sign up.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(u("/signup")),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
	))
	browsertest.CheckA11y(t, ctx, "sign up")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#name", "Robin", chromedp.ByQuery),
		chromedp.SendKeys("#email", "robin@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".stats", chromedp.ByQuery),
	))
	assert.Contains(t, browsertest.BodyText(t, ctx), "Welcome, Robin!")
	browsertest.CheckA11y(t, ctx, "dashboard")

	// Create a task with a due date, priority and tags.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(u("/tasks/new")),
		chromedp.WaitVisible("#title", chromedp.ByQuery),
	))
	browsertest.CheckA11y(t, ctx, "new task")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#title", "Book dentist appointment", chromedp.ByQuery),
		chromedp.SendKeys("#description", "Call before noon", chromedp.ByQuery),
		chromedp.SetValue("#due_date", dueDate, chromedp.ByQuery),
		chromedp.SetValue("#due_time", "10:30", chromedp.ByQuery),
		chromedp.SetValue("#priority", "high", chromedp.ByQuery),
		chromedp.SendKeys("#tags", "health, errands", chromedp.ByQuery),
		chromedp.Click(`.task-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".tasks", chromedp.ByQuery),
	))
	text := browsertest.BodyText(t, ctx)
	assert.Contains(t, text, "Added “Book dentist appointment”.")
	assert.Contains(t, text, "#health")
	browsertest.CheckA11y(t, ctx, "task list")

	// Find it by search and by tag filter.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#q", "dentist", chromedp.ByQuery),
		chromedp.Submit("#q", chromedp.ByQuery),
		chromedp.WaitVisible(`#q[value="dentist"]`, chromedp.ByQuery), // the new page, not the typed-in old one
		chromedp.WaitVisible(".tasks", chromedp.ByQuery),
	))
	var loc string
	require.NoError(t, chromedp.Run(ctx, chromedp.Location(&loc)))
	assert.Contains(t, loc, "q=dentist", "filters live in the URL")
	assert.Contains(t, browsertest.BodyText(t, ctx), "Book dentist appointment")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(u("/tasks")),
		chromedp.Click("details.filter-box summary", chromedp.ByQuery),
		chromedp.WaitVisible("#tag", chromedp.ByQuery),
		// Setting the value fires "change", and a filter applies as it
		// changes: that is the submission (a click on Apply as well
		// started a second navigation, which raced the next one).
		chromedp.SetValue("#tag", "errands", chromedp.ByQuery),
		chromedp.WaitReady(`#tag option[selected][value="errands"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".count", chromedp.ByQuery),
		chromedp.Location(&loc),
	))
	assert.Contains(t, loc, "tag=errands")
	assert.Contains(t, browsertest.BodyText(t, ctx), "Book dentist appointment")

	// On the calendar, on the right day.
	var cell string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(u("/calendar?month="+due.Format("2006-01"))),
		chromedp.WaitVisible(".calendar", chromedp.ByQuery),
		chromedp.Text(fmt.Sprintf(`td[data-date="%s"]`, dueDate), &cell, chromedp.ByQuery),
	))
	assert.Contains(t, cell, "Book dentist appointment")
	browsertest.CheckA11y(t, ctx, "calendar")

	// Complete it in place (the page script), then check it stuck.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(u("/tasks")),
		chromedp.Click(".task .check", chromedp.ByQuery),
		chromedp.WaitVisible(".task.done", chromedp.ByQuery),
		chromedp.Navigate(u("/tasks?status=completed")),
		chromedp.WaitVisible(".task.done", chromedp.ByQuery),
	))
	assert.Contains(t, browsertest.BodyText(t, ctx), "Book dentist appointment")

	// Edit it.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(".task .title", chromedp.ByQuery),
		chromedp.WaitVisible("#title", chromedp.ByQuery),
		chromedp.SetValue("#title", "Book dentist for Thursday", chromedp.ByQuery),
		chromedp.Click(`.task-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
	))
	assert.Contains(t, browsertest.BodyText(t, ctx), "Saved “Book dentist for Thursday”.")

	// Delete it, with confirmation.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(u("/tasks?status=all")),
		chromedp.Click(".task .del", chromedp.ByQuery),
		chromedp.WaitVisible("button.danger", chromedp.ByQuery),
	))
	browsertest.CheckA11y(t, ctx, "delete confirmation")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click("button.danger", chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
	))
	text = browsertest.BodyText(t, ctx)
	assert.Contains(t, text, "Task deleted.")
	assert.Contains(t, text, "No tasks match.")

	// Undo: the same task comes back.
	require.NoError(t, chromedp.Run(ctx, chromedp.Click(".flash button", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(ctx, chromedp.WaitVisible(".tasks", chromedp.ByQuery)))
	text = browsertest.BodyText(t, ctx)
	assert.Contains(t, text, "Restored “Book dentist for Thursday”.")
	assert.NotContains(t, text, "No tasks match.")

	// Sign out: the dashboard is gone; sign in again.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(".signout button", chromedp.ByQuery),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.Navigate(u("/")),
		chromedp.WaitVisible("#password", chromedp.ByQuery),
		chromedp.Location(&loc),
	))
	assert.Contains(t, loc, "/signin")
	browsertest.CheckA11y(t, ctx, "sign in")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#email", "robin@example.com", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".stats", chromedp.ByQuery),
	))
	assert.Contains(t, browsertest.BodyText(t, ctx), "Dashboard")
}

// TestScreenshots fills an account with realistic tasks and saves the
// dashboard, list and calendar in light and dark under
// test-output/screenshots (`make screenshots` copies them to docs/).
func TestScreenshots(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	c := apiClientSignUp(t, s.Backend.URL, "sam@example.com", "Sam")
	now := time.Now()
	at := func(days int, hour int) *string {
		d := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC).AddDate(0, 0, days).Format(time.RFC3339)
		return &d
	}
	seed := []api.TaskInput{
		{Title: "Renew passport", DueAt: at(-2, 12), Priority: "high", Tags: []string{"admin"}},
		{Title: "Team sync", DueAt: at(0, 15), Priority: "medium", Tags: []string{"work"}, Recurrence: "weekly"},
		{Title: "Buy groceries", DueAt: at(1, 18), Priority: "medium", Tags: []string{"home", "errands"}},
		{Title: "Call mom", DueAt: at(2, 19), Priority: "low", Tags: []string{"family"}},
		{Title: "Quarterly report", Description: "Numbers from finance", DueAt: at(5, 17), Priority: "high", Tags: []string{"work"}},
		{Title: "Dentist", DueAt: at(9, 10), Priority: "medium", Tags: []string{"health"}},
		{Title: "Plan weekend trip", Priority: "low", Tags: []string{"family"}},
	}
	ctx := context.Background()
	for _, in := range seed {
		_, err := c.CreateTask(ctx, in)
		require.NoError(t, err)
	}
	done, err := c.CreateTask(ctx, api.TaskInput{Title: "Pay electricity bill", DueAt: at(-1, 9), Tags: []string{"home"}})
	require.NoError(t, err)
	_, err = c.CompleteTask(ctx, done.ID, nil)
	require.NoError(t, err)
	for _, tok := range []api.APITokenInput{{Name: "Claude Desktop (mcp-remote)", Scope: api.ScopeWrite}, {Name: "Calendar script", Scope: api.ScopeRead}} {
		_, err = c.CreateAPIToken(ctx, tok)
		require.NoError(t, err)
	}

	b := browsertest.New(t)
	require.NoError(t, chromedp.Run(b,
		signIn(s.WebURL+"/signin", "sam@example.com", ".stats"),
	))
	for _, scheme := range []string{"light", "dark"} {
		require.NoError(t, chromedp.Run(b, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}})))
		for _, pg := range []struct{ name, path, wait string }{
			{"dashboard", "/", ".stats"}, {"tasks", "/tasks?sort=due", ".tasks"}, {"calendar", "/calendar", ".calendar"},
			{"settings", "/settings", ".tokens"}, {"upcoming", "/upcoming", ".day"},
		} {
			require.NoError(t, chromedp.Run(b, chromedp.Navigate(s.WebURL+pg.path), chromedp.WaitVisible(pg.wait, chromedp.ByQuery)))
			var bg string
			require.NoError(t, chromedp.Run(b, chromedp.Evaluate(`getComputedStyle(document.body).backgroundColor`, &bg)))
			if scheme == "dark" {
				assert.Equal(t, "rgb(17, 17, 27)", bg, "dark theme follows the system setting")
			} else {
				assert.Equal(t, "rgb(247, 247, 251)", bg)
			}
			if scheme == "light" {
				browsertest.CheckA11y(t, b, pg.path)
			}
			browsertest.Screenshot(t, b, pg.name+"-"+scheme)
		}
	}
	// Phone-sized views of the list and the settings.
	require.NoError(t, chromedp.Run(b, emulation.SetDeviceMetricsOverride(390, 844, 2, true)))
	for _, pg := range []struct{ name, path, wait string }{{"tasks", "/tasks?sort=due", ".tasks"}, {"settings", "/settings", ".tokens"},
		{"today", "/today", ".day"}, {"calendar", "/calendar", ".cal-list"}} {
		require.NoError(t, chromedp.Run(b, chromedp.Navigate(s.WebURL+pg.path), chromedp.WaitVisible(pg.wait, chromedp.ByQuery)))
		var overflow bool
		// Against the device's 390 px, not innerWidth: a mobile browser
		// widens its layout viewport to fit content that overflows.
		require.NoError(t, chromedp.Run(b, chromedp.Evaluate(`document.documentElement.scrollWidth > 390`, &overflow)))
		assert.False(t, overflow, "no horizontal scrolling on a phone: %s", pg.path)
		if pg.name == "tasks" || pg.name == "today" {
			var top float64
			require.NoError(t, chromedp.Run(b, chromedp.Evaluate(`document.querySelector("li.task").getBoundingClientRect().top`, &top)))
			assert.Less(t, top, 500.0, "%s: tasks on the first screen, not chrome", pg.path)
		}
		browsertest.Screenshot(t, b, pg.name+"-phone")
	}
	assert.True(t, strings.HasPrefix(s.WebURL, "http://127.0.0.1"))
}

func apiClientSignUp(t *testing.T, backendURL, email, name string) *client.Client {
	c := client.New(backendURL, nil)
	res, err := c.SignUp(context.Background(), api.SignUpRequest{Email: email, Password: "correct horse", Name: name})
	require.NoError(t, err)
	return c.WithAuth(res)
}

// Quick add from the keyboard: "q", one line, the preview from the server
// while typing, Enter — and the task is there.
func TestBrowserQuickAdd(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	apiClientSignUp(t, s.Backend.URL, "kim@example.com", "Kim")
	ctx := browsertest.New(t)
	require.NoError(t, chromedp.Run(ctx,
		signIn(s.WebURL+"/signin", "kim@example.com", ".stats"),
	))
	var focused string
	var preview string
	// One real key press (a keyDown carrying its text, as a keyboard
	// sends): chromedp.KeyEvent would add a separate "char" event that
	// types the q even when the page cancels the keydown.
	require.NoError(t, chromedp.Run(ctx,
		input.DispatchKeyEvent(input.KeyDown).WithKey("q").WithCode("KeyQ").WithText("q").WithWindowsVirtualKeyCode(81),
		input.DispatchKeyEvent(input.KeyUp).WithKey("q").WithCode("KeyQ").WithWindowsVirtualKeyCode(81),
		chromedp.Evaluate(`document.activeElement.id`, &focused),
	))
	assert.Equal(t, "quick", focused, "q goes to quick add")
	var typed string
	require.NoError(t, chromedp.Run(ctx, chromedp.Value("#quick", &typed, chromedp.ByQuery)))
	assert.Empty(t, typed, "the shortcut key is not typed into the box")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#quick", "Friday 5pm call mom #family !high", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("quick-preview").textContent.includes("Call mom")`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Text("#quick-preview", &preview, chromedp.ByQuery),
	))
	assert.Contains(t, preview, "Task: Call mom")
	assert.Contains(t, preview, "Due: Fri")
	assert.Contains(t, preview, "17:00")
	assert.Contains(t, preview, "Priority: high")
	assert.Contains(t, preview, "Tags: #family")
	browsertest.CheckA11y(t, ctx, "quick add with a preview")
	require.NoError(t, chromedp.Run(ctx, chromedp.SendKeys("#quick", "\r", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(ctx, chromedp.WaitVisible(".flash", chromedp.ByQuery)))
	body := browsertest.BodyText(t, ctx)
	assert.Contains(t, body, "Added “Call mom”, due Fri")
	assert.Contains(t, body, "Call mom", "on the dashboard")

	for _, view := range []string{"/today", "/upcoming"} {
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(s.WebURL+view), chromedp.WaitVisible(".day", chromedp.ByQuery)))
		browsertest.CheckA11y(t, ctx, view)
	}
}

// press sends one key as a keyboard does: a keyDown carrying its text,
// then keyUp (chromedp.KeyEvent adds a separate "char" event that would
// type the shortcut into the field the shortcut just focused).
func press(key, code string, vk int64, text string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		down := input.DispatchKeyEvent(input.KeyDown).WithKey(key).WithCode(code).WithWindowsVirtualKeyCode(vk)
		if text != "" {
			down = down.WithText(text)
		}
		if err := down.Do(ctx); err != nil {
			return err
		}
		return input.DispatchKeyEvent(input.KeyUp).WithKey(key).WithCode(code).WithWindowsVirtualKeyCode(vk).Do(ctx)
	})
}

func letter(k string) chromedp.Action {
	return press(k, "Key"+strings.ToUpper(k), int64(strings.ToUpper(k)[0]), k)
}

// The keyboard-only journey: add, move, complete, reopen, edit in place,
// delete, undo — with focus checked after each step.
func TestBrowserKeyboardJourney(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	c := apiClientSignUp(t, s.Backend.URL, "keys@example.com", "Kai")
	ctx := browsertest.New(t)
	require.NoError(t, chromedp.Run(ctx,
		signIn(s.WebURL+"/signin?next=/tasks", "keys@example.com", ".filter-form"),
	))
	focused := func() string {
		var s string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`(function(){var a=document.activeElement; var li=a.closest&&a.closest("li.task"); return li ? "row:"+li.dataset.title : (a.id || a.tagName)})()`, &s)))
		return s
	}

	// Add two tasks from the keyboard.
	for line, title := range map[string]string{"Buy milk tomorrow 8am #home": "Buy milk", "Call the bank tomorrow 9am": "Call the bank"} {
		require.NoError(t, chromedp.Run(ctx, letter("q")))
		require.Equal(t, "quick", focused())
		require.NoError(t, chromedp.Run(ctx, chromedp.SendKeys("#quick", line+"\r", chromedp.ByQuery)))
		// The new page, with the new row: a flash alone may be the last
		// page's, still shown while this one loads.
		require.NoError(t, chromedp.Run(ctx, chromedp.WaitVisible(fmt.Sprintf(`li.task[data-title=%q]`, title), chromedp.ByQuery)))
	}
	// Move: j to the first row, j to the second, k back.
	require.NoError(t, chromedp.Run(ctx, letter("j")))
	first := focused()
	require.True(t, strings.HasPrefix(first, "row:"), first)
	require.NoError(t, chromedp.Run(ctx, letter("j")))
	second := focused()
	assert.NotEqual(t, first, second)
	require.NoError(t, chromedp.Run(ctx, letter("k")))
	assert.Equal(t, first, focused())

	// Complete, then reopen, focus staying on the row.
	require.NoError(t, chromedp.Run(ctx, letter("x"),
		chromedp.WaitVisible(`li.task.done`, chromedp.ByQuery)))
	assert.Equal(t, first, focused(), "focus stays on the completed row")
	require.NoError(t, chromedp.Run(ctx, letter("x"),
		chromedp.WaitNotPresent(`li.task.done`, chromedp.ByQuery)))
	assert.Equal(t, first, focused())

	// Edit in place: e, a new title, a due time and a reminder, Enter.
	require.NoError(t, chromedp.Run(ctx, letter("e"), chromedp.WaitVisible("form.inline-edit", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Evaluate(`document.activeElement.select()`, nil),
		chromedp.SetValue(`form.inline-edit input[name="due_date"]`, time.Now().AddDate(0, 0, 2).Format(time.DateOnly), chromedp.ByQuery),
		chromedp.SetValue(`form.inline-edit input[name="due_time"]`, "09:00", chromedp.ByQuery),
		chromedp.SetValue(`form.inline-edit select[name="reminder"]`, "60", chromedp.ByQuery),
		chromedp.SendKeys(`form.inline-edit input[name="title"]`, "Buy oat milk\r", chromedp.ByQuery),
		chromedp.WaitNotPresent("form.inline-edit", chromedp.ByQuery),
	))
	assert.Equal(t, "row:Buy oat milk", focused(), "focus on the edited row")
	list, err := c.ListTasks(context.Background(), api.TaskQuery{Q: "oat"})
	require.NoError(t, err)
	require.Len(t, list.Tasks, 1, "saved through the backend")
	assert.Equal(t, []string{"home"}, list.Tasks[0].Tags, "the fields not shown unchanged")
	require.Len(t, list.Tasks[0].Reminders, 1, "the reminder chosen in the row")
	assert.Equal(t, 60, *list.Tasks[0].Reminders[0].BeforeMinutes)
	var rowReminder string
	require.NoError(t, chromedp.Run(ctx, chromedp.AttributeValue(`li.task[data-title="Buy oat milk"]`, "data-reminder", &rowReminder, nil, chromedp.ByQuery)))
	assert.Equal(t, "60", rowReminder, "the row knows it for the next edit")

	// An invalid edit says what is wrong, beside the row, and saves nothing.
	require.NoError(t, chromedp.Run(ctx, letter("e"), chromedp.WaitVisible("form.inline-edit", chromedp.ByQuery),
		chromedp.SetValue(`form.inline-edit input[name="due_date"]`, "", chromedp.ByQuery),
		chromedp.SetValue(`form.inline-edit input[name="due_time"]`, "10:00", chromedp.ByQuery),
		chromedp.SendKeys(`form.inline-edit input[name="title"]`, "\r", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("form.inline-edit .field-error").textContent.length > 0`, nil, chromedp.WithPollingTimeout(5*time.Second)),
	))
	var problem string
	require.NoError(t, chromedp.Run(ctx, chromedp.Text("form.inline-edit .field-error", &problem, chromedp.ByQuery)))
	assert.Contains(t, problem, "Due date pick a date for this time")
	require.NoError(t, chromedp.Run(ctx, press("Escape", "Escape", 27, ""), chromedp.WaitNotPresent("form.inline-edit", chromedp.ByQuery)))
	assert.Equal(t, "row:Buy oat milk", focused())

	// Delete, then undo from the announcement.
	require.NoError(t, chromedp.Run(ctx, press("Delete", "Delete", 46, ""),
		chromedp.Poll(`document.getElementById("live").textContent.includes("Deleted “Buy oat milk”")`, nil, chromedp.WithPollingTimeout(5*time.Second))))
	assert.Equal(t, "row:"+strings.TrimPrefix(second, "row:"), focused(), "focus moves to the next row")
	require.NoError(t, chromedp.Run(ctx, chromedp.Focus("#live button", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(ctx, press("Enter", "Enter", 13, "\r")))
	require.NoError(t, chromedp.Run(ctx, chromedp.WaitVisible(`li.task[data-title="Buy oat milk"]`, chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(ctx, chromedp.Poll(`document.activeElement.dataset && document.activeElement.dataset.title === "Buy oat milk"`, nil, chromedp.WithPollingTimeout(5*time.Second))))
	browsertest.CheckA11y(t, ctx, "task list after the keyboard journey")
}

// The two bugs of the web issue, in a browser: un-ticking a completed
// recurring task leaves one open copy, not two; a task with a 10 000
// character description is deleted and undone, every character back.
func TestBrowserRecurringReopenAndLongUndo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := webtest.Start(t, pg, builder)
	c := apiClientSignUp(t, s.Backend.URL, "fix@example.com", "Fix")
	due := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	weekly, err := c.CreateTask(ctx, api.TaskInput{Title: "Water plants", DueDate: &due, Recurrence: "weekly"})
	require.NoError(t, err)
	long := strings.Repeat("0123456789", 1000)
	essay, err := c.CreateTask(ctx, api.TaskInput{Title: "Essay", Description: long})
	require.NoError(t, err)

	b := browsertest.New(t)
	require.NoError(t, chromedp.Run(b,
		signIn(s.WebURL+"/signin?next=/tasks%3Fstatus%3Dall", "fix@example.com", ".tasks"),
	))
	open := func() int {
		l, err := c.ListTasks(ctx, api.TaskQuery{Status: "pending", Q: "Water"})
		require.NoError(t, err)
		return l.Total
	}
	row := fmt.Sprintf(`#task-%d .check`, weekly.ID)
	// Completing it reloads the page (a new row appears): wait for that
	// page, with the next occurrence under the completed task.
	require.NoError(t, chromedp.Run(b, chromedp.Click(row, chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(b, chromedp.WaitVisible(`li.task[data-title="Water plants"] + li.task[data-title="Water plants"]`, chromedp.ByQuery)))
	require.Equal(t, 1, open(), "completed: the next occurrence is the open copy")
	require.NoError(t, chromedp.Run(b, chromedp.Click(row, chromedp.ByQuery),
		chromedp.WaitVisible(fmt.Sprintf(`#task-%d:not(.done)`, weekly.ID), chromedp.ByQuery)))
	assert.Equal(t, 1, open(), "reopened: one open copy, not two")

	require.NoError(t, chromedp.Run(b,
		chromedp.Navigate(fmt.Sprintf("%s/tasks/%d/delete", s.WebURL, essay.ID)),
		chromedp.WaitVisible("button.danger", chromedp.ByQuery),
		chromedp.Click("button.danger", chromedp.ByQuery),
		chromedp.WaitVisible(".flash button", chromedp.ByQuery),
	))
	require.NoError(t, chromedp.Run(b, chromedp.Click(".flash button", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(b, chromedp.WaitVisible(fmt.Sprintf("#task-%d", essay.ID), chromedp.ByQuery)))
	assert.Contains(t, browsertest.BodyText(t, b), "Restored “Essay”.")
	back, err := c.GetTask(ctx, essay.ID)
	require.NoError(t, err)
	assert.Equal(t, long, back.Description)
}

// On a phone (390×844, touch): add a task with quick add, tick it with a
// tap on the 44 px target, open the filters, read the calendar's day list.
func TestBrowserPhoneJourney(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	apiClientSignUp(t, s.Backend.URL, "phone@example.com", "Pat")
	b := browsertest.New(t)
	require.NoError(t, chromedp.Run(b,
		emulation.SetDeviceMetricsOverride(390, 844, 2, true),
		emulation.SetTouchEmulationEnabled(true),
		signIn(s.WebURL+"/signin?next=/tasks", "phone@example.com", ".filter-form"),
	))
	require.NoError(t, chromedp.Run(b, chromedp.SendKeys("#quick", "tomorrow 8am run #health\r", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(b, chromedp.WaitVisible("li.task", chromedp.ByQuery)))
	var size map[string]float64
	require.NoError(t, chromedp.Run(b, chromedp.Evaluate(`(function(){var r=document.querySelector("li.task .check").getBoundingClientRect(); var a=getComputedStyle(document.querySelector("li.task .check"),"::after"); return {w: r.width - 2*parseFloat(a.left), h: r.height - 2*parseFloat(a.top), top: document.querySelector("li.task").getBoundingClientRect().top}})()`, &size)))
	assert.GreaterOrEqual(t, size["w"], 44.0, "touch target width")
	assert.GreaterOrEqual(t, size["h"], 44.0, "touch target height")
	assert.Less(t, size["top"], 700.0, "the task is on the first screen (844 px), under the \"Added\" message")
	require.NoError(t, chromedp.Run(b, chromedp.Click("li.task .check", chromedp.ByQuery), chromedp.WaitVisible("li.task.done", chromedp.ByQuery)))

	require.NoError(t, chromedp.Run(b, chromedp.Click("details.filter-box summary", chromedp.ByQuery), chromedp.WaitVisible("#priority", chromedp.ByQuery)))
	require.NoError(t, chromedp.Run(b, chromedp.Navigate(s.WebURL+"/calendar"), chromedp.WaitVisible(".cal-list", chromedp.ByQuery)))
	var grid bool
	require.NoError(t, chromedp.Run(b, chromedp.Evaluate(`getComputedStyle(document.querySelector("table.calendar")).display !== "none"`, &grid)))
	assert.False(t, grid, "a day list, not a squeezed month grid")
	assert.Contains(t, browsertest.BodyText(t, b), "Run")
	browsertest.Screenshot(t, b, "calendar-phone")
}

// signIn signs in through the page at signinURL (its next= decides where
// it lands) and waits for that page's landmark.
func signIn(signinURL, email, landmark string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Navigate(signinURL),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(landmark, chromedp.ByQuery),
	}
}

// Settings → Import in a browser: Preview shows the report in place and
// keeps the chosen file, so Import follows without choosing it again.
func TestBrowserImportPreviewThenImport(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	apiClientSignUp(t, s.Backend.URL, "ivy@example.com", "Ivy")
	file := filepath.Join(t.TempDir(), "trip.csv")
	require.NoError(t, os.WriteFile(file, []byte(todoistFile), 0o644))
	ctx := browsertest.New(t)
	var files int
	require.NoError(t, chromedp.Run(ctx,
		signIn(s.WebURL+"/signin", "ivy@example.com", ".stats"),
		chromedp.Navigate(s.WebURL+"/settings"),
		chromedp.WaitVisible("#import-form", chromedp.ByQuery),
		chromedp.Click(`input[name="format"][value="todoist-csv"]`, chromedp.ByQuery),
		chromedp.SetUploadFiles("#import-file", []string{file}, chromedp.ByQuery),
		chromedp.Click(`#import-form button[formaction]`, chromedp.ByQuery),
		chromedp.WaitVisible("#import-report", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("import-file").files.length`, &files),
	))
	report := browsertest.BodyText(t, ctx)
	assert.Contains(t, report, "Preview: importing this file into the project “trip” adds 2 tasks, 1 tag and 0 conversations.")
	assert.Contains(t, report, "press Import to bring it in")
	assert.Equal(t, 1, files, "the chosen file is still chosen")
	browsertest.CheckA11y(t, ctx, "settings with an import preview")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`#import-form button.primary`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
	))
	assert.Contains(t, browsertest.BodyText(t, ctx), "Imported 2 tasks, 1 tag.")
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(s.WebURL+"/tasks?status=all"), chromedp.WaitVisible(".tasks", chromedp.ByQuery)))
	body := browsertest.BodyText(t, ctx)
	assert.Contains(t, body, "Plan the trip")
	assert.Contains(t, body, "Pack")
}
