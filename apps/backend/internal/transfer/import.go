package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/todo-app/todo-app/apps/backend/internal/conversations"
	"github.com/todo-app/todo-app/apps/backend/internal/projects"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/position"
)

// Limits on what an import holds and reports.
const (
	importBatch = 500
	// MaxReportedErrors bounds the report: a file that is wrong on every
	// one of 100 000 rows lists the first problems and counts the rest.
	MaxReportedErrors = 100
	maxKey            = 300
)

// FileError is a file that cannot be read at all (not JSON, not our
// export, a CSV without the columns it needs): nothing was imported.
type FileError struct{ Problem string }

func (e *FileError) Error() string { return e.Problem }

func fileErr(format string, args ...any) error {
	return &FileError{Problem: fmt.Sprintf(format, args...)}
}

// ErrRowsInvalid means some rows have problems: the report lists them,
// and nothing was imported.
var ErrRowsInvalid = errors.New("some rows have problems; nothing was imported")

// ImportOptions are an import's choices besides its file.
type ImportOptions struct {
	// DryRun writes nothing and reports what an import would do.
	DryRun bool
	// ProjectName names the project a Todoist file becomes (empty:
	// DefaultTodoistProject); a JSON export brings its own projects.
	ProjectName string
}

// Import reads a file in format (api.FormatJSON or api.FormatTodoistCSV)
// from r and writes it for the user in one transaction — all of it, or
// with any row error none of it. With opts.DryRun it writes nothing and
// reports what an import would do. Rows whose key the account already
// has are skipped, so importing a file twice creates nothing the second
// time. The returned error is a *FileError, ErrRowsInvalid (with the
// report) or a failure of the database.
func (s *Service) Import(ctx context.Context, userID, format string, r io.Reader, opts ImportOptions) (api.ImportReport, error) {
	dryRun := opts.DryRun
	rep := &report{ImportReport: api.ImportReport{Format: format, DryRun: dryRun, Notes: []string{}, Errors: []api.ImportError{}}}
	zone, err := s.store.UserTimeZone(ctx, userID)
	if err != nil {
		return rep.ImportReport, fmt.Errorf("starting an import: %w", err)
	}
	loc := dates.Zone(zone)
	var read func(ctx context.Context, w *writer) error
	switch format {
	case api.FormatJSON:
		read = func(ctx context.Context, w *writer) error { return readJSON(ctx, r, w) }
	case api.FormatTodoistCSV:
		name := opts.ProjectName
		if name == "" {
			name = DefaultTodoistProject
		}
		read = func(ctx context.Context, w *writer) error { return readTodoist(ctx, r, w, name) }
	default:
		return rep.ImportReport, ErrFormat
	}
	err = s.store.Import(ctx, userID, !dryRun, func(ctx context.Context, im *store.Importer) error {
		inbox, err := im.Inbox(ctx)
		if err != nil {
			return err
		}
		w := &writer{im: im, rep: rep, userID: userID, loc: loc, now: s.now(), inbox: inbox.ID,
			next: map[int64]string{}, linkOf: map[string]int{}}
		if err := read(ctx, w); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		if err := w.linkParents(ctx); err != nil {
			return err
		}
		rep.TagsCreated = im.TagsCreated
		if rep.ErrorCount > 0 {
			return ErrRowsInvalid
		}
		return nil
	})
	rep.finish()
	switch {
	case errors.Is(err, ErrRowsInvalid):
		rep.TasksCreated, rep.ConversationsCreated, rep.TagsCreated, rep.ProjectsCreated, rep.SectionsCreated = 0, 0, 0, 0, 0
		return rep.ImportReport, ErrRowsInvalid
	case err != nil:
		return rep.ImportReport, err
	}
	rep.Imported = !dryRun
	return rep.ImportReport, nil
}

// report collects what happened; notes are counted by kind and written
// out at the end.
type report struct {
	api.ImportReport
	counts map[string]int
	order  [][2]string
}

