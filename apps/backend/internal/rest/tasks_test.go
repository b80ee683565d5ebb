package rest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
)

func ptr[T any](v T) *T { return &v }

func TestTaskLifecycle(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, _ := b.SignUp(t, "life@example.com")
	ctx := context.Background()

	created, err := c.CreateTask(ctx, api.TaskInput{
		Title: "  Buy groceries  ", Description: "milk, eggs", DueAt: ptr("2030-01-02T15:04:05+02:00"),
		Priority: "high", Tags: []string{"Home", "errands", "home"},
	})
	require.NoError(t, err)
	assert.Equal(t, "Buy groceries", created.Title, "title trimmed")
	assert.Equal(t, "high", created.Priority)
	assert.Equal(t, []string{"errands", "Home"}, created.Tags, "deduplicated ignoring case, sorted")
	require.NotNil(t, created.DueAt)
	assert.Equal(t, time.Date(2030, 1, 2, 13, 4, 5, 0, time.UTC), *created.DueAt, "stored in UTC")
	assert.Equal(t, "none", created.Recurrence)
	assert.Equal(t, 1, created.RecurrenceInterval)
	assert.False(t, created.Completed)

	got, err := c.GetTask(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, created.ID, got.ID)
	assert.Equal(t, created.Tags, got.Tags)

	// PATCH changes only what is present; due_at null clears it.
	patched, err := c.PatchTask(ctx, created.ID, api.TaskPatch{Title: ptr("Buy food"), DueAt: api.Null[string]()})
	require.NoError(t, err)
	assert.Equal(t, "Buy food", patched.Title)
	assert.Nil(t, patched.DueAt)
	assert.Equal(t, "milk, eggs", patched.Description)
	assert.Equal(t, []string{"errands", "Home"}, patched.Tags)
	assert.True(t, !patched.UpdatedAt.Before(created.UpdatedAt))

	// PUT replaces every editable field.
	replaced, err := c.ReplaceTask(ctx, created.ID, api.TaskInput{Title: "Replaced", Tags: []string{"new"}})
	require.NoError(t, err)
	assert.Equal(t, "Replaced", replaced.Title)
	assert.Equal(t, "", replaced.Description)
	assert.Equal(t, "medium", replaced.Priority)
	assert.Equal(t, []string{"new"}, replaced.Tags)

	// Toggle twice, then set explicitly.
	res, err := c.CompleteTask(ctx, created.ID, nil)
	require.NoError(t, err)
	assert.True(t, res.Task.Completed)
	assert.NotNil(t, res.Task.CompletedAt)
	assert.Nil(t, res.Next)
	res, err = c.CompleteTask(ctx, created.ID, nil)
	require.NoError(t, err)
	assert.False(t, res.Task.Completed)
	assert.Nil(t, res.Task.CompletedAt)
	res, err = c.CompleteTask(ctx, created.ID, ptr(true))
	require.NoError(t, err)
	assert.True(t, res.Task.Completed)
	res, err = c.CompleteTask(ctx, created.ID, ptr(true))
	require.NoError(t, err)
	assert.True(t, res.Task.Completed, "setting true twice keeps it completed")

	require.NoError(t, c.DeleteTask(ctx, created.ID))
	_, err = c.GetTask(ctx, created.ID)
	assert.True(t, apierror.IsNotFound(err))
	assert.True(t, apierror.IsNotFound(c.DeleteTask(ctx, created.ID)))
}

func TestCompletingRecurringTaskCreatesNextOccurrence(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, _ := b.SignUp(t, "recur@example.com")
	ctx := context.Background()
	due := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Second)
	task, err := c.CreateTask(ctx, api.TaskInput{Title: "Water plants", DueAt: ptr(due.Format(time.RFC3339)), Recurrence: "weekly", RecurrenceInterval: 2, Tags: []string{"garden"}, Priority: "low"})
	require.NoError(t, err)

	res, err := c.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	assert.True(t, res.Task.Completed)
	require.NotNil(t, res.Next)
	assert.Equal(t, due.AddDate(0, 0, 14), *res.Next.DueAt)
	assert.Equal(t, "Water plants", res.Next.Title)
	assert.Equal(t, []string{"garden"}, res.Next.Tags)
	assert.Equal(t, "low", res.Next.Priority)
	assert.False(t, res.Next.Completed)
	assert.Equal(t, "weekly", res.Next.Recurrence)

	// Un-completing removes the untouched occurrence (one open copy, not
	// two); completing again, here via PATCH, creates one anew.
	reopened, err := c.CompleteTask(ctx, task.ID, ptr(false))
	require.NoError(t, err)
	require.NotNil(t, reopened.RemovedNextID)
	assert.Equal(t, res.Next.ID, *reopened.RemovedNextID)
	_, err = c.PatchTask(ctx, task.ID, api.TaskPatch{Completed: ptr(true)})
	require.NoError(t, err)
	list, err := c.ListTasks(ctx, api.TaskQuery{Status: "pending"})
	require.NoError(t, err)
	require.Equal(t, 1, list.Total, "one open occurrence")
	assert.NotEqual(t, res.Next.ID, list.Tasks[0].ID, "a new one")
}

