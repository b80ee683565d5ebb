package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/projects"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/intent"
)

// Todoist's CSV template, as its help centre describes it: a header of
// the columns TYPE, CONTENT, DESCRIPTION, PRIORITY, INDENT, AUTHOR,
// RESPONSIBLE, DATE, DATE_LANG, TIMEZONE, DURATION, DURATION_UNIT,
// DEADLINE and DEADLINE_LANG; a second row "meta,view_style=list" (or
// board); then one row per task, section or note (a comment on the task
// above), with empty rows between sections. INDENT nests a task under the
// task above it with a smaller INDENT (1 is the top level). Labels are
// written into CONTENT as @label.
//
// One file is one project (ImportOptions.ProjectName, else
// DefaultTodoistProject) with the file's sections in order, its tasks
// nested by INDENT, in file order. Todoist keeps four levels of
// sub-tasks, as we do (api.MaxSubtaskDepth); a deeper INDENT is attached
// at the deepest level, said in the report.
//
// What has no field here is kept in the task's description, one line
// each, rather than dropped: RESPONSIBLE (until tasks can be shared),
// DURATION with DURATION_UNIT, and DEADLINE (with DEADLINE_LANG when not
// English); so is a DATE written in a language other than English, which
// we cannot read: the task is imported without a date. Note rows follow,
// each a paragraph.
//
// PRIORITY in the template counts as the app shows it: 1 is p1, the
// highest, and 4 is p4, the lowest — the opposite of Todoist's REST API,
// where 4 is the most urgent. p1 becomes high, p2 medium, p3 and p4 low,
// as in our quick add. An empty cell, which Todoist itself would read as
// p1, becomes medium here: a template without priorities should not turn
// every task urgent.
var reLabel = regexp.MustCompile(`(?:^|\s)@([\p{L}\p{N}_\-./]+)`)

// DefaultTodoistProject names the project a Todoist file becomes when the
// import is not given a name (the upload does not carry the file's).
const DefaultTodoistProject = "Imported from Todoist"

// todoistTask is a task row waiting for the note rows that follow it.
type todoistTask struct {
	row    int
	key    string
	parent string
	in     api.TaskInput
	notes  []string
}

// projectKeyRows is how many task and section rows key a file's project.
const projectKeyRows = 3

// todoistProject is the project a Todoist file becomes, made at its first
// task or section row: keyed by the file's first rows, so that the same
// file imported again finds it (whatever it is called now) rather than
// making another.
type todoistProject struct {
	name    string
	id      int64
	section *int64
	// created: this import made the project; else an earlier import
	// of the file did, and its sections are found by name.
	created bool
	// chain is the key of the last task at each INDENT, the parents of
	// the rows that follow.
	chain []string
}

// resolve finds or makes the file's project, keyed by the file's first
// rows of content (projectKeyRows of them).
func (tp *todoistProject) resolve(ctx context.Context, w *writer, firstKey string) error {
	if tp.id != 0 {
		return nil
	}
	key := "todoist-project:" + firstKey
	p := store.Project{Name: tp.name, Color: "grey", ImportKey: &key}
	created, over, err := w.importProject(ctx, &p)
	if err != nil {
		return err
	}
	if over {
		w.rep.fail("", 0, "", "this file would be one project more than the %d an account keeps", projects.MaxProjects)
	}
	tp.id, tp.created = p.ID, created
	return nil
}

