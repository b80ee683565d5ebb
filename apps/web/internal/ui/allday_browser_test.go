package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/web/internal/webtest"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
)

// Issue 29 in two browsers at once (two Chromiums, each with its own
// profile and cookies and Chromium's time-zone override; a second browser
// context of one Chromium cannot open a tab headless): one in
// New York, one in Tokyo, signed in as the same person on Automatic — the
// case the issue found, a person whose zone moves with the browser in
// use. (Two people could not see one task; with a zone chosen in Settings
// both pages would be in that zone and the browsers' zones would not
// matter.) An all-day task added in New York through the form shows the
// same date, alone, in both: on the list, the task's page and the
// calendar — in New York also while the backend already holds Tokyo, the
// zone of the most recent sign-in (the minute before New York asks
// again). A task with a time shows its time in each zone. A reminder
// banner gives the all-day task's date alone.
func TestBrowserAllDayDateInTwoZones(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	newYork := browsertest.New(t)
	require.NoError(t, chromedp.Run(newYork,
		emulation.SetTimezoneOverride("America/New_York"),
		browser.SetPermission(&browser.PermissionDescriptor{Name: "notifications"}, browser.PermissionSettingDenied).WithOrigin(s.WebURL)))
	tokyo := browsertest.New(t)
	require.NoError(t, chromedp.Run(tokyo, emulation.SetTimezoneOverride("Asia/Tokyo")))

	be := signedInPage(t, newYork, s, "two-zones@example.com")
	ny := zone(t, "America/New_York")
	day := dates.DateOf(time.Now(), time.UTC).AddDays(3)
	add := func(title, clock string) {
		t.Helper()
		actions := []chromedp.Action{
			chromedp.Navigate(s.WebURL + "/tasks/new"),
			chromedp.WaitVisible("#title", chromedp.ByQuery),
			chromedp.SendKeys("#title", title, chromedp.ByQuery),
			chromedp.SetValue("#due_date", day.String(), chromedp.ByQuery),
		}
		if clock != "" {
			actions = append(actions, chromedp.SetValue("#due_time", clock, chromedp.ByQuery))
		}
		actions = append(actions,
			chromedp.Click(`.task-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(fmt.Sprintf(`li.task[data-title=%q]`, title), chromedp.ByQuery))
		require.NoError(t, chromedp.Run(newYork, actions...))
	}
	add("Pay phone bill", "")
	add("Call Ana", "09:00")
	bill := taskByTitle(t, be, "Pay phone bill")
	require.NotNil(t, bill.DueDate, "the form sent the date alone")
	assert.Equal(t, day, *bill.DueDate)
	call := taskByTitle(t, be, "Call Ana")
	require.NotNil(t, call.DueAt)
	assert.Equal(t, day.At(9, 0, 0, ny).UTC(), call.DueAt.UTC())

	require.NoError(t, chromedp.Run(tokyo,
		signIn(s.WebURL+"/signin?next=/tasks", "two-zones@example.com", `li.task[data-title="Pay phone bill"]`)))
	me, err := be.Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Asia/Tokyo", me.TimeZone, "the most recent browser's zone")

	// see reads the three pages in ctx, a browser in loc.
	see := func(ctx context.Context, loc *time.Location) {
		t.Helper()
		where := loc.String()
		var billDue, billISO, callDue, date, clock, cell string
		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(s.WebURL+"/tasks"),
			chromedp.WaitVisible(`li.task[data-title="Call Ana"]`, chromedp.ByQuery),
			chromedp.Text(`li.task[data-title="Pay phone bill"] .due time`, &billDue, chromedp.ByQuery),
			chromedp.AttributeValue(`li.task[data-title="Pay phone bill"] .due time`, "datetime", &billISO, nil, chromedp.ByQuery),
			chromedp.Text(`li.task[data-title="Call Ana"] .due time`, &callDue, chromedp.ByQuery),
		))
		assert.Equal(t, dateLabel(day), billDue, "%s: the list shows the date alone", where)
		assert.Equal(t, day.String(), billISO, where)
		assert.Equal(t, call.DueAt.In(loc).Format("Mon 2 Jan 2006, 15:04"), callDue, "%s: a time, in this zone", where)

		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(fmt.Sprintf("%s/tasks/%d/edit", s.WebURL, bill.ID)),
			chromedp.WaitVisible("#due_date", chromedp.ByQuery),
			chromedp.Value("#due_date", &date, chromedp.ByQuery),
			chromedp.Value("#due_time", &clock, chromedp.ByQuery),
		))
		assert.Equal(t, day.String(), date, "%s: the task's page", where)
		assert.Empty(t, clock, "%s: no time on the task's page", where)

		require.NoError(t, chromedp.Run(ctx,
			chromedp.Navigate(s.WebURL+"/calendar?month="+url.QueryEscape(day.StartIn(time.UTC).Format("2006-01"))),
			chromedp.WaitVisible(".calendar", chromedp.ByQuery),
			chromedp.Text(fmt.Sprintf(`td[data-date="%s"]`, day), &cell, chromedp.ByQuery),
		))
		assert.Contains(t, cell, "Pay phone bill", "%s: the calendar shows it on its date", where)
	}
	see(tokyo, zone(t, "Asia/Tokyo"))
	see(newYork, ny)

	// A reminder on the all-day task, now: the banner in New York gives
	// its date alone, as this browser writes dates.
	at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	_, err = be.PatchTask(context.Background(), bill.ID, api.TaskPatch{Reminders: &[]api.ReminderInput{{At: &at}}})
	require.NoError(t, err)
	var banner, want string
	require.NoError(t, chromedp.Run(newYork,
		chromedp.Navigate(s.WebURL+"/tasks"),
		chromedp.WaitVisible(".reminder-banner p", chromedp.ByQuery),
		chromedp.Text(".reminder-banner p", &banner, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`new Date(%d, %d, %d).toLocaleDateString(undefined, {weekday: "short", day: "numeric", month: "short"})`,
			day.Year(), int(day.Month())-1, day.Day()), &want),
	))
	assert.Equal(t, "⏰ Pay phone bill — Due "+want, banner, "the date alone, not the end of the day on a clock")
}