func TestListFiltersSortAndPaging(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, _ := b.SignUp(t, "list@example.com")
	ctx := context.Background()
	now := time.Now().UTC()
	mk := func(title, prio string, due *time.Time, tags ...string) api.Task {
		in := api.TaskInput{Title: title, Priority: prio, Tags: tags, Description: "about " + title}
		if due != nil {
			in.DueAt = ptr(due.Format(time.RFC3339))
		}
		task, err := c.CreateTask(ctx, in)
		require.NoError(t, err)
		return task
	}
	yesterday, tomorrow, nextWeek := now.Add(-24*time.Hour), now.Add(24*time.Hour), now.Add(7*24*time.Hour)
	overdue := mk("Pay rent", "high", &yesterday, "home", "money")
	soon := mk("Call mom", "medium", &tomorrow, "family")
	later := mk("Plan trip", "low", &nextWeek, "home")
	nodue := mk("Read a book", "low", nil)
	done := mk("Old chore", "medium", &yesterday, "home")
	_, err := c.CompleteTask(ctx, done.ID, nil)
	require.NoError(t, err)

	ids := func(q api.TaskQuery) []int64 {
		t.Helper()
		l, err := c.ListTasks(ctx, q)
		require.NoError(t, err)
		out := []int64{}
		for _, x := range l.Tasks {
			out = append(out, x.ID)
		}
		return out
	}
	assert.Equal(t, []int64{done.ID, nodue.ID, later.ID, soon.ID, overdue.ID}, ids(api.TaskQuery{}), "default: newest first")
	assert.ElementsMatch(t, []int64{overdue.ID, soon.ID, later.ID, nodue.ID}, ids(api.TaskQuery{Status: "pending"}))
	assert.Equal(t, []int64{done.ID}, ids(api.TaskQuery{Status: "completed"}))
	assert.ElementsMatch(t, []int64{later.ID, nodue.ID}, ids(api.TaskQuery{Priority: "low"}))
	assert.ElementsMatch(t, []int64{overdue.ID, later.ID, done.ID}, ids(api.TaskQuery{Tags: []string{"HOME"}}))
	assert.Equal(t, []int64{overdue.ID}, ids(api.TaskQuery{Tags: []string{"home", "money"}}), "every tag must match")
	assert.Equal(t, []int64{soon.ID}, ids(api.TaskQuery{Q: "MOM"}))
	assert.Equal(t, []int64{later.ID}, ids(api.TaskQuery{Q: "about plan"}), "searches the description")
	assert.Empty(t, ids(api.TaskQuery{Q: "%"}), "LIKE wildcards are literal")
	assert.Equal(t, []int64{overdue.ID}, ids(api.TaskQuery{Overdue: true}))
	hourAgo := now.Add(-time.Hour)
	assert.Equal(t, []int64{done.ID}, ids(api.TaskQuery{CompletedFrom: &hourAgo}), "completed within a range")
	assert.Empty(t, ids(api.TaskQuery{CompletedTo: &hourAgo}))
	from, to := now, now.Add(48*time.Hour)
	assert.Equal(t, []int64{soon.ID}, ids(api.TaskQuery{DueFrom: &from, DueTo: &to}))
	assert.Equal(t, []int64{overdue.ID, done.ID, soon.ID, later.ID, nodue.ID}, ids(api.TaskQuery{Sort: "due"}))
	assert.Equal(t, []int64{soon.ID, done.ID, overdue.ID, later.ID, nodue.ID}, ids(api.TaskQuery{Sort: "title"}))
	assert.Equal(t, []int64{overdue.ID, done.ID, soon.ID}, ids(api.TaskQuery{Sort: "priority"})[:3], "high first, then by due")
	assert.Equal(t, []int64{nodue.ID, later.ID, overdue.ID, done.ID, soon.ID}, ids(api.TaskQuery{Sort: "title", Order: "desc"}))

	page, err := c.ListTasks(ctx, api.TaskQuery{Limit: 2, Sort: "title"})
	require.NoError(t, err)
	assert.Equal(t, 5, page.Total)
	assert.Len(t, page.Tasks, 2)
	require.NotNil(t, page.NextOffset)
	assert.Equal(t, 2, *page.NextOffset)
	last, err := c.ListTasks(ctx, api.TaskQuery{Limit: 2, Offset: 4, Sort: "title"})
	require.NoError(t, err)
	assert.Len(t, last.Tasks, 1)
	assert.Nil(t, last.NextOffset)
	assert.Equal(t, 5, last.Total, "a last page's total (not counted again: offset + rows)")
	past, err := c.ListTasks(ctx, api.TaskQuery{Limit: 2, Offset: 9, Sort: "title"})
	require.NoError(t, err)
	assert.Empty(t, past.Tasks)
	assert.Equal(t, 5, past.Total, "past the end: counted")
	few, err := c.ListTasks(ctx, api.TaskQuery{Limit: 50, Status: "pending"})
	require.NoError(t, err)
	assert.Equal(t, len(few.Tasks), few.Total)
	assert.Equal(t, 4, few.Total)
}