func (r *report) fail(in string, row int, field, format string, args ...any) {
	r.ErrorCount++
	if len(r.Errors) < MaxReportedErrors {
		r.Errors = append(r.Errors, api.ImportError{In: in, Row: row, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

// note counts one occurrence of a remark, said with "%d" as the count:
// one for one occurrence, many for more.
func (r *report) note(one, many string) {
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	if r.counts[many] == 0 {
		r.order = append(r.order, [2]string{one, many})
	}
	r.counts[many]++
}

func (r *report) finish() {
	for _, remark := range r.order {
		n := r.counts[remark[1]]
		text := remark[1]
		if n == 1 {
			text = remark[0]
		}
		r.Notes = append(r.Notes, strings.ReplaceAll(text, "%d", strconv.Itoa(n)))
	}
	if r.ErrorCount > len(r.Errors) {
		r.Notes = append(r.Notes, fmt.Sprintf("%d more problems are not listed; fix the first ones and preview again", r.ErrorCount-len(r.Errors)))
	}
}

// writer batches checked rows into the import's transaction. After the
// first row error it stops writing and only checks, so the report lists
// every problem in one pass.
type writer struct {
	im     *store.Importer
	rep    *report
	userID string
	loc    *time.Location
	now    time.Time

	tasks []store.Task
	tags  [][]string
	// own holds ids of keys "todo-app:<this user>:<id>": the account's
	// own tasks, exported and imported back.
	own []int64

	// inbox is the person's Inbox: a task of no project goes there.
	inbox int64
	// gone are the file's projects (by key) the person deleted after an
	// earlier import: they stay deleted.
	gone map[string]bool
	// next is the position the next task without one of its own takes
	// in each project: after the last, in file order.
	next map[int64]string
	// links are the file's subtasks with their parents (linkOf: by the
	// subtask's key), linked when the whole file is in.
	links  []link
	linkOf map[string]int
	// checkDepth: the file's own nesting is checked (a JSON file says
	// each parent; a Todoist file's INDENT is bounded as it is read).
	checkDepth bool
	// projects and sections are the file's, by key (JSON).
	projects map[string]int64
	sections map[string]store.Section
	// projectCount counts the person's live projects once the import
	// made one (0 before).
	projectCount int
}

// link is a subtask of the file and its parent.
type link struct {
	store.Link
	in       string
	row      int
	inserted bool
}

func (w *writer) failed() bool { return w.rep.ErrorCount > 0 }

// addTask queues a checked task; its ImportKey is set, and its ProjectID
// unless it goes to the Inbox. Without a Position it goes last in its
// project, in file order. parent is its parent's key ("" for none).
func (w *writer) addTask(ctx context.Context, t store.Task, tags []string, parent string, row int) error {
	w.rep.Rows++
	if w.failed() {
		return nil
	}
	if t.ProjectID == 0 {
		t.ProjectID = w.inbox
	}
	if err := w.place(ctx, &t); err != nil {
		return err
	}
	if parent != "" {
		l := link{Link: store.Link{Child: *t.ImportKey, Parent: parent}, row: row}
		if w.checkDepth {
			l.in = "tasks" // a JSON file's array; a CSV file's rows are its own
		}
		if id, ok := ownID(w.userID, parent, ""); ok {
			l.ParentID = id
		}
		if _, dup := w.linkOf[l.Child]; !dup {
			w.linkOf[l.Child] = len(w.links)
			w.links = append(w.links, l)
		}
	}
	if id, ok := ownID(w.userID, *t.ImportKey, ""); ok {
		w.own = append(w.own, id)
	}
	w.tasks = append(w.tasks, t)
	w.tags = append(w.tags, tags)
	if len(w.tasks) >= importBatch {
		return w.flush(ctx)
	}
	return nil
}

// flush writes the queued tasks, leaving out those the account has.
func (w *writer) flush(ctx context.Context) error {
	if len(w.tasks) == 0 || w.failed() {
		w.tasks, w.tags, w.own = w.tasks[:0], w.tags[:0], w.own[:0]
		return nil
	}
	have, err := w.im.OwnTasks(ctx, w.own)
	if err != nil {
		return err
	}
	keep, keepTags := w.tasks[:0], w.tags[:0]
	for i, t := range w.tasks {
		if id, ok := ownID(w.userID, *t.ImportKey, ""); ok && have[id] {
			w.rep.TasksSkipped++
			continue
		}
		keep, keepTags = append(keep, t), append(keepTags, w.tags[i])
	}
	inserted, err := w.im.AddTasks(ctx, keep, keepTags)
	if err != nil {
		return err
	}
	for key := range inserted {
		if i, ok := w.linkOf[key]; ok {
			w.links[i].inserted = true
		}
	}
	w.rep.TasksCreated += len(inserted)
	w.rep.TasksSkipped += len(keep) - len(inserted)
	w.tasks, w.tags, w.own = w.tasks[:0], w.tags[:0], w.own[:0]
	return nil
}

// ownID reads a key of the form todo-app:<user>:<prefix><id> naming this user.
func ownID(userID, key, prefix string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "todo-app:"+userID+":"+prefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// checkKey is the dedupe key's rule.
func checkKey(key string) string {
	switch {
	case strings.TrimSpace(key) == "":
		return "is required (it identifies the row, so that importing the file twice creates nothing the second time)"
	case len(key) > maxKey:
		return fmt.Sprintf("must be at most %d bytes", maxKey)
	case !utf8.ValidString(key) || strings.ContainsRune(key, 0):
		return "must be text without NUL characters"
	}
	return ""
}

// readJSON streams our export: the header fields, then the tasks and the
// conversations one element at a time.
func readJSON(ctx context.Context, r io.Reader, w *writer) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fileErr("this is not a todo-app export: it must be a JSON object (%s)", jsonProblem(err, dec))
	}
	var fileZone *time.Location
	version := 1 // a file without one is read as the first shape
	sawKind := false
	w.checkDepth = true
	w.projects = map[string]int64{api.ExportInboxKey: w.inbox}
	w.sections = map[string]store.Section{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fileErr("this is not valid JSON: %s", jsonProblem(err, dec))
		}
		name, _ := t.(string)
		switch name {
		case "kind":
			var kind string
			if err := dec.Decode(&kind); err != nil || kind != api.ExportKind {
				return fileErr("this is not a todo-app export: its kind is not %q", api.ExportKind)
			}
			sawKind = true
		case "version":
			var v int
			if err := dec.Decode(&v); err != nil {
				return fileErr("the export's version must be a number")
			}
			if v > api.ExportVersion {
				return fileErr("this export was made by a newer todo-app (version %d; this one reads up to %d): update first", v, api.ExportVersion)
			}
			version = v
		case "user":
			var u api.User
			if err := dec.Decode(&u); err != nil {
				return fileErr("the export's user is not readable: %s", jsonProblem(err, dec))
			}
			if u.TimeZone != "" {
				fileZone = dates.Zone(u.TimeZone)
			}
		case "tags":
			if err := eachElement(dec, "tags", func(i int) error { return w.readTag(ctx, dec, i) }); err != nil {
				return err
			}
		case "projects":
			if err := eachElement(dec, "projects", func(i int) error { return w.readProject(ctx, dec, i) }); err != nil {
				return err
			}
		case "sections":
			if err := eachElement(dec, "sections", func(i int) error { return w.readSection(ctx, dec, i) }); err != nil {
				return err
			}
		case "tasks":
			if err := eachElement(dec, "tasks", func(i int) error { return w.readTask(ctx, dec, i, fileZone, version) }); err != nil {
				return err
			}
		case "conversations":
			if err := w.flush(ctx); err != nil {
				return err
			}
			if err := eachElement(dec, "conversations", func(i int) error { return w.readConversation(ctx, dec, i) }); err != nil {
				return err
			}
		default:
			// A field a later version added: skipped.
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fileErr("this is not valid JSON: %s", jsonProblem(err, dec))
			}
		}
	}
	if !sawKind {
		return fileErr("this is not a todo-app export: it has no \"kind\": %q", api.ExportKind)
	}
	if _, err := dec.Token(); err != nil {
		return fileErr("the file ends too early: %s", jsonProblem(err, dec))
	}
	return nil
}

// yearProblem is what is wrong with a time of the file (nil or zero: not
// given, which is fine): one outside the years every time a person sends
// is held to (pkg/dates).
func yearProblem(t *time.Time) string {
	if t == nil || t.IsZero() || dates.InYears(*t) {
		return ""
	}
	return dates.YearProblem
}

// jsonProblem says where a JSON file went wrong.
func jsonProblem(err error, dec *json.Decoder) string {
	if err == nil {
		return "unexpected content"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the file ends too early"
	}
	return fmt.Sprintf("%v (near byte %d)", err, dec.InputOffset())
}

// eachElement walks the array dec is at, calling fn for each element.
func eachElement(dec *json.Decoder, name string, fn func(i int) error) error {
	t, err := dec.Token()
	if err == nil && t == nil {
		// null: none (a file written before the list existed, or by a
		// client that leaves empty lists null).
		return nil
	}
	if err != nil || t != json.Delim('[') {
		return fileErr("%q must be an array (%s)", name, jsonProblem(err, dec))
	}
	for i := 1; dec.More(); i++ {
		if err := fn(i); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fileErr("this is not valid JSON: %s", jsonProblem(err, dec))
	}
	return nil
}

// decodeRow decodes one element; a value of the wrong type is a row
// error (the decoder has read past it), broken JSON ends the import.
func (w *writer) decodeRow(dec *json.Decoder, in string, row int, v any) (bool, error) {
	err := dec.Decode(v)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &typeErr):
		w.rep.fail(in, row, typeErr.Field, "must be %s, not %s", jsonType(typeErr.Type.Kind().String()), typeErr.Value)
		return false, nil
	}
	return false, fileErr("this is not valid JSON: %s", jsonProblem(err, dec))
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "a number"
}