// readTodoist reads the CSV row by row. Each task's key is a hash of its
// row (with a count for identical rows), so importing the same file again
// creates nothing.
func readTodoist(ctx context.Context, r io.Reader, w *writer, name string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fileErr("the file is empty")
	}
	if err != nil {
		return fileErr("this is not a CSV file: %v", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"TYPE", "CONTENT"} {
		if _, ok := cols[need]; !ok {
			return fileErr("this is not a Todoist CSV file: its first row needs the columns TYPE and CONTENT (found %s)", strings.Join(header, ", "))
		}
	}
	// The file's project is keyed by its first rows of content, read
	// ahead (the rest still streams): the same file — or the same file
	// with tasks added at its end — finds the project it made, while two
	// files that merely start alike (two boards whose first section is
	// "To Do") make two.
	type record struct {
		rec []string
		row int
	}
	cell := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var ahead []record
	var readErr error
	fileKey := sha256.New()
	for content := 0; content < projectKeyRows; {
		rec, err := cr.Read()
		if err != nil {
			readErr = err
			break
		}
		row, _ := cr.FieldPos(0)
		ahead = append(ahead, record{rec, row})
		if typ := cell(rec, "TYPE"); typ == "task" || typ == "section" {
			fmt.Fprintf(fileKey, "%s\x00%s\x00%s\x00", typ, cell(rec, "CONTENT"), cell(rec, "INDENT"))
			content++
		}
	}
	projectKey := "file:" + hex.EncodeToString(fileKey.Sum(nil)[:12])
	next := func() ([]string, int, error) {
		if len(ahead) > 0 {
			r := ahead[0]
			ahead = ahead[1:]
			return r.rec, r.row, nil
		}
		if readErr != nil {
			return nil, 0, readErr
		}
		rec, err := cr.Read()
		row, _ := cr.FieldPos(0)
		return rec, row, err
	}
	tp := &todoistProject{name: name}
	seen := map[string]int{}
	var pending *todoistTask
	finish := func() error {
		if pending == nil {
			return nil
		}
		p := pending
		pending = nil
		if len(p.notes) > 0 {
			p.in.Description = strings.TrimSpace(p.in.Description + "\n\n" + strings.Join(p.notes, "\n\n"))
		}
		t, tags, fe := tasks.Check(p.in, w.loc)
		if len(fe) > 0 {
			w.rep.Rows++
			for _, f := range []string{"title", "description", "priority", "due_date", "due_at", "recurrence", "recurrence_interval", "tags"} {
				if msg, bad := fe[f]; bad {
					w.rep.fail("", p.row, todoistColumn[f], "%s", msg)
				}
			}
			return nil
		}
		t.ImportKey = &p.key
		t.ProjectID, t.SectionID = tp.id, tp.section
		return w.addTask(ctx, t, tags, p.parent, p.row)
	}
	for {
		rec, row, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fileErr("row %d is not valid CSV: %v", pe.StartLine, pe.Err)
		}
		if err != nil {
			return fmt.Errorf("reading the CSV file: %w", err)
		}
		get := func(name string) string { return cell(rec, name) }
		switch typ := get("TYPE"); typ {
		case "":
			// Todoist separates sections with empty rows.
		case "meta":
			// The view (view_style=list or board): every project here is
			// shown as a list.
		case "section":
			if err := finish(); err != nil {
				return err
			}
			fe := map[string]string{}
			name := projects.CleanName(get("CONTENT"), "CONTENT", fe)
			if msg, bad := fe["CONTENT"]; bad {
				w.rep.fail("", row, "CONTENT", "a section's name %s", msg)
				continue
			}
			if err := tp.resolve(ctx, w, projectKey); err != nil {
				return err
			}
			tp.chain = tp.chain[:0]
			if w.failed() {
				continue
			}
			sec := store.Section{ProjectID: tp.id, Name: name}
			created, err := w.im.ImportSection(ctx, &sec, !tp.created)
			if err != nil {
				return err
			}
			if created {
				w.rep.SectionsCreated++
			}
			tp.section = &sec.ID
		case "note":
			if pending == nil {
				w.rep.fail("", row, "TYPE", "a note must follow the task it belongs to")
				continue
			}
			pending.notes = append(pending.notes, get("CONTENT"))
		case "task":
			if err := finish(); err != nil {
				return err
			}
			p, ok := todoistRow(w, row, get)
			if !ok {
				w.rep.Rows++
				continue
			}
			seen[p.key]++
			p.key = fmt.Sprintf("%s:%d", p.key, seen[p.key])
			if err := tp.resolve(ctx, w, projectKey); err != nil {
				return err
			}
			p.parent = tp.nest(w, get("INDENT"), p.key)
			pending = p
		default:
			w.rep.fail("", row, "TYPE", "must be task, section, note or meta (in lowercase), not %q", typ)
		}
	}
	if err := finish(); err != nil {
		return err
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	if tp.created && w.rep.TasksCreated == 0 && !w.failed() {
		// Every task was already here (a file imported before imports
		// made projects): the new project would stand empty.
		if err := w.im.DropProject(ctx, tp.id); err != nil {
			return err
		}
		w.rep.ProjectsCreated, w.rep.SectionsCreated = 0, 0
	}
	return nil
}

// nest reads a task's INDENT and returns its parent's key ("" at the top
// level); key becomes the parent of the rows below it with a larger
// INDENT. An INDENT past the last task's plus one hangs under that task;
// one deeper than the levels we keep, at the deepest level.
func (tp *todoistProject) nest(w *writer, indent, key string) string {
	level, err := strconv.Atoi(indent)
	if err != nil || level < 1 {
		level = 1
	}
	if level > api.MaxSubtaskDepth+1 {
		w.rep.note(fmt.Sprintf("1 sub-task was nested deeper than the %d levels kept here: it was put at the deepest level", api.MaxSubtaskDepth),
			fmt.Sprintf("%%d sub-tasks were nested deeper than the %d levels kept here: they were put at the deepest level", api.MaxSubtaskDepth))
		level = api.MaxSubtaskDepth + 1
	}
	if len(tp.chain) > level-1 {
		tp.chain = tp.chain[:level-1]
	}
	parent := ""
	if len(tp.chain) > 0 {
		parent = tp.chain[len(tp.chain)-1]
	}
	tp.chain = append(tp.chain, key)
	return parent
}