func TestListRejectsBadQueries(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "badq@example.com")
	base := b.URL + "/api/" + auth.User.ID + "/tasks?"
	for q, field := range map[string]string{
		"status=done":                           "status",
		"priority=urgent":                       "priority",
		"sort=random":                           "sort",
		"order=up":                              "order",
		"limit=0":                               "limit",
		"limit=101":                             "limit",
		"limit=ten":                             "limit",
		"offset=-1":                             "offset",
		"overdue=maybe":                         "overdue",
		"due_from=tomorrow":                     "due_from",
		"due_to=2026-02-30":                     "due_to",
		"due_from=2026-02-02&due_to=2026-02-01": "due_to",
		"q=" + strings.Repeat("x", 201):         "q",
	} {
		r := call(t, http.MethodGet, base+q, auth.Token, "", "")
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, q)
		assert.Contains(t, r.errFields(), field, q)
	}
	// Said in words a person reads (the web app shows it beside the field).
	r := call(t, http.MethodGet, base+"due_from=2026-02-02&due_to=2026-02-01", auth.Token, "", "")
	assert.Contains(t, r.Raw, "must not be before the “from” date")
}

func TestTaskBadInputIsRejectedAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	_, auth := b.SignUp(t, "bad@example.com")
	tasksURL := b.URL + "/api/" + auth.User.ID + "/tasks"
	cases := []struct {
		name, ctype, body string
		status            int
		code, field       string
	}{
		{"malformed JSON", "application/json", `{"title": "x"`, 400, apierror.CodeMalformedJSON, ""},
		{"two objects", "application/json", `{"title":"a"}{"title":"b"}`, 400, apierror.CodeMalformedJSON, ""},
		{"array", "application/json", `[1]`, 400, apierror.CodeMalformedJSON, ""},
		{"empty body", "application/json", ``, 400, apierror.CodeBadRequest, ""},
		{"wrong content type", "text/plain", `{"title":"x"}`, 415, apierror.CodeUnsupported, ""},
		{"unknown field", "application/json", `{"title":"x","owner":"me"}`, 422, apierror.CodeValidation, "owner"},
		{"wrong type", "application/json", `{"title":123}`, 422, apierror.CodeValidation, "title"},
		{"tags not a list", "application/json", `{"title":"x","tags":"a,b"}`, 422, apierror.CodeValidation, "tags"},
		{"missing title", "application/json", `{"description":"x"}`, 422, apierror.CodeValidation, "title"},
		{"spaces title", "application/json", `{"title":"   "}`, 422, apierror.CodeValidation, "title"},
		{"long title", "application/json", `{"title":"` + strings.Repeat("é", 201) + `"}`, 422, apierror.CodeValidation, "title"},
		{"long description", "application/json", `{"title":"x","description":"` + strings.Repeat("d", 10001) + `"}`, 422, apierror.CodeValidation, "description"},
		{"invalid date", "application/json", `{"title":"x","due_at":"2026-13-45"}`, 422, apierror.CodeValidation, "due_at"},
		{"date words", "application/json", `{"title":"x","due_at":"tomorrow"}`, 422, apierror.CodeValidation, "due_at"},
		{"bad priority", "application/json", `{"title":"x","priority":"urgent"}`, 422, apierror.CodeValidation, "priority"},
		{"bad recurrence", "application/json", `{"title":"x","recurrence":"hourly"}`, 422, apierror.CodeValidation, "recurrence"},
		{"bad interval", "application/json", `{"title":"x","recurrence":"daily","recurrence_interval":-2}`, 422, apierror.CodeValidation, "recurrence_interval"},
		{"empty tag", "application/json", `{"title":"x","tags":["ok"," "]}`, 422, apierror.CodeValidation, "tags"},
		{"comma tag", "application/json", `{"title":"x","tags":["a,b"]}`, 422, apierror.CodeValidation, "tags"},
		{"too many tags", "application/json", `{"title":"x","tags":[` + strings.TrimSuffix(strings.Repeat(`"t",`, 21), ",") + `]}`, 422, apierror.CodeValidation, "tags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, http.MethodPost, tasksURL, auth.Token, tc.ctype, tc.body)
			assert.Equal(t, tc.status, r.Status, r.Raw)
			assert.Equal(t, tc.code, r.errCode(), r.Raw)
			if tc.field != "" {
				assert.Contains(t, r.errFields(), tc.field)
			}
			assert.NotContains(t, r.Raw, "SQL")
			assert.NotContains(t, r.Raw, "goroutine")
		})
	}
	// Over 1 MiB: the server answers 413 before reading the body. The client
	// waits for "100 Continue" so it reads that answer instead of racing the
	// closed connection with the rest of its upload.
	big := `{"title":"x","description":"` + strings.Repeat("a", 1<<20) + `"}`
	req, err := http.NewRequest(http.MethodPost, tasksURL, strings.NewReader(big))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+auth.Token)
	req.Header.Set("Expect", "100-continue")
	hc := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Contains(t, string(raw), apierror.CodeTooLarge)

	var tasks, tags int
	require.NoError(t, b.App.Store.DB.NewRaw("SELECT count(*) FROM tasks").Scan(context.Background(), &tasks))
	require.NoError(t, b.App.Store.DB.NewRaw("SELECT count(*) FROM tags").Scan(context.Background(), &tags))
	assert.Zero(t, tasks, "no task was written")
	assert.Zero(t, tags, "no tag was written")
}