func (w *writer) readTag(ctx context.Context, dec *json.Decoder, row int) error {
	var name string
	if ok, err := w.decodeRow(dec, "tags", row, &name); !ok {
		return err
	}
	tags, problem := tasks.CheckTags([]string{name})
	if problem != "" {
		w.rep.fail("tags", row, "", "%s", problem)
		return nil
	}
	if w.failed() || len(tags) == 0 {
		return nil
	}
	_, err := w.im.AddTags(ctx, tags)
	return err
}

func (w *writer) readTask(ctx context.Context, dec *json.Decoder, row int, fileZone *time.Location, version int) error {
	var x api.ExportTask
	if ok, err := w.decodeRow(dec, "tasks", row, &x); !ok {
		return err
	}
	in := x.TaskFields.Input()
	in.Tags = x.Tags
	if version < 2 && x.DueDate == nil && x.DueAt != nil {
		// A version-1 file has no due_date: a date alone was an instant.
		zone := fileZone
		if zone == nil {
			zone = w.loc
		}
		if d, ok := versionOneDate(*x.DueAt, zone, x.Recurrence != "" && x.Recurrence != api.RecurNone); ok {
			s := d.String()
			in.DueDate, in.DueAt = &s, nil
		}
	}
	t, tags, fe := tasks.Check(in, w.loc)
	if p := checkKey(x.Key); p != "" {
		fe["key"] = p
	}
	for field, at := range map[string]*time.Time{"completed_at": x.CompletedAt, "created_at": &x.CreatedAt, "updated_at": &x.UpdatedAt} {
		if p := yearProblem(at); p != "" {
			fe[field] = p
		}
	}
	if len(fe) == 0 {
		rs, problem := w.reminders(x.Reminders, t)
		if problem != "" {
			fe["reminders"] = problem
		}
		t.Reminders = rs
	}
	for _, f := range slices.Sorted(maps.Keys(fe)) {
		w.rep.fail("tasks", row, f, "%s", fe[f])
	}
	if len(fe) > 0 {
		w.rep.Rows++
		return nil
	}
	key := x.Key
	t.ImportKey = &key
	if !w.placeTask(&t, x, row) {
		w.rep.Rows++
		return nil
	}
	t.Completed = x.Completed
	if t.Completed {
		t.CompletedAt = x.CompletedAt
		if t.CompletedAt == nil || t.CompletedAt.IsZero() {
			now := w.now
			t.CompletedAt = &now
		}
	}
	t.CreatedAt, t.UpdatedAt = x.CreatedAt, x.UpdatedAt
	return w.addTask(ctx, t, tags, x.ParentKey, row)
}

