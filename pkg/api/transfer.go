package api

import (
	"encoding/json"
	"time"
)

// Export formats and import formats.
const (
	// FormatJSON is the full export: everything the user owns.
	FormatJSON = "json"
	// FormatCSV is the tasks alone, one row each, for spreadsheets.
	FormatCSV = "csv"
	// FormatTodoistCSV is Todoist's CSV template (import only).
	FormatTodoistCSV = "todoist-csv"

	// ExportKind names the JSON export document; ExportVersion its shape.
	ExportKind = "todo-app-export"
	// Version 2 (API 1.7.0) carries all-day dates in due_date; version-1
	// files still import, their dates inferred (internal/transfer).
	ExportVersion = 2
)

// Export is the JSON export document. It is written and read as a stream:
// the tasks and conversations arrays can be as long as the account.
//
// A round trip — export from one account, import into another, export
// again — gives the same document apart from exported_at, user and the
// ids: every other field, keys included, is carried over as it was.
type Export struct {
	Kind       string    `json:"kind"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
	User       User      `json:"user"`
	// Tags lists every tag, also those no task carries.
	Tags []string `json:"tags"`
	// Projects lists every project (the Inbox first, archived ones too)
	// and Sections every section, before the tasks that name them.
	Projects      []ExportProject      `json:"projects"`
	Sections      []ExportSection      `json:"sections"`
	Tasks         []ExportTask         `json:"tasks"`
	Conversations []ExportConversation `json:"conversations"`
}

// ExportTask is a task in an export. Key identifies it across accounts
// and instances: importing a task whose key the account already has
// creates nothing (the dedupe key).
type ExportTask struct {
	Key string `json:"key"`
	ID  int64  `json:"id"`
	TaskFields
	Completed   bool       `json:"completed"`
	CompletedAt *time.Time `json:"completed_at"`
	Tags        []string   `json:"tags"`
	// ProjectKey, SectionKey and ParentKey place the task by the keys of
	// its project, section and parent (ExportProject.Key, Key); Position
	// orders it among its siblings. A file without them imports into the
	// Inbox, last, in file order.
	ProjectKey string `json:"project_key,omitempty"`
	SectionKey string `json:"section_key,omitempty"`
	ParentKey  string `json:"parent_key,omitempty"`
	Position   string `json:"position,omitempty"`
	// Reminders, in firing order (absent when there are none).
	Reminders []ExportReminder `json:"reminders,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// ExportInboxKey is the key of the Inbox in every export: an import puts
// the file's Inbox onto the person's own.
const ExportInboxKey = "inbox"

// ExportProject is a project in an export. Key identifies it as a task's
// key does: importing a project whose key the account has creates nothing.
type ExportProject struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	Color    string `json:"color"`
	Position string `json:"position"`
	Inbox    bool   `json:"inbox"`
	Archived bool   `json:"archived"`
}

// ExportSection is a section in an export, in the project ProjectKey names.
type ExportSection struct {
	Key        string `json:"key"`
	ProjectKey string `json:"project_key"`
	Name       string `json:"name"`
	Position   string `json:"position"`
}

// ExportReminder is a reminder in an export: as set (at, or before the
// due time), and whether it has fired.
type ExportReminder struct {
	At            *time.Time `json:"at,omitempty"`
	BeforeMinutes *int       `json:"before_minutes,omitempty"`
	AtTime        string     `json:"at_time,omitempty"`
	Fired         bool       `json:"fired,omitempty"`
}

// ExportConversation is a conversation with its messages, oldest first.
type ExportConversation struct {
	Key       string          `json:"key"`
	ID        int64           `json:"id"`
	Title     string          `json:"title"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Messages  []ExportMessage `json:"messages"`
}

// ExportMessage is one message of an exported conversation.
type ExportMessage struct {
	Role      string          `json:"role"`
	Content   string          `json:"content"`
	ToolCalls json.RawMessage `json:"tool_calls,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// ImportReport says what an import did, or — for a preview (dry_run) —
// what it would do. Nothing is written unless Errors is empty.
type ImportReport struct {
	Format string `json:"format"`
	DryRun bool   `json:"dry_run"`
	// Imported is true when the import was written (never for a preview).
	Imported bool `json:"imported"`
	// Rows counts the tasks and conversations read from the file.
	Rows                 int `json:"rows"`
	TasksCreated         int `json:"tasks_created"`
	TasksSkipped         int `json:"tasks_skipped"`
	TagsCreated          int `json:"tags_created"`
	ProjectsCreated      int `json:"projects_created"`
	SectionsCreated      int `json:"sections_created"`
	ConversationsCreated int `json:"conversations_created"`
	ConversationsSkipped int `json:"conversations_skipped"`
	// Notes are things worth knowing that are not errors ("2 sections
	// have no equivalent here and were left out").
	Notes []string `json:"notes"`
	// Errors lists the first problems, row by row; ErrorCount counts all.
	Errors     []ImportError `json:"errors"`
	ErrorCount int           `json:"error_count"`
}

// ImportError is one problem with one row of an import file. In a CSV
// file Row is the row as a spreadsheet numbers it (the header is row 1);
// in a JSON export it is the position, from 1, in the array In names
// ("tasks", "conversations", "tags").
type ImportError struct {
	In      string `json:"in,omitempty"`
	Row     int    `json:"row"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}