func TestTaskUpdateFailuresLeaveTaskUnchanged(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, auth := b.SignUp(t, "upd@example.com")
	ctx := context.Background()
	task, err := c.CreateTask(ctx, api.TaskInput{Title: "Keep me", Tags: []string{"a"}})
	require.NoError(t, err)
	url := fmt.Sprintf("%s/api/%s/tasks/%d", b.URL, auth.User.ID, task.ID)
	for _, tc := range []struct{ method, body, field string }{
		{http.MethodPatch, `{"title":" "}`, "title"},
		{http.MethodPatch, `{"due_at":"soon"}`, "due_at"},
		{http.MethodPatch, `{"priority":""}`, "priority"},
		{http.MethodPatch, `{"recurrence":"often"}`, "recurrence"},
		{http.MethodPatch, `{"recurrence_interval":0}`, "recurrence_interval"},
		{http.MethodPatch, `{"tags":["ok",""]}`, "tags"},
		{http.MethodPatch, `{"completed":"yes"}`, "completed"},
		{http.MethodPut, `{"description":"no title"}`, "title"},
	} {
		r := jsonCall(t, tc.method, url, auth.Token, tc.body)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, tc.body)
		assert.Contains(t, r.errFields(), tc.field, tc.body)
	}
	after, err := c.GetTask(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, task.Title, after.Title)
	assert.Equal(t, task.Tags, after.Tags)
	assert.Equal(t, task.UpdatedAt, after.UpdatedAt)

	assert.Equal(t, http.StatusBadRequest, jsonCall(t, http.MethodGet, b.URL+"/api/"+auth.User.ID+"/tasks/abc", auth.Token, "").Status)
	assert.Equal(t, http.StatusNotFound, jsonCall(t, http.MethodPatch, b.URL+"/api/"+auth.User.ID+"/tasks/999999", auth.Token, `{"title":"x"}`).Status)
	assert.Equal(t, http.StatusNotFound, jsonCall(t, http.MethodPatch, b.URL+"/api/"+auth.User.ID+"/tasks/999999/complete", auth.Token, "").Status)
	r := jsonCall(t, http.MethodPatch, url+"/complete", auth.Token, `{"completed":1}`)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
}

func TestTags(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	c, _ := b.SignUp(t, "tags@example.com")
	ctx := context.Background()
	t1, err := c.CreateTask(ctx, api.TaskInput{Title: "one", Tags: []string{"Work", "urgent"}})
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, api.TaskInput{Title: "two", Tags: []string{"work"}})
	require.NoError(t, err)
	_, err = c.CompleteTask(ctx, t1.ID, nil)
	require.NoError(t, err)

	tags, err := c.ListTags(ctx)
	require.NoError(t, err)
	require.Len(t, tags.Tags, 2)
	assert.Equal(t, "urgent", tags.Tags[0].Name)
	assert.Equal(t, 1, tags.Tags[0].TaskCount)
	assert.Equal(t, 0, tags.Tags[0].OpenCount)
	assert.Equal(t, "Work", tags.Tags[1].Name, "first spelling kept")
	assert.Equal(t, 2, tags.Tags[1].TaskCount)
	assert.Equal(t, 1, tags.Tags[1].OpenCount)

	require.NoError(t, c.DeleteTag(ctx, tags.Tags[1].ID))
	got, err := c.GetTask(ctx, t1.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"urgent"}, got.Tags)
	assert.True(t, apierror.IsNotFound(c.DeleteTag(ctx, tags.Tags[1].ID)))
}