// versionOneDate is the all-day date a version-1 file meant by the
// instant due, written in zone (the file's user.time_zone, else this
// account's), by the rule the migration of stored rows follows (package
// store, inferAllDay): 23:59:59 in that zone, or 23:59:59 UTC (a date sent
// before the date rule, which its migration put there for everyone); for
// a repeating series (recurring) also 00:59:59 the next day or 22:59:59,
// an occurrence computed in UTC that drifted with a DST change. Any other
// instant was a time.
func versionOneDate(due time.Time, zone *time.Location, recurring bool) (dates.Date, bool) {
	clock := due.In(zone).Format(time.TimeOnly)
	switch {
	case clock == dates.EndOfDayClock:
		return dates.DateOf(due, zone), true
	case due.UTC().Format(time.TimeOnly) == dates.EndOfDayClock:
		return dates.DateOf(due, time.UTC), true
	case recurring && clock == "00:59:59":
		return dates.DateOf(due, zone).AddDays(-1), true
	case recurring && clock == "22:59:59":
		return dates.DateOf(due, zone), true
	}
	return dates.Date{}, false
}

// reminders checks an imported task's reminders (tasks.ImportedReminders)
// with one exception: on an all-day task, a reminder "minutes before"
// without a time of day — the old default reminder, which a version-1
// file carries on its dates and the migration kept on stored ones — is
// kept as the migration keeps it, without a time to fire (it fires again
// if the task gets a time), and the report says so, rather than refusing
// the whole file.
func (w *writer) reminders(raw []api.ExportReminder, t store.Task) ([]store.Reminder, string) {
	allDay := t.DueDate != nil
	if !allDay || len(raw) > api.MaxReminders {
		return tasks.ImportedReminders(raw, t.DueAt, allDay, w.loc, w.now)
	}
	out := make([]store.Reminder, 0, len(raw))
	for i, r := range raw {
		if r.At != nil || r.AtTime != "" || r.BeforeMinutes == nil {
			rs, problem := tasks.ImportedReminders([]api.ExportReminder{r}, t.DueAt, allDay, w.loc, w.now)
			if problem != "" {
				// Checked alone, it was reminder 1: say which it is.
				return nil, fmt.Sprintf("reminder %d: %s", i+1, strings.TrimPrefix(problem, "reminder 1: "))
			}
			out = append(out, rs...)
			continue
		}
		n := *r.BeforeMinutes
		if n < 0 || n > tasks.MaxBeforeMinutes {
			return nil, fmt.Sprintf("reminder %d: before_minutes must be between 0 and %d (30 days)", i+1, tasks.MaxBeforeMinutes)
		}
		row := store.Reminder{BeforeMinutes: &n}
		if r.Fired {
			fired := w.now.UTC()
			row.FiredAt = &fired
		}
		w.rep.note("1 reminder set minutes before an all-day date was kept but does not fire: give it a time of day (such as 09:00) to have it fire",
			"%d reminders set minutes before all-day dates were kept but do not fire: give them a time of day (such as 09:00) to have them fire")
		out = append(out, row)
	}
	return out, ""
}

