// Package openapi describes the backend's REST API as an OpenAPI 3.0
// document built from the route table below and the JSON types of pkg/api
// (schemas are derived from the Go types, never written by hand). The
// document and the reference page are generated into the rest package,
// which serves them; this package's tests fail when the document is stale,
// when a route is served that the table lacks (or the reverse), when a
// real answer does not match its schema, and when the client generated
// from the document cannot do its calls.
package openapi

import (
	"net/http"

	"github.com/todo-app/todo-app/pkg/api"
)

// Route is one operation.
type Route struct {
	Method string
	// Path in OpenAPI form: /api/{user_id}/tasks/{id}.
	Path    string
	ID      string // operationId: the generated client's method name
	Tag     string
	Summary string
	// Public routes need no token; Session routes refuse API tokens.
	Public, Session bool
	// Scope is what an API token needs for the route: api.ScopeRead lets
	// a read-only token call it (the reads of tasks, tags, the agenda,
	// reminders and the person's own profile); anything else — every
	// change, conversations, the export — needs api.ScopeWrite (the zero
	// value), so a new route is closed to read-only tokens until its row
	// says otherwise. The router takes it from this table for every
	// /api/{user_id} route; of the account routes outside that prefix, only
	// /api/auth/me (read, open to any token) is not session-only, and the
	// authorization matrix checks all of them against their rows.
	Scope string
	// Unpublished rows are served but left out of the document, its
	// reference page and the generated client: WebDAV's methods, a
	// frontend's own routes. They stay in the table so that the
	// authorization matrix (rest/authz_test.go) and the check that every
	// served route is in the table still cover them.
	Unpublished bool
	// Query names the listing parameters (tasks only).
	Query []Param
	// Body is the request type (nil: none); BodyOptional when it may be
	// omitted.
	Body         any
	BodyOptional bool
	// Status and Resp are the success answer (Resp nil: no body).
	Status int
	Resp   any
	// ContentType of the success answer when not JSON.
	ContentType string
	// Files are the media types of a request body that is a file (an
	// import), each with the Go type of its JSON schema (nil: text).
	Files map[string]any
	// Downloads are the media types of a success answer that is a file
	// (an export), each with its Go type (nil: text).
	Downloads map[string]any
	// Errors are the statuses this route answers besides the ones every
	// route may (401 for token routes, 429, 500, 503).
	Errors []int
}

// Param is a query parameter.
type Param struct {
	Name, Type, Format, Description string
	Enum                            []string
	Repeat                          bool
	// Min and Max bound a number (nil: unbounded); Default is the value
	// taken when the parameter is absent.
	Min, Max *float64
	Default  any
}

func bound(n float64) *float64 { return &n }

var taskQuery = []Param{
	{Name: "status", Type: "string", Enum: []string{"all", "pending", "completed"}, Description: "default all"},
	{Name: "priority", Type: "string", Enum: api.Priorities()},
	{Name: "project_id", Type: "integer", Format: "int64", Min: bound(1), Description: "one project's tasks (an archived one's too); without it, every project's but the archived ones'"},
	{Name: "tag", Type: "string", Repeat: true, Description: "a task must carry every tag given, ignoring case"},
	{Name: "q", Type: "string", Description: "case-insensitive substring of title or description"},
	{Name: "due_from", Type: "string", Description: "RFC 3339 or YYYY-MM-DD (the start of that day in the user's zone)"},
	{Name: "due_to", Type: "string", Description: "RFC 3339 or YYYY-MM-DD (the end of that day in the user's zone)"},
	{Name: "overdue", Type: "boolean", Description: "pending and due before now"},
	{Name: "completed_from", Type: "string", Description: "RFC 3339 or YYYY-MM-DD"},
	{Name: "completed_to", Type: "string", Description: "RFC 3339 or YYYY-MM-DD"},
	{Name: "sort", Type: "string", Enum: []string{"created", "due", "priority", "title"}},
	{Name: "order", Type: "string", Enum: []string{"asc", "desc"}},
	// The bounds are the rules' (tasks.MaxLimit, tasks.DefaultLimit,
	// tasks.MaxAgendaDays …), written out because the tasks package's own
	// tests import this one; TestRangesAreTheRules holds them together.
	{Name: "limit", Type: "integer", Min: bound(1), Max: bound(100), Default: 50},
	{Name: "offset", Type: "integer", Min: bound(0), Default: 0},
}

