package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
)

// signedInPage signs up in the browser, opens the task list (whose page
// script listens for reminders) and returns the backend as that person.
func signedInPage(t *testing.T, ctx context.Context, s *webtest.Stack, email string) *client.Client {
	t.Helper()
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.WebURL+"/signup"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#name", "Remi", chromedp.ByQuery),
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible(".stats", chromedp.ByQuery),
		chromedp.Navigate(s.WebURL+"/tasks"),
		chromedp.WaitVisible("#quick", chromedp.ByQuery),
	))
	res, err := client.New(s.Backend.URL, nil).SignIn(context.Background(), api.SignInRequest{Email: email, Password: "correct horse"})
	require.NoError(t, err)
	return client.New(s.Backend.URL, nil).WithAuth(res)
}

func remindSoon(t *testing.T, be *client.Client, title string) api.Task {
	t.Helper()
	at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	due := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	task, err := be.CreateTask(context.Background(), api.TaskInput{Title: title, DueAt: &due, Reminders: &[]api.ReminderInput{{At: &at}}})
	require.NoError(t, err)
	return task
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// At http://127.0.0.1 (a secure origin) with permission granted, a due
// reminder is a system notification, shown through the service worker
// with Done and Snooze buttons, and marked seen so it is not shown again.
func TestBrowserReminderNotification(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	ctx := browsertest.New(t)
	require.NoError(t, chromedp.Run(ctx, browser.SetPermission(&browser.PermissionDescriptor{Name: "notifications"}, browser.PermissionSettingGranted).WithOrigin(s.WebURL)))
	be := signedInPage(t, ctx, s, "notify@example.com")
	var ready bool
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`navigator.serviceWorker.ready.then(() => true)`, &ready, awaitPromise)))
	require.True(t, ready, "the service worker is active")

	remindSoon(t, be, "Stretch")
	var shown []map[string]any
	require.Eventually(t, func() bool {
		err := chromedp.Run(ctx, chromedp.Evaluate(`navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n => ({title: n.title, body: n.body, actions: n.actions.map(a => a.title)})))`, &shown, awaitPromise))
		return err == nil && len(shown) == 1
	}, 20*time.Second, 200*time.Millisecond, "the notification appears")
	assert.Equal(t, "⏰ Stretch", shown[0]["title"])
	assert.Contains(t, shown[0]["body"], "Due")
	var most int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`Notification.maxActions`, &most)))
	assert.Equal(t, []any{"Done", "Snooze 10 min", "Snooze 1 hour"}[:min(3, most)], shown[0]["actions"], "as many buttons as the browser shows (%d)", most)
	var banners int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll(".reminder-banner").length`, &banners)))
	assert.Zero(t, banners, "a system notification, not a banner too")
	require.Eventually(t, func() bool {
		l, err := be.Notifications(context.Background(), -1)
		return err == nil && len(l.Notifications) == 0
	}, 10*time.Second, 100*time.Millisecond, "marked seen: not shown again")
}

// Where the page may not show system notifications — no permission here,
// which is also the case of a plain http node address (not a secure
// origin: the page does not even ask) — the reminder is a banner in the
// page with the same buttons, and Done completes the task.
func TestBrowserReminderBanner(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	ctx := browsertest.New(t)
	require.NoError(t, chromedp.Run(ctx, browser.SetPermission(&browser.PermissionDescriptor{Name: "notifications"}, browser.PermissionSettingDenied).WithOrigin(s.WebURL)))
	be := signedInPage(t, ctx, s, "banner@example.com")
	task := remindSoon(t, be, "Call the bank")
	var text string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.WaitVisible(".reminder-banner", chromedp.ByQuery),
		chromedp.Text(".reminder-banner", &text, chromedp.ByQuery),
	))
	assert.Contains(t, text, "⏰ Call the bank — Due")
	for _, b := range []string{"Done", "Snooze 10 min", "Snooze 1 hour", "Dismiss"} {
		assert.Contains(t, text, b)
	}
	browsertest.CheckA11y(t, ctx, "reminder banner")
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`//div[contains(@class,"reminder-banner")]//button[text()="Done"]`, chromedp.BySearch),
		chromedp.WaitNotPresent(".reminder-banner", chromedp.ByQuery),
	))
	got, err := be.GetTask(context.Background(), task.ID)
	require.NoError(t, err)
	assert.True(t, got.Completed, "Done completed the task")
	l, err := be.Notifications(context.Background(), -1)
	require.NoError(t, err)
	assert.Empty(t, l.Notifications, "and the reminder is seen")

	// What fired while no page was open is shown once when one opens.
	snoozeMe := remindSoon(t, be, "Water the plants")
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate("about:blank")))
	require.Eventually(t, func() bool {
		l, err := be.Notifications(context.Background(), -1)
		return err == nil && len(l.Notifications) == 1
	}, 20*time.Second, 200*time.Millisecond)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.WebURL+"/tasks"),
		chromedp.WaitVisible(".reminder-banner", chromedp.ByQuery),
		chromedp.Text(".reminder-banner", &text, chromedp.ByQuery),
	))
	assert.True(t, strings.HasPrefix(text, "⏰ Water the plants"), text)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Click(`//div[contains(@class,"reminder-banner")]//button[text()="Snooze 10 min"]`, chromedp.BySearch),
		chromedp.WaitNotPresent(".reminder-banner", chromedp.ByQuery),
	))
	got, err = be.GetTask(context.Background(), snoozeMe.ID)
	require.NoError(t, err)
	require.Len(t, got.Reminders, 1)
	assert.WithinDuration(t, time.Now().Add(10*time.Minute), *got.Reminders[0].FireAt, 30*time.Second, "snoozed ten minutes")

	// Settings → "Show reminders in this browser" off: the page no longer
	// listens, and the reminder waits, unseen, for a browser that does.
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.WebURL+"/settings"),
		chromedp.WaitEnabled("#reminders-here", chromedp.ByQuery),
		chromedp.Click("#reminders-here", chromedp.ByQuery),
		chromedp.WaitReady("#prefs-h", chromedp.ByQuery),
		chromedp.Navigate(s.WebURL+"/tasks"),
		chromedp.WaitVisible("#quick", chromedp.ByQuery),
	))
	remindSoon(t, be, "Quiet one")
	require.Eventually(t, func() bool {
		l, err := be.Notifications(context.Background(), -1)
		return err == nil && len(l.Notifications) == 1
	}, 20*time.Second, 200*time.Millisecond, "it fired")
	time.Sleep(2 * time.Second) // ten polls of a stream that would be open
	var banners int
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll(".reminder-banner").length`, &banners)))
	assert.Zero(t, banners, "not shown in this browser")
	l, err = be.Notifications(context.Background(), -1)
	require.NoError(t, err)
	assert.Len(t, l.Notifications, 1, "still unseen, for another browser")
}

// The sticky zone (issue 29) in a real browser set to Europe/Berlin by
// Chromium's time-zone override: Settings → America/New_York → Save →
// "Automatic" → Save gives Berlin back, in Settings after reloads; the
// page script keeps the tz cookie the browser's own all along; and when
// the browser's zone changes (travel), the next page opened moves the
// person's zone with it.
func TestBrowserChosenZoneStays(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	ctx := browsertest.New(t)
	require.NoError(t, chromedp.Run(ctx, emulation.SetTimezoneOverride("Europe/Berlin")))
	signedInPage(t, ctx, s, "zone@example.com")
	tzCookie := func() string {
		var c string
		require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(`decodeURIComponent((document.cookie.split("; ").find(c => c.startsWith("tz=")) || "").slice(3))`, &c)))
		return c
	}
	settingsSay := func() string {
		var help string
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(s.WebURL+"/settings"),
			chromedp.Text("#time_zone-help", &help, chromedp.ByQuery)))
		return help
	}
	assert.Equal(t, "Europe/Berlin", tzCookie(), "the browser's zone")
	// choose saves a zone in Settings ("": Automatic) and opens a page.
	choose := func(zone string) {
		t.Helper()
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(s.WebURL+"/settings"),
			chromedp.WaitVisible("#time_zone", chromedp.ByQuery),
			chromedp.SetValue("#time_zone", zone, chromedp.ByQuery),
			chromedp.Submit("#time_zone", chromedp.ByQuery),
			chromedp.WaitVisible(".flash", chromedp.ByQuery),
			chromedp.Navigate(s.WebURL+"/tasks"),
			chromedp.WaitVisible("#quick", chromedp.ByQuery),
		))
	}
	choose("America/New_York")
	assert.Contains(t, settingsSay(), "Now: America/New_York (chosen in Settings")
	assert.Equal(t, "Europe/Berlin", tzCookie(), "the tz cookie stays the browser's")
	choose("")
	assert.Contains(t, settingsSay(), "Now: Europe/Berlin (from your browser", "automatic: the browser's again")
	assert.Contains(t, settingsSay(), "Now: Europe/Berlin (from your browser", "after a reload too")

	// Travel: the browser is in Tokyo now. The first page tells the
	// script, the next tells the server.
	require.NoError(t, chromedp.Run(ctx, emulation.SetTimezoneOverride("Asia/Tokyo"),
		chromedp.Navigate(s.WebURL+"/tasks"), chromedp.WaitVisible("#quick", chromedp.ByQuery)))
	assert.Equal(t, "Asia/Tokyo", tzCookie())
	assert.Contains(t, settingsSay(), "Now: Asia/Tokyo (from your browser")
}