func (w *writer) readConversation(ctx context.Context, dec *json.Decoder, row int) error {
	var x api.ExportConversation
	if ok, err := w.decodeRow(dec, "conversations", row, &x); !ok {
		return err
	}
	w.rep.Rows++
	bad := false
	fail := func(field, format string, args ...any) {
		bad = true
		w.rep.fail("conversations", row, field, format, args...)
	}
	if p := checkKey(x.Key); p != "" {
		fail("key", "%s", p)
	}
	for _, field := range []string{"created_at", "updated_at"} {
		if p := yearProblem(map[string]*time.Time{"created_at": &x.CreatedAt, "updated_at": &x.UpdatedAt}[field]); p != "" {
			fail(field, "%s", p)
		}
	}
	x.Title = strings.TrimSpace(x.Title)
	if utf8.RuneCountInString(x.Title) > conversations.MaxTitle || strings.ContainsRune(x.Title, 0) {
		fail("title", "must be at most %d characters, without NUL characters", conversations.MaxTitle)
	}
	msgs := make([]store.Message, len(x.Messages))
	for i, m := range x.Messages {
		// The rules of a message added through the API.
		in := api.MessageInput{Role: m.Role, Content: m.Content, ToolCalls: m.ToolCalls}
		problems := conversations.CheckMessage(in)
		for _, f := range slices.Sorted(maps.Keys(problems)) {
			fail(fmt.Sprintf("messages[%d].%s", i, f), "%s", problems[f])
		}
		if strings.ContainsRune(m.Content, 0) {
			fail(fmt.Sprintf("messages[%d].content", i), "must not contain NUL characters")
		}
		if p := yearProblem(&m.CreatedAt); p != "" {
			fail(fmt.Sprintf("messages[%d].created_at", i), "%s", p)
		}
		msgs[i] = store.Message{Role: m.Role, Content: m.Content, ToolCalls: m.ToolCalls, CreatedAt: m.CreatedAt}
		if string(m.ToolCalls) == "null" {
			msgs[i].ToolCalls = nil
		}
	}
	if bad || w.failed() {
		return nil
	}
	if id, ok := ownID(w.userID, x.Key, "c"); ok {
		have, err := w.im.OwnConversations(ctx, []int64{id})
		if err != nil {
			return err
		}
		if have[id] {
			w.rep.ConversationsSkipped++
			return nil
		}
	}
	key := x.Key
	c := store.Conversation{Title: x.Title, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt, ImportKey: &key}
	created, err := w.im.AddConversation(ctx, &c, msgs)
	if err != nil {
		return err
	}
	if created {
		w.rep.ConversationsCreated++
	} else {
		w.rep.ConversationsSkipped++
	}
	return nil
}

