package openapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/openapi"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) {
	// The reference page is HTML and the calendar feed iCalendar; the
	// validator reads them as text (the feed's own test parses it).
	asText := func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	}
	openapi3filter.RegisterBodyDecoder("text/html", asText)
	openapi3filter.RegisterBodyDecoder("text/calendar", asText)
	pgtest.Main(m, &pg)
}

// Every /api route the backend serves is in the route table, every row of
// the table is served, and the document holds exactly the published rows:
// adding a route without describing it (or the reverse) fails here. An
// unpublished row is still a row, so the authorization matrix covers it.
func TestEveryRouteIsInTheDocument(t *testing.T) {
	t.Parallel()
	b := testenv.Start(t, pg)
	served := map[string]bool{}
	for _, r := range b.App.Server.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/") || r.Method == http.MethodHead {
			continue
		}
		path := r.Path
		for _, p := range r.Params {
			path = strings.Replace(path, ":"+p, "{"+p+"}", 1)
		}
		served[r.Method+" "+path] = true
	}
	table, published := map[string]bool{}, map[string]bool{}
	for _, r := range openapi.Routes {
		table[r.Method+" "+r.Path] = true
		published[r.Method+" "+r.Path] = !r.Unpublished
	}
	for op := range served {
		assert.True(t, table[op], "%s is served but not in the route table (internal/openapi/routes.go)", op)
	}
	for op := range table {
		assert.True(t, served[op], "%s is in the route table but not served", op)
	}
	doc, err := openapi.Build()
	require.NoError(t, err)
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	for op, pub := range published {
		assert.Equal(t, pub, described[op], "%s: in the OpenAPI document exactly when its row is not Unpublished", op)
	}
	for op := range described {
		assert.True(t, table[op], "%s is in the OpenAPI document but not in the route table", op)
	}
}

// validating checks every request the typed client sends and every answer
// it gets against the document, with kin-openapi's openapi3filter, and
// records which operations it saw.
type validating struct {
	t      *testing.T
	router routers.Router
	next   http.RoundTripper
	mu     sync.Mutex
	seen   map[string]bool
}

func (v *validating) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		v.t.Errorf("%s %s: no operation in the document: %v", req.Method, req.URL.Path, err)
		return v.next.RoundTrip(req)
	}
	opts := validationOptions()
	in := &openapi3filter.RequestValidationInput{Request: req.Clone(req.Context()), PathParams: params, Route: route, Options: opts}
	in.Request.Body = io.NopCloser(bytes.NewReader(body))
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		v.t.Errorf("%s %s: the request does not match the document: %v", req.Method, req.URL.Path, err)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	respBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		v.t.Errorf("%s %s → %d: the answer does not match the document: %v\n%s", req.Method, req.URL.Path, resp.StatusCode, err, respBody)
	}
	v.mu.Lock()
	v.seen[route.Operation.OperationID+" "+fmt.Sprint(resp.StatusCode)] = true
	v.seen[route.Operation.OperationID] = true
	v.mu.Unlock()
	return resp, nil
}

// validationOptions are the validator's: every error at once, and the
// formats the document uses checked. kin-openapi checks date, date-time
// and int32/int64 by itself, but leaves uuid an annotation unless a
// validator is registered for it: without this, a calendar token sent as
// a "uuid" passed.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562)),
		}}
}

