package ui_test

import (
	"context"
	"fmt"
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
	"github.com/todo-app/todo-app/pkg/testkit/browsertest"
)

// point is a spot on the page, in the viewport's pixels.
type point struct{ X, Y float64 }

// at is where the expression (of r, the element's rectangle) puts the
// pointer on the element the selector finds, the page scrolled to its top
// (the window is tall enough for the whole page: nothing under the
// sticky header).
func at(t *testing.T, ctx context.Context, selector, expr string) point {
	t.Helper()
	var p point
	require.NoError(t, chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(function(){
		window.scrollTo(0, 0); var r = document.querySelector(%q).getBoundingClientRect();
		return (function(r){ return %s })(r); })()`, selector, expr), &p)), selector)
	return p
}

// dragPointer drags with the mouse as a person does: press, move in
// steps (each a pointermove), release. No call to the move endpoint.
func dragPointer(from, to point) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := input.DispatchMouseEvent(input.MouseMoved, from.X, from.Y).Do(ctx); err != nil {
			return err
		}
		if err := input.DispatchMouseEvent(input.MousePressed, from.X, from.Y).WithButton(input.Left).WithButtons(1).WithClickCount(1).Do(ctx); err != nil {
			return err
		}
		const steps = 12
		for i := 1; i <= steps; i++ {
			x := from.X + (to.X-from.X)*float64(i)/steps
			y := from.Y + (to.Y-from.Y)*float64(i)/steps
			if err := input.DispatchMouseEvent(input.MouseMoved, x, y).WithButton(input.Left).WithButtons(1).Do(ctx); err != nil {
				return err
			}
			time.Sleep(15 * time.Millisecond)
		}
		return input.DispatchMouseEvent(input.MouseReleased, to.X, to.Y).WithButton(input.Left).WithClickCount(1).Do(ctx)
	})
}

// waitText waits for the page to say s, across the navigation the move
// starts (a poll alone fails when its page goes away).
func waitText(s string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var ok bool
			err := chromedp.Evaluate(fmt.Sprintf(`document.readyState === "complete" && document.body.innerText.includes(%q)`, s), &ok).Do(ctx)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				var body string
				_ = chromedp.Evaluate(`document.body.innerText`, &body).Do(ctx)
				return fmt.Errorf("the page never said %q (last error: %v); it says: %s", s, err, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

func TestBrowserProjectDragAndKeyboard(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	apiClientSignUp(t, s.Backend.URL, "drag@example.com", "Dana")
	f := newProjectFixture(t, s.Backend.URL, "drag@example.com")
	ctx := context.Background()
	dust, err := f.be.CreateTask(ctx, api.TaskInput{Title: "Dust shelves", ProjectID: &f.home.ID})
	require.NoError(t, err)
	top := func() []string {
		tree, err := f.be.ProjectTree(ctx, f.home.ID, "")
		require.NoError(t, err)
		var out []string
		for _, task := range tree.Tasks {
			out = append(out, task.Title)
		}
		return out
	}
	require.Equal(t, []string{"Clean the house", "Dust shelves"}, top())

	b := browsertest.New(t)
	require.NoError(t, chromedp.Run(b, emulation.SetDeviceMetricsOverride(1280, 1600, 1, false)))
	home := fmt.Sprintf("%s/projects/%d", s.WebURL, f.home.ID)
	require.NoError(t, chromedp.Run(b, signIn(home, "drag@example.com", "ul.tree")))
	browsertest.CheckA11y(t, b, "a project's page")
	browsertest.Screenshot(t, b, "project-light")
	row := func(id int64) string { return fmt.Sprintf("#task-%d", id) }
	grip := func(id int64) point {
		return at(t, b, row(id)+" > .grip", "{X: r.left + r.width/2, Y: r.top + r.height/2}")
	}

	// Drag "Mow the lawn" onto the middle of "Rake leaves": a subtask.
	require.NoError(t, chromedp.Run(b,
		dragPointer(grip(f.mow.ID), at(t, b, row(f.rake.ID)+" > .body", "{X: r.left + 40, Y: r.top + r.height/2}")),
		waitText("Moved “Mow the lawn” under “Rake leaves”."),
	))
	mow := f.task(t, f.mow.ID)
	require.NotNil(t, mow.ParentID, "dropped on a task: nested under it")
	assert.Equal(t, f.rake.ID, *mow.ParentID)

	// Drag "Dust shelves" onto the gap above "Clean the house": first.
	require.NoError(t, chromedp.Run(b,
		chromedp.WaitVisible(row(dust.ID)+" > .grip", chromedp.ByQuery),
		dragPointer(grip(dust.ID), at(t, b, row(f.parent.ID), "{X: r.left + 80, Y: r.top + 3}")),
		waitText("Moved “Dust shelves” before “Clean the house”."),
	))
	assert.Equal(t, []string{"Dust shelves", "Clean the house"}, top(), "dropped on a gap: reordered")
	assert.Nil(t, f.task(t, dust.ID).ParentID, "not nested")

	// The keyboard: open the row's Move menu, Enter on "Move down"; the
	// status region says it after the page reloads, focus on the row.
	var focused string
	require.NoError(t, chromedp.Run(b,
		chromedp.Click(row(dust.ID)+" > .row-tools > summary", chromedp.ByQuery),
		chromedp.WaitVisible(row(dust.ID)+` button[value^="down:"]`, chromedp.ByQuery),
		chromedp.Focus(row(dust.ID)+` button[value^="down:"]`, chromedp.ByQuery),
		press("Enter", "Enter", 13, "\r"),
		waitText("Moved “Dust shelves” down."),
		chromedp.Text(`.flash[role="status"]`, &focused, chromedp.ByQuery),
	))
	assert.Contains(t, focused, "Moved “Dust shelves” down.", "announced in a status region")
	assert.Equal(t, []string{"Clean the house", "Dust shelves"}, top(), "moved down on the server")
	require.NoError(t, chromedp.Run(b, chromedp.Poll(fmt.Sprintf(`document.activeElement.id === "task-%d"`, dust.ID), nil, chromedp.WithPollingTimeout(5*time.Second))))
	// A status box present when the page loads is not read by most screen
	// readers: the live region says it again after the reload.
	require.NoError(t, chromedp.Run(b, chromedp.Poll(`document.getElementById("live").textContent.indexOf("Moved “Dust shelves” down.") >= 0`, nil, chromedp.WithPollingTimeout(5*time.Second))),
		"announced in the live region")

	// Drag "Dust shelves" onto the Garden section's heading: last in it.
	require.NoError(t, chromedp.Run(b,
		dragPointer(grip(dust.ID), at(t, b, fmt.Sprintf("#section-%d", f.garden.ID), "{X: r.left + 20, Y: r.top + r.height/2}")),
		waitText("Moved “Dust shelves” to “Home › Garden”."),
	))
	moved := f.task(t, dust.ID)
	require.NotNil(t, moved.SectionID, "dropped on a section: in it")
	assert.Equal(t, f.garden.ID, *moved.SectionID)
	assert.Equal(t, []string{"Rake leaves", "Dust shelves"}, f.section(t, f.home.ID, f.garden.ID))

	// Drag "Rake leaves" (with its subtask) onto the Inbox in the sidebar.
	require.NoError(t, chromedp.Run(b,
		dragPointer(grip(f.rake.ID), at(t, b, fmt.Sprintf(`#sidebar a[data-drop="project:%d"]`, f.inbox.ID), "{X: r.left + r.width/2, Y: r.top + r.height/2}")),
		waitText("Moved “Rake leaves” to “"+f.inbox.Name+"”."),
	))
	assert.Equal(t, f.inbox.ID, f.task(t, f.rake.ID).ProjectID, "dropped on a project: moved there")
	assert.Equal(t, f.inbox.ID, f.task(t, f.mow.ID).ProjectID, "its subtask with it")
	browsertest.CheckA11y(t, b, "a project's page after moves")
}