// place gives t a position when it has none: after the last task of its
// project, the previous one of the file included.
func (w *writer) place(ctx context.Context, t *store.Task) error {
	next, ok := w.next[t.ProjectID]
	if !ok {
		var err error
		if next, err = w.im.NextPosition(ctx, t.ProjectID); err != nil {
			return err
		}
	}
	if t.Position == "" {
		t.Position = next
	} else if !position.Less(t.Position, next) {
		// A position of the file's own: the ones without go after it.
		next = t.Position
	}
	after, err := position.Between(next, "")
	if err != nil {
		return fmt.Errorf("placing imported task %q: %w", t.Title, err)
	}
	w.next[t.ProjectID] = after
	return nil
}

// linkParents checks the file's nesting (a JSON file: neither deeper than
// api.MaxSubtaskDepth nor a cycle) and puts every subtask this import
// created under its parent.
func (w *writer) linkParents(ctx context.Context) error {
	if w.checkDepth {
		for _, l := range w.links {
			depth, k := 1, l.Parent
			for i, ok := w.linkOf[k]; ok && depth <= api.MaxSubtaskDepth; i, ok = w.linkOf[k] {
				depth++
				k = w.links[i].Parent
			}
			if depth > api.MaxSubtaskDepth {
				w.rep.fail(l.in, l.row, "parent_key", "puts the task more than %d levels below a top-level task, or under itself", api.MaxSubtaskDepth)
			}
		}
	}
	if w.failed() {
		return nil
	}
	batch := make([]store.Link, 0, importBatch)
	for _, l := range w.links {
		if !l.inserted {
			continue
		}
		batch = append(batch, l.Link)
		if len(batch) == importBatch {
			if err := w.im.SetParents(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return w.im.SetParents(ctx, batch)
}

// placeTask reads where a task of the file goes: its project and section
// by the keys the file's projects and sections have, and its position.
func (w *writer) placeTask(t *store.Task, x api.ExportTask, row int) bool {
	ok := true
	if x.ProjectKey != "" {
		id, found := w.projects[x.ProjectKey]
		if !found {
			ok = false
			w.rep.fail("tasks", row, "project_key", "is not the key of one of the file's projects (they come before the tasks)")
		}
		t.ProjectID = id
	}
	if x.SectionKey != "" {
		sec, found := w.sections[x.SectionKey]
		switch {
		case !found:
			ok = false
			w.rep.fail("tasks", row, "section_key", "is not the key of one of the file's sections (they come before the tasks)")
		case sec.ProjectID != t.ProjectID && !(t.ProjectID == 0 && sec.ProjectID == w.inbox):
			ok = false
			w.rep.fail("tasks", row, "section_key", "is a section of another project than project_key's")
		case sec.ID == 0:
			// A section deleted here since an earlier import: the task
			// goes to its project's top level.
			t.ProjectID = sec.ProjectID
		default:
			t.ProjectID, t.SectionID = sec.ProjectID, &sec.ID
		}
	}
	if x.Position != "" && !position.Valid(x.Position) {
		ok = false
		w.rep.fail("tasks", row, "position", "must be a decimal number such as 3 or 2.5")
	}
	if x.ParentKey != "" && checkKey(x.ParentKey) != "" {
		ok = false
		w.rep.fail("tasks", row, "parent_key", "%s", checkKey(x.ParentKey))
	}
	t.Position = x.Position
	return ok
}

func (w *writer) readProject(ctx context.Context, dec *json.Decoder, row int) error {
	var x api.ExportProject
	if ok, err := w.decodeRow(dec, "projects", row, &x); !ok {
		return err
	}
	fail := func(field, format string, args ...any) { w.rep.fail("projects", row, field, format, args...) }
	bad := false
	if p := checkKey(x.Key); p != "" {
		bad = true
		fail("key", "%s", p)
	}
	if _, dup := w.projects[x.Key]; dup && !x.Inbox {
		bad = true
		fail("key", "is the key of an earlier project of the file")
	}
	fe := map[string]string{}
	name := projects.CleanName(x.Name, "name", fe)
	color := projects.CleanColor(x.Color, fe)
	if x.Position != "" && !position.Valid(x.Position) {
		fe["position"] = "must be a decimal number such as 3 or 2.5"
	}
	if x.Inbox && x.Archived {
		fe["archived"] = "the Inbox cannot be archived"
	}
	for _, f := range slices.Sorted(maps.Keys(fe)) {
		bad = true
		fail(f, "%s", fe[f])
	}
	if bad || w.failed() {
		return nil
	}
	if x.Inbox {
		// The file's Inbox is the person's: its tasks go there, and the
		// person's Inbox keeps its name.
		w.projects[x.Key] = w.inbox
		return nil
	}
	if id, ok := ownID(w.userID, x.Key, "p"); ok {
		p, found, err := w.im.OwnProject(ctx, id)
		if err != nil {
			return err
		}
		if found {
			w.projects[x.Key] = p.ID
			return nil
		}
	}
	key := x.Key
	p := store.Project{Name: name, Color: color, Position: x.Position, Archived: x.Archived, ImportKey: &key}
	_, over, err := w.importProject(ctx, &p)
	if err != nil {
		return err
	}
	if over {
		fail("", "would be one project more than the %d an account keeps", projects.MaxProjects)
		return nil
	}
	if p.ID == 0 {
		// Imported before and deleted here since: it stays deleted; the
		// file's tasks of it that are new go to the Inbox.
		w.projects[x.Key] = w.inbox
		if w.gone == nil {
			w.gone = map[string]bool{}
		}
		w.gone[x.Key] = true
		w.rep.note("a project you deleted after importing it stays deleted; its new tasks go to the Inbox",
			"projects you deleted after importing them stay deleted; their new tasks go to the Inbox")
		return nil
	}
	w.projects[x.Key] = p.ID
	return nil
}

// importProject finds or creates p; over says the person would have more
// projects than they may keep (projects.MaxProjects).
func (w *writer) importProject(ctx context.Context, p *store.Project) (created, over bool, err error) {
	created, err = w.im.ImportProject(ctx, p)
	if err != nil || !created {
		return false, false, err
	}
	w.rep.ProjectsCreated++
	if w.projectCount == 0 {
		if w.projectCount, err = w.im.CountProjects(ctx); err != nil {
			return false, false, err
		}
	} else {
		w.projectCount++
	}
	return true, w.projectCount > projects.MaxProjects, nil
}

func (w *writer) readSection(ctx context.Context, dec *json.Decoder, row int) error {
	var x api.ExportSection
	if ok, err := w.decodeRow(dec, "sections", row, &x); !ok {
		return err
	}
	fail := func(field, format string, args ...any) { w.rep.fail("sections", row, field, format, args...) }
	fe := map[string]string{}
	if p := checkKey(x.Key); p != "" {
		fe["key"] = p
	} else if _, dup := w.sections[x.Key]; dup {
		fe["key"] = "is the key of an earlier section of the file"
	}
	projectID, found := w.projects[x.ProjectKey]
	if !found {
		fe["project_key"] = "is not the key of one of the file's projects (they come before the sections)"
	}
	name := projects.CleanName(x.Name, "name", fe)
	if x.Position != "" && !position.Valid(x.Position) {
		fe["position"] = "must be a decimal number such as 3 or 2.5"
	}
	for _, f := range slices.Sorted(maps.Keys(fe)) {
		fail(f, "%s", fe[f])
	}
	if len(fe) > 0 || w.failed() {
		return nil
	}
	if id, ok := ownID(w.userID, x.Key, "s"); ok {
		sec, found, err := w.im.OwnSection(ctx, id)
		if err != nil {
			return err
		}
		if found && sec.ProjectID == projectID {
			w.sections[x.Key] = sec
			return nil
		}
	}
	key := x.Key
	sec := store.Section{ProjectID: projectID, Name: name, Position: x.Position, ImportKey: &key}
	if w.gone[x.ProjectKey] {
		// A section of a project deleted here: gone with it.
		w.sections[x.Key] = store.Section{ProjectID: projectID}
		return nil
	}
	created, err := w.im.ImportSection(ctx, &sec, false)
	if err != nil {
		return err
	}
	if created {
		w.rep.SectionsCreated++
	}
	w.sections[x.Key] = sec
	return nil
}