// The validator the contract tests use refuses what the document forbids
// in path and query: a user id that is not a UUID, a task id that is not
// a positive integer, a calendar token of the wrong form, a limit or a
// number of days out of range; and accepts the real forms.
func TestValidatorRefusesWrongFormats(t *testing.T) {
	doc, err := openapi.Build()
	require.NoError(t, err)
	doc.Servers = openapi3.Servers{{URL: "http://backend"}}
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	validate := func(target string) error {
		req, err := http.NewRequest(http.MethodGet, "http://backend"+target, nil)
		require.NoError(t, err)
		route, params, err := router.FindRoute(req)
		require.NoError(t, err, target)
		return openapi3filter.ValidateRequest(context.Background(),
			&openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: validationOptions()})
	}
	user := "9d1c8f74-4e5b-41f9-a2f5-6b1f0b6dbb9e"
	token := "q7Fz0_-xY3kLmN9pQrS2tUvW4yZaBcDeFgHiJkLmN0o"
	require.Len(t, token, api.CalendarTokenLength)
	for _, ok := range []string{"/api/" + user + "/tasks", "/api/" + user + "/tasks/7", "/api/" + user + "/tasks?limit=100&offset=0",
		"/api/" + user + "/agenda?days=31", "/api/calendar/" + token, "/api/calendar/" + token + ".ics"} {
		assert.NoError(t, validate(ok), ok)
	}
	for target, want := range map[string]string{
		"/api/not-a-uuid/tasks":                    "uuid",
		"/api/" + user + "/tasks/0":                "number must be at least 1",
		"/api/" + user + "/tasks?limit=0":          "number must be at least 1",
		"/api/" + user + "/tasks?limit=101":        "number must be at most 100",
		"/api/" + user + "/tasks?offset=-1":        "number must be at least 0",
		"/api/" + user + "/agenda?days=32":         "number must be at most 31",
		"/api/" + user + "/notifications?after=-1": "number must be at least 0",
		"/api/calendar/" + user:                    "doesn't match the regular expression",
		"/api/calendar/" + token[1:] + ".ics":      "doesn't match the regular expression",
		"/api/calendar/" + token + ".ical":         "doesn't match the regular expression",
	} {
		err := validate(target)
		if assert.Error(t, err, target) {
			assert.Contains(t, err.Error(), want, target)
		}
	}
}

func validatingClient(t *testing.T, baseURL string) (*client.Client, *validating) {
	doc, err := openapi.Build()
	require.NoError(t, err)
	doc.Servers = openapi3.Servers{{URL: baseURL}}
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	v := &validating{t: t, router: router, next: http.DefaultTransport, seen: map[string]bool{}}
	return client.New(baseURL, &http.Client{Transport: v, Timeout: 10 * time.Second}), v
}

