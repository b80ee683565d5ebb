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
	"strings"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/intent"
)

// Todoist's CSV template, as its help centre describes it: one row per
// task, section or note (a comment on the task above), with the columns
// TYPE, CONTENT, DESCRIPTION, PRIORITY, INDENT, AUTHOR, RESPONSIBLE,
// DATE, DATE_LANG and TIMEZONE (newer files add DURATION and
// DURATION_UNIT). Labels are written into CONTENT as @label.
//
// PRIORITY in the template counts as the app shows it: 1 is p1, the
// highest, and 4 is p4, the lowest — the opposite of Todoist's REST API,
// where 4 is the most urgent. p1 becomes high, p2 medium, p3 and p4 low,
// as in our quick add. An empty cell, which Todoist itself would read as
// p1, becomes medium here: a template without priorities should not turn
// every task urgent.
var reLabel = regexp.MustCompile(`(?:^|\s)@([\p{L}\p{N}_\-./]+)`)

// todoistTask is a task row waiting for the note rows that follow it.
type todoistTask struct {
	row   int
	key   string
	in    api.TaskInput
	notes []string
}

// readTodoist reads the CSV row by row. Each task's key is a hash of its
// row (with a count for identical rows), so importing the same file again
// creates nothing.
func readTodoist(ctx context.Context, r io.Reader, w *writer) error {
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
		return w.addTask(ctx, t, tags)
	}
	for {
		rec, err := cr.Read()
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
		row, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := cols[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		switch typ := get("TYPE"); typ {
		case "":
			// Todoist separates sections with empty rows.
		case "section":
			w.rep.note("1 section has no equivalent here: its tasks were imported, its name was not",
				"%d sections have no equivalent here: their tasks were imported, the section names were not")
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
			pending = p
		default:
			w.rep.fail("", row, "TYPE", "must be task, section or note (in lowercase), not %q", typ)
		}
	}
	return finish()
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
	in := api.TaskInput{Description: get("DESCRIPTION")}
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
	if i := get("INDENT"); i != "" && i != "1" {
		w.rep.note("1 sub-task was imported as a task of its own", "%d sub-tasks were imported as tasks of their own")
	}
	if get("RESPONSIBLE") != "" {
		w.rep.note("1 task was assigned to someone: the assignee is not imported", "%d tasks were assigned to someone: the assignee is not imported")
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
			fail("DATE_LANG", "dates are read in English only (en), not %q", lang)
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
	sum := sha256.Sum256([]byte(strings.Join([]string{content, get("DESCRIPTION"), get("PRIORITY"), get("INDENT"), get("DATE"), get("TIMEZONE")}, "\x00")))
	return &todoistTask{row: row, key: "todoist:" + hex.EncodeToString(sum[:12]), in: in}, ok
}