// On a 390 px phone the Menu button opens the sidebar with every
// destination in it, in view at once: no sideways scrolling.
func TestBrowserPhoneSidebar(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t, pg, builder)
	apiClientSignUp(t, s.Backend.URL, "menu@example.com", "Mo")
	newProjectFixture(t, s.Backend.URL, "menu@example.com")
	b := browsertest.New(t)
	require.NoError(t, chromedp.Run(b,
		emulation.SetDeviceMetricsOverride(390, 844, 2, true),
		emulation.SetTouchEmulationEnabled(true),
		signIn(s.WebURL+"/signin?next=/today", "menu@example.com", ".menu-button"),
	))
	var shown bool
	require.NoError(t, chromedp.Run(b, chromedp.Evaluate(`document.getElementById("sidebar").offsetParent !== null`, &shown)))
	assert.False(t, shown, "closed until asked: the first screen is tasks")
	require.NoError(t, chromedp.Run(b,
		chromedp.Click(".menu-button", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("sidebar").offsetParent !== null`, nil, chromedp.WithPollingTimeout(5*time.Second)),
	), "the Menu button opens the sidebar")
	var links []struct {
		Text                     string
		Left, Right, Top, Bottom float64
	}
	var overflow bool
	require.NoError(t, chromedp.Run(b,
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#sidebar a")).map(a => { var r = a.getBoundingClientRect(); return {Text: a.innerText.replace(/\s+/g, " ").trim(), Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom} })`, &links),
		chromedp.Evaluate(`document.documentElement.scrollWidth > 390`, &overflow),
	))
	var names []string
	for _, l := range links {
		names = append(names, l.Text)
		assert.GreaterOrEqual(t, l.Left, 0.0, l.Text)
		assert.LessOrEqual(t, l.Right, 390.0, "%s: within the phone's width", l.Text)
		assert.Greater(t, l.Bottom-l.Top, 0.0, "%s: shown", l.Text)
		assert.LessOrEqual(t, l.Bottom, 844.0, "%s: on the first screen", l.Text)
	}
	assert.Regexp(t, `^Inbox\|Today\|Upcoming\|Home 4 open\|Dashboard\|All tasks\|Calendar\|Assistant\|Settings$`, strings.Join(names, "|"))
	assert.False(t, overflow, "no sideways scrolling")
	browsertest.CheckA11y(t, b, "the phone's open menu")
	browsertest.Screenshot(t, b, "menu-phone")
}