// A real backend's requests and answers, successes and errors, for every
// operation of the document, match it.
func TestAnswersMatchTheDocument(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	anon, v := validatingClient(t, b.URL)

	_, err := anon.SignUp(ctx, api.SignUpRequest{Email: "bad", Password: "x"})
	requireStatus(t, err, http.StatusUnprocessableEntity)
	_, err = anon.SignUp(ctx, api.SignUpRequest{Email: "ada@example.com", Password: "correct horse battery", Name: "Ada", TimeZone: "Europe/Berlin"})
	require.NoError(t, err)
	_, err = anon.SignIn(ctx, api.SignInRequest{Email: "ada@example.com", Password: "wrong password!"})
	requireStatus(t, err, http.StatusUnauthorized)
	auth, err := anon.SignIn(ctx, api.SignInRequest{Email: "ada@example.com", Password: "correct horse battery"})
	require.NoError(t, err)
	c := anon.WithAuth(auth)
	_, err = c.Me(ctx)
	require.NoError(t, err)
	zone := "Europe/Berlin"
	_, err = c.SetPreferences(ctx, api.Preferences{TimeZone: &zone, DefaultReminderMinutes: api.Value(15)})
	require.NoError(t, err)
	_, err = c.SetPreferences(ctx, api.Preferences{DefaultReminderMinutes: api.Null[int]()})
	require.NoError(t, err)
	bad := "Mars/Olympus"
	_, err = c.SetPreferences(ctx, api.Preferences{TimeZone: &bad})
	requireStatus(t, err, http.StatusUnprocessableEntity)

	due := "2030-03-01"
	task, err := c.CreateTask(ctx, api.TaskInput{Title: "Write the report", Description: "Q1", DueAt: &due, Priority: "high", Tags: []string{"work"}, Recurrence: "weekly"})
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, api.TaskInput{Title: ""})
	requireStatus(t, err, http.StatusUnprocessableEntity)
	_, err = c.ListTasks(ctx, api.TaskQuery{Status: "pending", Tags: []string{"work"}, Q: "report", Sort: "due", Order: "asc", Limit: 10})
	require.NoError(t, err)
	_, err = c.GetTask(ctx, task.ID)
	require.NoError(t, err)
	_, err = c.GetTask(ctx, task.ID+1000)
	requireStatus(t, err, http.StatusNotFound)
	_, err = c.ReplaceTask(ctx, task.ID, api.TaskInput{Title: "Write the Q1 report", DueAt: &due, Tags: []string{"work", "q1"}, Recurrence: "weekly"})
	require.NoError(t, err)
	title := "Write the final report"
	_, err = c.PatchTask(ctx, task.ID, api.TaskPatch{Title: &title, DueAt: api.Null[string]()})
	require.NoError(t, err)
	_, err = c.PatchTask(ctx, task.ID, api.TaskPatch{DueAt: api.Value(due)})
	require.NoError(t, err)
	done, err := c.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, done.Next, "a weekly task's next occurrence")
	_, err = c.Agenda(ctx, 14, "Europe/Berlin")
	require.NoError(t, err)
	// A request the document allows that the rules refuse (days out of
	// range the document itself forbids now).
	_, err = c.Agenda(ctx, 14, "Mars/Olympus")
	requireStatus(t, err, http.StatusUnprocessableEntity)
	_, err = c.Summary(ctx, "Europe/Berlin")
	require.NoError(t, err)
	_, err = c.Summary(ctx, "Mars/Olympus")
	requireStatus(t, err, http.StatusUnprocessableEntity)
	tags, err := c.ListTags(ctx)
	require.NoError(t, err)
	require.NoError(t, c.DeleteTag(ctx, tags.Tags[0].ID))
	reopened, err := c.CompleteTask(ctx, task.ID, nil)
	require.NoError(t, err)
	require.NotNil(t, reopened.RemovedNextID, "reopening removes the untouched occurrence")
	require.NoError(t, c.DeleteTask(ctx, task.ID))
	_, err = c.RestoreTask(ctx, task.ID)
	require.NoError(t, err)
	_, err = c.RestoreTask(ctx, task.ID)
	requireStatus(t, err, http.StatusNotFound)
	require.NoError(t, c.DeleteTask(ctx, task.ID))

	home, err := c.CreateProject(ctx, api.ProjectInput{Name: "Home", Color: "green"})
	require.NoError(t, err)
	_, err = c.CreateProject(ctx, api.ProjectInput{Name: "   "})
	requireStatus(t, err, http.StatusUnprocessableEntity)
	work, err := c.CreateProject(ctx, api.ProjectInput{Name: "Work"})
	require.NoError(t, err)
	_, err = c.ListProjects(ctx, true)
	require.NoError(t, err)
	_, err = c.GetProject(ctx, home.ID)
	require.NoError(t, err)
	_, err = c.GetProject(ctx, home.ID+1000)
	requireStatus(t, err, http.StatusNotFound)
	archived := true
	_, err = c.PatchProject(ctx, work.ID, api.ProjectPatch{Archived: &archived})
	require.NoError(t, err)
	_, err = c.MoveProject(ctx, work.ID, api.Reorder{BeforeID: &home.ID})
	require.NoError(t, err)
	garden, err := c.CreateSection(ctx, home.ID, api.SectionInput{Name: "Garden"})
	require.NoError(t, err)
	hall, err := c.CreateSection(ctx, home.ID, api.SectionInput{Name: "Hall"})
	require.NoError(t, err)
	_, err = c.RenameSection(ctx, garden.ID, api.SectionInput{Name: "Garden and shed"})
	require.NoError(t, err)
	_, err = c.MoveSection(ctx, hall.ID, api.Reorder{BeforeID: &garden.ID})
	require.NoError(t, err)
	mow, err := c.CreateTask(ctx, api.TaskInput{Title: "Mow", ProjectID: &home.ID, SectionID: &garden.ID})
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, api.TaskInput{Title: "Oil the mower", ParentID: &mow.ID})
	require.NoError(t, err)
	_, err = c.MoveTask(ctx, mow.ID, api.MoveRequest{SectionID: api.Value(hall.ID)})
	require.NoError(t, err)
	_, err = c.MoveTask(ctx, mow.ID, api.MoveRequest{ParentID: api.Value(mow.ID)})
	requireStatus(t, err, http.StatusConflict)
	_, err = c.ProjectTree(ctx, home.ID, "all")
	require.NoError(t, err)
	_, err = c.ListTasks(ctx, api.TaskQuery{ProjectID: home.ID})
	require.NoError(t, err)
	require.NoError(t, c.DeleteSection(ctx, hall.ID))
	_, err = c.RestoreSection(ctx, hall.ID)
	require.NoError(t, err)
	require.NoError(t, c.DeleteProject(ctx, home.ID))
	_, err = c.RestoreProject(ctx, home.ID)
	require.NoError(t, err)

	conv, err := c.CreateConversation(ctx, api.ConversationInput{})
	require.NoError(t, err)
	_, err = c.AddMessage(ctx, conv.ID, api.MessageInput{Role: api.RoleUser, Content: "hello"})
	require.NoError(t, err)
	_, err = c.AddMessage(ctx, conv.ID, api.MessageInput{Role: api.RoleTool, Content: "{}", ToolCalls: []byte(`[{"name":"list_tasks"}]`)})
	require.NoError(t, err)
	_, err = c.ListConversations(ctx)
	require.NoError(t, err)
	_, err = c.GetConversation(ctx, conv.ID)
	require.NoError(t, err)
	_, err = c.ListMessages(ctx, conv.ID)
	require.NoError(t, err)
	var exported []byte
	for _, format := range []string{api.FormatJSON, api.FormatCSV} {
		d, err := c.Export(ctx, format)
		require.NoError(t, err)
		b, err := io.ReadAll(d.Body)
		require.NoError(t, err)
		d.Body.Close()
		if format == api.FormatJSON {
			exported = b
		}
	}
	_, err = c.Import(ctx, api.FormatJSON, true, bytes.NewReader(exported))
	require.NoError(t, err)
	_, err = c.Import(ctx, api.FormatTodoistCSV, false, strings.NewReader("TYPE,CONTENT,PRIORITY\ntask,Fine,9\n"))
	requireStatus(t, err, http.StatusUnprocessableEntity)
	require.NoError(t, c.DeleteConversation(ctx, conv.ID))

	list, err := c.Notifications(ctx, -1)
	require.NoError(t, err)
	require.NoError(t, c.MarkSeen(ctx, []int64{list.LastID}))
	snoozy, err := c.CreateTask(ctx, api.TaskInput{Title: "Snooze me"})
	require.NoError(t, err)
	_, err = c.Snooze(ctx, snoozy.ID, 10)
	require.NoError(t, err)

	_, err = c.CalendarFeed(ctx)
	require.NoError(t, err)
	feed, err := c.EnableCalendarFeed(ctx)
	require.NoError(t, err)
	_, err = c.ScopeCalendarFeed(ctx, &home.ID)
	require.NoError(t, err)
	_, err = c.ScopeCalendarFeed(ctx, nil)
	require.NoError(t, err)
	_, err = anon.CalendarICS(ctx, feed.Token)
	require.NoError(t, err)
	require.NoError(t, c.DisableCalendarFeed(ctx))
	_, err = anon.CalendarICS(ctx, feed.Token)
	requireStatus(t, err, http.StatusNotFound)

	tok, err := c.CreateAPIToken(ctx, api.APITokenInput{Name: "script", Scope: api.ScopeRead})
	require.NoError(t, err)
	asToken := anon.WithSession(tok.Token, auth.User.ID)
	_, err = asToken.ListTasks(ctx, api.TaskQuery{})
	require.NoError(t, err)
	_, err = asToken.CreateTask(ctx, api.TaskInput{Title: "no"})
	requireStatus(t, err, http.StatusForbidden)
	_, err = c.APITokens(ctx)
	require.NoError(t, err)
	require.NoError(t, c.RevokeAPIToken(ctx, tok.ID))
	_, err = asToken.ListTasks(ctx, api.TaskQuery{})
	requireStatus(t, err, http.StatusUnauthorized)

	changed, err := c.ChangePassword(ctx, api.ChangePasswordRequest{CurrentPassword: "correct horse battery", NewPassword: "another fine passphrase"})
	require.NoError(t, err)
	c = anon.WithAuth(changed.AuthResponse)
	other, err := anon.SignIn(ctx, api.SignInRequest{Email: "ada@example.com", Password: "another fine passphrase"})
	require.NoError(t, err)
	require.NoError(t, anon.WithAuth(other).SignOut(ctx))
	_, err = c.SignOutEverywhere(ctx, api.SignOutEverywhereRequest{EndAccess: api.EndAccess{KeepAPITokens: true}})
	require.NoError(t, err)

	for _, path := range []string{"/api/openapi.json", "/api/docs"} {
		req, _ := http.NewRequest(http.MethodGet, b.URL+path, nil)
		resp, err := (&http.Client{Transport: v}).Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
	}

	for _, r := range openapi.Routes {
		if r.Unpublished {
			// Not in the document, so not in the generated client either.
			continue
		}
		assert.True(t, v.seen[r.ID], "%s (%s %s) was not exercised: add it to this test", r.ID, r.Method, r.Path)
	}
	var statuses []string
	for k := range v.seen {
		if strings.Contains(k, " ") {
			statuses = append(statuses, k)
		}
	}
	slices.Sort(statuses)
	t.Logf("validated: %s", strings.Join(statuses, ", "))
}