const (
	unprocessable = http.StatusUnprocessableEntity
	badRequest    = http.StatusBadRequest
	forbidden     = http.StatusForbidden
	notFound      = http.StatusNotFound
	conflict      = http.StatusConflict
)

// bodyErrors are what any route with a JSON body may answer.
var bodyErrors = []int{badRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, unprocessable}

func with(base []int, more ...int) []int { return append(append([]int{}, base...), more...) }

// Routes is the REST API, in the order the reference shows it.
var Routes = []Route{
	{Method: http.MethodPost, Path: "/api/auth/sign-up", ID: "signUp", Tag: "Account", Public: true,
		Summary: "Create an account and its first session", Body: api.SignUpRequest{}, Status: http.StatusCreated, Resp: api.AuthResponse{}, Errors: with(bodyErrors, conflict)},
	{Method: http.MethodPost, Path: "/api/auth/sign-in", ID: "signIn", Tag: "Account", Public: true,
		Summary: "Exchange credentials for a session token", Body: api.SignInRequest{}, Status: http.StatusOK, Resp: api.AuthResponse{}, Errors: with(bodyErrors, http.StatusUnauthorized)},
	{Method: http.MethodGet, Path: "/api/auth/me", ID: "me", Scope: api.ScopeRead, Tag: "Account",
		Summary: "The signed-in user", Status: http.StatusOK, Resp: api.User{}},
	{Method: http.MethodPatch, Path: "/api/auth/me", ID: "setPreferences", Tag: "Account", Session: true,
		Summary: "Change the time zone and the default reminder for new tasks with a due time", Body: api.Preferences{}, Status: http.StatusOK, Resp: api.User{}, Errors: bodyErrors},
	{Method: http.MethodPost, Path: "/api/auth/sign-out", ID: "signOut", Tag: "Account", Session: true,
		Summary: "Close this session: its token is refused from now on", Status: http.StatusNoContent, Errors: []int{forbidden}},
	{Method: http.MethodPost, Path: "/api/auth/sign-out-everywhere", ID: "signOutEverywhere", Tag: "Account", Session: true,
		Summary: "Close every session of the user and, unless kept, revoke the API tokens and give the calendar feed a new address", Body: api.SignOutEverywhereRequest{}, BodyOptional: true,
		Status: http.StatusOK, Resp: api.SignOutResult{}, Errors: with(bodyErrors, forbidden)},
	{Method: http.MethodPut, Path: "/api/auth/password", ID: "changePassword", Tag: "Account", Session: true,
		Summary: "Change the password: every session is closed (and, unless kept, the API tokens and the feed's address) and a fresh one returned", Body: api.ChangePasswordRequest{}, Status: http.StatusOK, Resp: api.PasswordChanged{}, Errors: with(bodyErrors, forbidden)},

	{Method: http.MethodGet, Path: "/api/{user_id}/tokens", ID: "listAPITokens", Tag: "API tokens", Session: true,
		Summary: "List personal API tokens, newest first (never their text)", Status: http.StatusOK, Resp: api.APITokenList{}, Errors: []int{forbidden}},
	{Method: http.MethodPost, Path: "/api/{user_id}/tokens", ID: "createAPIToken", Tag: "API tokens", Session: true,
		Summary: "Create a personal API token; its text is in this answer only", Body: api.APITokenInput{}, Status: http.StatusCreated, Resp: api.CreatedAPIToken{}, Errors: with(bodyErrors, forbidden, conflict)},
	{Method: http.MethodDelete, Path: "/api/{user_id}/tokens/{id}", ID: "revokeAPIToken", Tag: "API tokens", Session: true,
		Summary: "Revoke a personal API token", Status: http.StatusNoContent, Errors: []int{forbidden, notFound}},

	{Method: http.MethodGet, Path: "/api/{user_id}/calendar-feed", ID: "getCalendarFeed", Tag: "Calendar", Session: true,
		Summary: "Whether the private calendar feed is on, and its token", Status: http.StatusOK, Resp: api.CalendarFeed{}, Errors: []int{forbidden}},
	{Method: http.MethodPost, Path: "/api/{user_id}/calendar-feed", ID: "enableCalendarFeed", Tag: "Calendar", Session: true,
		Summary: "Turn the calendar feed on, or give it a new token (the old one stops working)", Status: http.StatusOK, Resp: api.CalendarFeed{}, Errors: []int{forbidden}},
	{Method: http.MethodPatch, Path: "/api/{user_id}/calendar-feed", ID: "scopeCalendarFeed", Tag: "Calendar", Session: true,
		Summary: "Choose what the feed shows: one project (project_id) or every project (null); the address stays", Body: api.CalendarFeedScope{}, Status: http.StatusOK, Resp: api.CalendarFeed{}, Errors: with(bodyErrors, forbidden, notFound, conflict)},
	{Method: http.MethodDelete, Path: "/api/{user_id}/calendar-feed", ID: "disableCalendarFeed", Tag: "Calendar", Session: true,
		Summary: "Turn the calendar feed off", Status: http.StatusNoContent, Errors: []int{forbidden}},
	{Method: http.MethodGet, Path: "/api/calendar/{token}", ID: "calendarICS", Tag: "Calendar", Public: true,
		Summary: "The calendar feed (iCalendar, RFC 5545) whose token is {token}.ics: open tasks with due dates, reminders as alarms; the token is the credential",
		Status:  http.StatusOK, ContentType: "text/calendar", Errors: []int{notFound}},

	{Method: http.MethodGet, Path: "/api/{user_id}/tasks", ID: "listTasks", Scope: api.ScopeRead, Tag: "Tasks",
		Summary: "List tasks: filter, sort, page", Query: taskQuery, Status: http.StatusOK, Resp: api.TaskList{}, Errors: []int{forbidden, notFound, unprocessable}},
	{Method: http.MethodPost, Path: "/api/{user_id}/tasks", ID: "createTask", Tag: "Tasks",
		Summary: "Create a task (in the Inbox, or the project, section or parent it names)", Body: api.TaskInput{}, Status: http.StatusCreated, Resp: api.Task{}, Errors: with(bodyErrors, forbidden, notFound)},
	{Method: http.MethodGet, Path: "/api/{user_id}/tasks/{id}", ID: "getTask", Scope: api.ScopeRead, Tag: "Tasks",
		Summary: "One task", Status: http.StatusOK, Resp: api.Task{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPut, Path: "/api/{user_id}/tasks/{id}", ID: "replaceTask", Tag: "Tasks",
		Summary: "Replace every editable field of a task", Body: api.TaskInput{}, Status: http.StatusOK, Resp: api.Task{}, Errors: with(bodyErrors, forbidden, notFound)},
	{Method: http.MethodPatch, Path: "/api/{user_id}/tasks/{id}", ID: "patchTask", Tag: "Tasks",
		Summary: "Change the fields given (due_date: a day, all day; due_at: a time; null clears the due)", Body: api.TaskPatch{}, Status: http.StatusOK, Resp: api.Task{}, Errors: with(bodyErrors, forbidden, notFound, conflict)},
	{Method: http.MethodDelete, Path: "/api/{user_id}/tasks/{id}", ID: "deleteTask", Tag: "Tasks",
		Summary: "Delete a task (restorable for 30 days)", Status: http.StatusNoContent, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPost, Path: "/api/{user_id}/tasks/{id}/restore", ID: "restoreTask", Tag: "Tasks",
		Summary: "Bring back a deleted task (undo): the same id, tags and dates, for 30 days after the delete", Status: http.StatusOK, Resp: api.Task{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPost, Path: "/api/{user_id}/tasks/{id}/snooze", ID: "snoozeTask", Tag: "Reminders",
		Summary: "Remind again in minutes (1–1440): adds a reminder at that time (fired ones make room)", Body: api.SnoozeRequest{}, Status: http.StatusOK, Resp: api.Task{}, Errors: with(bodyErrors, forbidden, notFound)},
	{Method: http.MethodGet, Path: "/api/{user_id}/notifications", ID: "listNotifications", Scope: api.ScopeRead, Tag: "Reminders",
		Summary: "Reminders that fired: after=<id> for those after it; without it, those not seen yet (the last 7 days)", Query: []Param{{Name: "after", Type: "integer", Format: "int64", Min: bound(0), Description: "a notification id: the ones after it"}},
		Status: http.StatusOK, Resp: api.NotificationList{}, Errors: []int{badRequest, forbidden, unprocessable}},
	{Method: http.MethodPost, Path: "/api/{user_id}/notifications/seen", ID: "markNotificationsSeen", Tag: "Reminders",
		Summary: "Mark notifications seen: they are not shown again", Body: api.SeenRequest{}, Status: http.StatusNoContent, Errors: with(bodyErrors, forbidden)},
	{Method: http.MethodPatch, Path: "/api/{user_id}/tasks/{id}/complete", ID: "completeTask", Tag: "Tasks",
		Summary: "Complete or reopen a task (no body: toggle); completing completes its open subtasks, and a recurring task's next occurrence comes with all its subtasks; reopening removes that occurrence if it is untouched, and undo reopens the subtasks the completion closed", Body: api.CompleteRequest{}, BodyOptional: true, Status: http.StatusOK, Resp: api.CompleteResult{}, Errors: with(bodyErrors, forbidden, notFound)},

	{Method: http.MethodPost, Path: "/api/{user_id}/tasks/{id}/move", ID: "moveTask", Tag: "Tasks",
		Summary: "Move a task with its subtasks, in one transaction: to another project, section or parent, and next to a sibling (after_id, before_id) or last", Body: api.MoveRequest{}, Status: http.StatusOK, Resp: api.Task{}, Errors: with(bodyErrors, forbidden, notFound, conflict)},

	{Method: http.MethodGet, Path: "/api/{user_id}/projects", ID: "listProjects", Scope: api.ScopeRead, Tag: "Projects",
		Summary: "Projects in order, the Inbox first, with their sections and counts", Query: []Param{{Name: "archived", Type: "boolean", Description: "include archived projects"}},
		Status: http.StatusOK, Resp: api.ProjectList{}, Errors: []int{forbidden, unprocessable}},
	{Method: http.MethodPost, Path: "/api/{user_id}/projects", ID: "createProject", Tag: "Projects",
		Summary: "Create a project, last in the list", Body: api.ProjectInput{}, Status: http.StatusCreated, Resp: api.Project{}, Errors: with(bodyErrors, forbidden)},
	{Method: http.MethodGet, Path: "/api/{user_id}/projects/{id}", ID: "getProject", Scope: api.ScopeRead, Tag: "Projects",
		Summary: "One project with its sections and counts", Status: http.StatusOK, Resp: api.Project{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPatch, Path: "/api/{user_id}/projects/{id}", ID: "patchProject", Tag: "Projects",
		Summary: "Rename, recolour, archive or unarchive a project (the Inbox is never archived)", Body: api.ProjectPatch{}, Status: http.StatusOK, Resp: api.Project{}, Errors: with(bodyErrors, forbidden, notFound, conflict)},
	{Method: http.MethodDelete, Path: "/api/{user_id}/projects/{id}", ID: "deleteProject", Tag: "Projects",
		Summary: "Delete a project with its sections and tasks (restorable for 30 days; never the Inbox)", Status: http.StatusNoContent, Errors: []int{badRequest, forbidden, notFound, conflict}},
	{Method: http.MethodPost, Path: "/api/{user_id}/projects/{id}/restore", ID: "restoreProject", Tag: "Projects",
		Summary: "Bring back a deleted project with the sections and tasks its deletion took", Status: http.StatusOK, Resp: api.Project{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPost, Path: "/api/{user_id}/projects/{id}/move", ID: "moveProject", Tag: "Projects",
		Summary: "Reorder a project: after or before another, or last (the Inbox stays first)", Body: api.Reorder{}, Status: http.StatusOK, Resp: api.Project{}, Errors: with(bodyErrors, forbidden, notFound, conflict)},
	{Method: http.MethodGet, Path: "/api/{user_id}/projects/{id}/tree", ID: "projectTree", Scope: api.ScopeRead, Tag: "Projects",
		Summary: "A project's tasks as a tree in one call: those outside sections, then each section's, each task with its subtasks, in order",
		Query:   []Param{{Name: "status", Type: "string", Enum: []string{"all", "pending", "completed"}, Description: "default pending"}},
		Status:  http.StatusOK, Resp: api.TaskTree{}, Errors: []int{badRequest, forbidden, notFound, unprocessable}},
	{Method: http.MethodPost, Path: "/api/{user_id}/projects/{id}/sections", ID: "createSection", Tag: "Projects",
		Summary: "Add a section, last in the project", Body: api.SectionInput{}, Status: http.StatusCreated, Resp: api.Section{}, Errors: with(bodyErrors, forbidden, notFound)},
	{Method: http.MethodPatch, Path: "/api/{user_id}/sections/{id}", ID: "renameSection", Tag: "Projects",
		Summary: "Rename a section", Body: api.SectionInput{}, Status: http.StatusOK, Resp: api.Section{}, Errors: with(bodyErrors, forbidden, notFound)},
	{Method: http.MethodDelete, Path: "/api/{user_id}/sections/{id}", ID: "deleteSection", Tag: "Projects",
		Summary: "Delete a section with its tasks (restorable for 30 days)", Status: http.StatusNoContent, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPost, Path: "/api/{user_id}/sections/{id}/restore", ID: "restoreSection", Tag: "Projects",
		Summary: "Bring back a deleted section with the tasks its deletion took", Status: http.StatusOK, Resp: api.Section{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPost, Path: "/api/{user_id}/sections/{id}/move", ID: "moveSection", Tag: "Projects",
		Summary: "Reorder a section within its project", Body: api.Reorder{}, Status: http.StatusOK, Resp: api.Section{}, Errors: with(bodyErrors, forbidden, notFound)},

	{Method: http.MethodGet, Path: "/api/{user_id}/agenda", ID: "agenda", Scope: api.ScopeRead, Tag: "Tasks",
		Summary: "What is due: overdue tasks, then each day from today with its tasks and the future occurrences of recurring tasks",
		Query:   []Param{{Name: "days", Type: "integer", Min: bound(1), Max: bound(31), Default: 7}, {Name: "time_zone", Type: "string", Description: "IANA zone the days are read in; default the user's"}},
		Status:  http.StatusOK, Resp: api.Agenda{}, Errors: []int{forbidden, unprocessable}},
	{Method: http.MethodGet, Path: "/api/{user_id}/summary", ID: "summary", Scope: api.ScopeRead, Tag: "Tasks",
		Summary: "The dashboard in one call: open, due today, overdue and done-this-week counts, the five most overdue tasks and the next seven due",
		Query:   []Param{{Name: "time_zone", Type: "string", Description: "IANA zone “today” and “this week” are read in; default the user's"}},
		Status:  http.StatusOK, Resp: api.Summary{}, Errors: []int{forbidden, unprocessable}},
	{Method: http.MethodGet, Path: "/api/{user_id}/tags", ID: "listTags", Scope: api.ScopeRead, Tag: "Tags",
		Summary: "Tags with how many tasks carry each", Status: http.StatusOK, Resp: api.TagList{}, Errors: []int{forbidden}},
	{Method: http.MethodDelete, Path: "/api/{user_id}/tags/{id}", ID: "deleteTag", Tag: "Tags",
		Summary: "Delete a tag (removed from every task)", Status: http.StatusNoContent, Errors: []int{badRequest, forbidden, notFound}},

	{Method: http.MethodGet, Path: "/api/{user_id}/export", ID: "exportData", Tag: "Import and export",
		Summary: "Download everything the user owns (format=json: tasks, tags, conversations) or the tasks as a spreadsheet (format=csv); streamed",
		Query:   []Param{{Name: "format", Type: "string", Enum: []string{api.FormatJSON, api.FormatCSV}, Description: "default json"}},
		Status:  http.StatusOK, Downloads: map[string]any{"application/json": api.Export{}, "text/csv": nil}, Errors: []int{forbidden, unprocessable}},
	{Method: http.MethodPost, Path: "/api/{user_id}/import", ID: "importData", Tag: "Import and export",
		Summary: "Import a todo-app export (json) or Todoist's CSV template (todoist-csv), streamed, all or nothing; rows whose key the account has are skipped. " +
			"dry_run=true previews. Row problems: 422 with the report in error.details",
		Query: []Param{{Name: "format", Type: "string", Enum: []string{api.FormatJSON, api.FormatTodoistCSV}, Description: "default from Content-Type"},
			{Name: "dry_run", Type: "boolean", Description: "report what would happen, write nothing"},
			{Name: "project_name", Type: "string", Description: "todoist-csv: the name of the project the file becomes (default \"Imported from Todoist\"); a file imported again goes into the project it made, whatever it is called now"}},
		Files:  map[string]any{"application/json": api.Export{}, "text/csv": nil},
		Status: http.StatusOK, Resp: api.ImportReport{}, Errors: []int{forbidden, http.StatusRequestTimeout, http.StatusRequestEntityTooLarge, unprocessable}},

	{Method: http.MethodGet, Path: "/api/{user_id}/conversations", ID: "listConversations", Tag: "Conversations",
		Summary: "Conversations, latest activity first", Status: http.StatusOK, Resp: api.ConversationList{}, Errors: []int{forbidden}},
	{Method: http.MethodPost, Path: "/api/{user_id}/conversations", ID: "createConversation", Tag: "Conversations",
		Summary: "Start a conversation", Body: api.ConversationInput{}, BodyOptional: true, Status: http.StatusCreated, Resp: api.Conversation{}, Errors: with(bodyErrors, forbidden)},
	{Method: http.MethodGet, Path: "/api/{user_id}/conversations/{id}", ID: "getConversation", Tag: "Conversations",
		Summary: "A conversation with its messages, oldest first", Status: http.StatusOK, Resp: api.ConversationDetail{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodDelete, Path: "/api/{user_id}/conversations/{id}", ID: "deleteConversation", Tag: "Conversations",
		Summary: "Delete a conversation and its messages", Status: http.StatusNoContent, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodGet, Path: "/api/{user_id}/conversations/{id}/messages", ID: "listMessages", Tag: "Conversations",
		Summary: "A conversation's messages, oldest first", Status: http.StatusOK, Resp: api.MessageList{}, Errors: []int{badRequest, forbidden, notFound}},
	{Method: http.MethodPost, Path: "/api/{user_id}/conversations/{id}/messages", ID: "addMessage", Tag: "Conversations",
		Summary: "Append a message", Body: api.MessageInput{}, Status: http.StatusCreated, Resp: api.Message{}, Errors: with(bodyErrors, forbidden, notFound)},

	{Method: http.MethodGet, Path: "/api/openapi.json", ID: "openAPI", Tag: "About", Public: true,
		Summary: "This document", Status: http.StatusOK, ContentType: "application/json"},
	{Method: http.MethodGet, Path: "/api/docs", ID: "reference", Tag: "About", Public: true,
		Summary: "This document as a page", Status: http.StatusOK, ContentType: "text/html"},
}

// Find is the row of the route served at method and path (OpenAPI form),
// or false.
func Find(method, path string) (Route, bool) {
	for _, r := range Routes {
		if r.Method == method && r.Path == path {
			return r, true
		}
	}
	return Route{}, false
}