// todoistColumn names the column each of our fields comes from.
var todoistColumn = map[string]string{"title": "CONTENT", "tags": "CONTENT", "description": "DESCRIPTION",
	"priority": "PRIORITY", "due_date": "DATE", "due_at": "DATE", "recurrence": "DATE", "recurrence_interval": "DATE"}

// todoistRow reads one task row; problems go to the report.
func todoistRow(w *writer, row int, get func(string) string) (*todoistTask, bool) {
	ok := true
	fail := func(col, format string, args ...any) {
		ok = false
		w.rep.fail("", row, col, format, args...)
	}
	content := get("CONTENT")
	in := api.TaskInput{}
	for _, m := range reLabel.FindAllStringSubmatch(content, -1) {
		in.Tags = append(in.Tags, m[1])
	}
	in.Title = strings.Join(strings.Fields(reLabel.ReplaceAllString(content, " ")), " ")
	switch p := get("PRIORITY"); p {
	case "":
		in.Priority = api.PriorityMedium
	case "1", "2", "3", "4":
		in.Priority = intent.PriorityOf("p" + p)
	default:
		fail("PRIORITY", "must be 1, 2, 3 or 4 (1 is p1, the highest), not %q", p)
	}
	if i := get("INDENT"); i != "" {
		if n, err := strconv.Atoi(i); err != nil || n < 1 {
			fail("INDENT", "must be a whole number from 1 (the top level), not %q", i)
		}
	}
	// kept: the columns with no field here, as lines of the description.
	var kept []string
	if who := get("RESPONSIBLE"); who != "" {
		kept = append(kept, "Responsible: "+who)
		w.rep.note("1 task was assigned to someone: the assignee is kept in its description",
			"%d tasks were assigned to someone: the assignees are kept in their descriptions")
	}
	if d := get("DURATION"); d != "" {
		kept = append(kept, strings.TrimSpace("Duration: "+d+" "+get("DURATION_UNIT")))
		w.rep.note("1 task had a duration: it is kept in its description", "%d tasks had a duration: it is kept in their descriptions")
	}
	if d := get("DEADLINE"); d != "" {
		if lang := get("DEADLINE_LANG"); lang != "" && !strings.EqualFold(lang, "en") {
			d += " (" + lang + ")"
		}
		kept = append(kept, "Deadline: "+d)
		w.rep.note("1 task had a deadline: it is kept in its description", "%d tasks had a deadline: it is kept in their descriptions")
	}
	zone := w.loc
	if z := get("TIMEZONE"); z != "" {
		loc, err := time.LoadLocation(z)
		if err != nil {
			fail("TIMEZONE", "is not a time zone name such as Europe/Paris: %q", z)
		} else {
			zone = loc
		}
	}
	if date := get("DATE"); date != "" {
		if lang := strings.ToLower(get("DATE_LANG")); lang != "" && lang != "en" {
			kept = append(kept, "Date ("+lang+"): "+date)
			w.rep.note("1 task's date is not in English (DATE_LANG): it was imported without a date, the date kept in its description",
				"%d tasks' dates are not in English (DATE_LANG): they were imported without a date, the date kept in their descriptions")
		} else if d, understood := intent.ParseDate(date, w.now, zone); !understood {
			fail("DATE", "could not read %q as a date (for example 2026-12-01, tomorrow 9am, every monday)", date)
		} else {
			in.Recurrence, in.RecurrenceInterval = d.Recurrence, d.Interval
			switch {
			case d.When == nil:
				// A repeat rule alone ("every day") starts today, in the
				// person's zone, all day.
				due := w.now.In(w.loc).Format(time.DateOnly)
				in.DueDate = &due
			case d.When.HasTime:
				// A date and a time: that instant in the row's TIMEZONE,
				// else the person's zone.
				due := d.When.Time().Format(time.RFC3339)
				in.DueAt = &due
			default:
				// A date alone is an all-day date: the same day wherever
				// the file was written and wherever the person is.
				due := d.When.Date.Format(time.DateOnly)
				in.DueDate = &due
			}
		}
	}
	in.Description = strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{get("DESCRIPTION"), strings.Join(kept, "\n")},
		func(s string) bool { return s == "" }), "\n\n"))
	// The key is the one earlier imports gave the row (from these columns
	// alone), so that a file imported before projects existed is not
	// imported twice.
	sum := sha256.Sum256([]byte(strings.Join([]string{content, get("DESCRIPTION"), get("PRIORITY"), get("INDENT"), get("DATE"), get("TIMEZONE")}, "\x00")))
	return &todoistTask{row: row, key: "todoist:" + hex.EncodeToString(sum[:12]), in: in}, ok
}