func requireStatus(t *testing.T, err error, status int) {
	t.Helper()
	e, ok := apierror.As(err)
	require.True(t, ok, "want %d, got %v", status, err)
	require.Equal(t, status, e.Status, "%v", err)
}

// The document's bounds are the rules' constants, written out in the
// route table and spec.go because the tasks package's tests import this
// package.
func TestRangesAreTheRules(t *testing.T) {
	doc, err := openapi.Build()
	require.NoError(t, err)
	param := func(path, method, name string) *openapi3.Schema {
		p := doc.Paths.Find(path).GetOperation(method).Parameters.GetByInAndName("query", name)
		require.NotNil(t, p, "%s %s", path, name)
		return p.Schema.Value
	}
	field := func(schema, name string) *openapi3.Schema {
		return doc.Components.Schemas[schema].Value.Properties[name].Value
	}
	check := func(what string, s *openapi3.Schema, lo, hi float64) {
		t.Helper()
		require.NotNil(t, s.Min, what)
		require.NotNil(t, s.Max, what)
		assert.Equal(t, lo, *s.Min, what)
		assert.Equal(t, hi, *s.Max, what)
	}
	limit := param("/api/{user_id}/tasks", http.MethodGet, "limit")
	check("limit", limit, 1, tasks.MaxLimit)
	assert.EqualValues(t, tasks.DefaultLimit, limit.Default)
	days := param("/api/{user_id}/agenda", http.MethodGet, "days")
	check("days", days, 1, tasks.MaxAgendaDays)
	assert.EqualValues(t, tasks.DefaultAgendaDays, days.Default)
	check("before_minutes", field("ReminderInput", "before_minutes"), 0, tasks.MaxBeforeMinutes)
	check("default_reminder_minutes", field("Preferences", "default_reminder_minutes"), 0, tasks.MaxBeforeMinutes)
	check("minutes", field("SnoozeRequest", "minutes"), 1, 24*60)
}
