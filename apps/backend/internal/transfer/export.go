// Package transfer moves everything a user owns in and out of the
// product: the JSON export (tasks with tags and repeat rules, every tag,
// conversations with their messages), a CSV of the tasks for
// spreadsheets, and imports of our JSON and of Todoist's CSV template.
//
// Both directions stream: an export holds one page of rows at a time,
// and an import reads its file row by row and writes it in batches, all
// in one transaction, so that a 100 000-task account moves in a few MiB
// of memory (make bench measures it).
package transfer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// Service exports and imports one user's data.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service; now is the clock (time.Now in production).
func New(s *store.Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// Page sizes: how many rows an export or an import holds at once.
const (
	taskPage         = 1000
	conversationPage = 100
)

// Export is a prepared export: the account was found, and WriteTo
// streams the file.
type Export struct {
	// ContentType and Filename describe the file for a download.
	ContentType, Filename string
	write                 func(ctx context.Context, w io.Writer) error
}

// WriteTo writes the whole export to w. An error after the first bytes
// leaves w with a truncated file, which no importer accepts.
func (e *Export) WriteTo(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if err := e.write(ctx, bw); err != nil {
		return err
	}
	return bw.Flush()
}

// Prepare checks the request and returns the export to stream: format is
// api.FormatJSON or api.FormatCSV.
func (s *Service) Prepare(ctx context.Context, userID, format string) (*Export, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("preparing an export: %w", err)
	}
	day := s.now().In(u.Location()).Format(time.DateOnly)
	switch format {
	case api.FormatJSON, "":
		return &Export{ContentType: "application/json; charset=utf-8", Filename: "todo-app-export-" + day + ".json",
			write: func(ctx context.Context, w io.Writer) error {
				return s.store.Snapshot(ctx, func(ctx context.Context, ex store.Exporter) error { return s.writeJSON(ctx, ex, u, w) })
			}}, nil
	case api.FormatCSV:
		return &Export{ContentType: "text/csv; charset=utf-8", Filename: "todo-app-tasks-" + day + ".csv",
			write: func(ctx context.Context, w io.Writer) error {
				return s.store.Snapshot(ctx, func(ctx context.Context, ex store.Exporter) error { return writeCSV(ctx, ex, u, w) })
			}}, nil
	}
	return nil, ErrFormat
}

// ErrFormat is a format this package does not know.
var ErrFormat = fmt.Errorf("format must be %s or %s (export), %s or %s (import)", api.FormatJSON, api.FormatCSV, api.FormatJSON, api.FormatTodoistCSV)

// taskKey is a task's key in exports: the key it was imported with, or
// one naming this account and the task's id.
func taskKey(userID string, t *store.Task) string {
	if t.ImportKey != nil {
		return *t.ImportKey
	}
	return fmt.Sprintf("todo-app:%s:%d", userID, t.ID)
}

func conversationKey(userID string, c *store.Conversation) string {
	if c.ImportKey != nil {
		return *c.ImportKey
	}
	return fmt.Sprintf("todo-app:%s:c%d", userID, c.ID)
}

// projectKey is a project's key in exports: the Inbox's is the same in
// every export (api.ExportInboxKey), another's the key it was imported
// with, or one naming this account and its id.
func projectKey(userID string, p *store.Project) string {
	switch {
	case p.Inbox:
		return api.ExportInboxKey
	case p.ImportKey != nil:
		return *p.ImportKey
	}
	return fmt.Sprintf("todo-app:%s:p%d", userID, p.ID)
}

func sectionKey(userID string, s *store.Section) string {
	if s.ImportKey != nil {
		return *s.ImportKey
	}
	return fmt.Sprintf("todo-app:%s:s%d", userID, s.ID)
}

// eachTask calls fn for every task of the user, a page at a time.
func eachTask(ctx context.Context, ex store.Exporter, userID string, fn func(t *store.Task) error) error {
	return eachPage(ctx, ex, userID, func(page []store.Task) error {
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachPage calls fn with every page of the user's tasks.
func eachPage(ctx context.Context, ex store.Exporter, userID string, fn func(page []store.Task) error) error {
	var after int64
	for {
		page, err := ex.ExportTasks(ctx, userID, after, taskPage)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < taskPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Service) writeJSON(ctx context.Context, ex store.Exporter, u store.User, w io.Writer) error {
	tags, err := ex.TagNames(ctx, u.ID)
	if err != nil {
		return err
	}
	ps, err := ex.ExportProjects(ctx, u.ID)
	if err != nil {
		return err
	}
	secs, err := ex.ExportSections(ctx, u.ID)
	if err != nil {
		return err
	}
	// keys holds the keys of the projects and sections by id, which the
	// tasks name theirs by.
	keys := placeKeys{projects: map[int64]string{}, sections: map[int64]string{}}
	outProjects := make([]api.ExportProject, len(ps))
	for i := range ps {
		p := &ps[i]
		keys.projects[p.ID] = projectKey(u.ID, p)
		outProjects[i] = api.ExportProject{Key: keys.projects[p.ID], Name: p.Name, Color: p.Color, Position: p.Position, Inbox: p.Inbox, Archived: p.Archived}
	}
	outSections := make([]api.ExportSection, 0, len(secs))
	for i := range secs {
		sec := &secs[i]
		pk, ok := keys.projects[sec.ProjectID]
		if !ok {
			continue
		}
		keys.sections[sec.ID] = sectionKey(u.ID, sec)
		outSections = append(outSections, api.ExportSection{Key: keys.sections[sec.ID], ProjectKey: pk, Name: sec.Name, Position: sec.Position})
	}
	head, err := json.Marshal(struct {
		Kind       string              `json:"kind"`
		Version    int                 `json:"version"`
		ExportedAt time.Time           `json:"exported_at"`
		User       api.User            `json:"user"`
		Tags       []string            `json:"tags"`
		Projects   []api.ExportProject `json:"projects"`
		Sections   []api.ExportSection `json:"sections"`
	}{api.ExportKind, api.ExportVersion, s.now().UTC().Truncate(time.Second),
		api.User{ID: u.ID, Email: u.Email, Name: u.Name, TimeZone: u.TimeZone, CreatedAt: dates.Shown(u.CreatedAt)}, tags, outProjects, outSections})
	if err != nil {
		return fmt.Errorf("encoding the export's header: %w", err)
	}
	// The header object, reopened to append the two arrays.
	if _, err := w.Write(head[:len(head)-1]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `,"tasks":[`); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	sep := ""
	err = eachPage(ctx, ex, u.ID, func(page []store.Task) error {
		// A parent's key is its import key when it has one: one
		// statement a page.
		var parents []int64
		for i := range page {
			if page[i].ParentID != nil {
				parents = append(parents, *page[i].ParentID)
			}
		}
		parentKeys, err := ex.ImportKeys(ctx, u.ID, parents)
		if err != nil {
			return err
		}
		for i := range page {
			t := &page[i]
			if _, err := io.WriteString(w, sep+"\n"); err != nil {
				return err
			}
			sep = ","
			out := exportTask(u.ID, t)
			keys.place(u.ID, t, parentKeys, &out)
			if err := enc.Encode(out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("exporting tasks: %w", err)
	}
	if _, err := io.WriteString(w, `],"conversations":[`); err != nil {
		return err
	}
	sep = ""
	var after int64
	for {
		page, err := ex.ExportConversations(ctx, u.ID, after, conversationPage)
		if err != nil {
			return err
		}
		for i := range page {
			c := &page[i]
			msgs, err := ex.Messages(ctx, u.ID, c.ID)
			if err != nil {
				return err
			}
			out := api.ExportConversation{Key: conversationKey(u.ID, c), ID: c.ID, Title: c.Title,
				CreatedAt: dates.Shown(c.CreatedAt), UpdatedAt: dates.Shown(c.UpdatedAt), Messages: make([]api.ExportMessage, len(msgs))}
			for j, m := range msgs {
				out.Messages[j] = api.ExportMessage{Role: m.Role, Content: m.Content, ToolCalls: m.ToolCalls, CreatedAt: dates.Shown(m.CreatedAt)}
			}
			if _, err := io.WriteString(w, sep+"\n"); err != nil {
				return err
			}
			sep = ","
			if err := enc.Encode(out); err != nil {
				return fmt.Errorf("exporting conversation %d: %w", c.ID, err)
			}
		}
		if len(page) < conversationPage {
			break
		}
		after = page[len(page)-1].ID
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}

func exportTask(userID string, t *store.Task) api.ExportTask {
	tags := make([]string, len(t.Tags))
	for i, g := range t.Tags {
		tags[i] = g.Name
	}
	out := api.ExportTask{
		Key: taskKey(userID, t), ID: t.ID, TaskFields: t.TaskFields,
		Completed: t.Completed, CompletedAt: dates.ShownPtr(t.CompletedAt), Tags: tags, Reminders: exportReminders(t.Reminders),
		CreatedAt: dates.Shown(t.CreatedAt), UpdatedAt: dates.Shown(t.UpdatedAt),
	}
	// A row stored before the years were bounded is exported at the
	// nearest time a JSON timestamp holds, not left out.
	out.DueAt = dates.ShownPtr(t.DueAt)
	if t.DueDate != nil {
		// An all-day task is its date alone (version 2): its instant is
		// the end of that day in this person's zone, which an account in
		// another zone recomputes, so a round trip across zones gives
		// the same file.
		out.DueAt = nil
	}
	return out
}

func exportReminders(rs []store.Reminder) []api.ExportReminder {
	if len(rs) == 0 {
		return nil
	}
	out := make([]api.ExportReminder, len(rs))
	for i, r := range rs {
		out[i] = api.ExportReminder{At: dates.ShownPtr(r.At), BeforeMinutes: r.BeforeMinutes, Fired: r.FiredAt != nil}
		if r.AtTime != nil {
			out[i].AtTime = *r.AtTime
		}
	}
	return out
}

// CSVHeader is the CSV export's first row.
var CSVHeader = []string{"title", "description", "priority", "due", "tags", "recurrence", "recurrence_interval", "completed", "completed_at", "created_at"}

// writeCSV writes the tasks for a spreadsheet: in the due column an
// all-day date as YYYY-MM-DD, the same day in every zone, and a task with
// a time as YYYY-MM-DD HH:MM in the person's zone (one column, as before
// the all-day model, so that a sheet or script built on it keeps working;
// a time at 23:59 is a time, never taken for a date); the other times in
// the person's zone with their offset, tags separated by ", ".
func writeCSV(ctx context.Context, ex store.Exporter, u store.User, w io.Writer) error {
	loc := u.Location()
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	err := eachTask(ctx, ex, u.ID, func(t *store.Task) error {
		due := ""
		switch {
		case t.DueDate != nil:
			due = t.DueDate.String()
		case t.DueAt != nil:
			due = t.DueAt.In(loc).Format("2006-01-02 15:04")
		}
		names := make([]string, len(t.Tags))
		for i, g := range t.Tags {
			names[i] = g.Name
		}
		return cw.Write([]string{cell(t.Title), cell(t.Description), t.Priority, due, cell(strings.Join(names, ", ")),
			t.Recurrence, strconv.Itoa(t.RecurrenceInterval), strconv.FormatBool(t.Completed), stamp(t.CompletedAt), stamp(&t.CreatedAt)})
	})
	if err != nil {
		return fmt.Errorf("exporting tasks as CSV: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from running text as a formula: a cell that
// starts with = + - @ (or a tab or carriage return) gets a leading
// apostrophe, which spreadsheets show as text (OWASP's advice for CSV
// injection). Titles such as "-5 kg by June" keep their words.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// placeKeys are the keys of the exported projects and sections by id.
type placeKeys struct{ projects, sections map[int64]string }

// place writes where t is into out: its project's, section's and
// parent's keys and its position.
func (k placeKeys) place(userID string, t *store.Task, parentKeys map[int64]string, out *api.ExportTask) {
	out.ProjectKey = k.projects[t.ProjectID]
	if t.SectionID != nil {
		out.SectionKey = k.sections[*t.SectionID]
	}
	if t.ParentID != nil {
		out.ParentKey = parentKeys[*t.ParentID]
		if out.ParentKey == "" {
			out.ParentKey = fmt.Sprintf("todo-app:%s:%d", userID, *t.ParentID)
		}
	}
	out.Position = t.Position
}
