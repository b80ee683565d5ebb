package assistanttest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/chatbot/internal/assistant"
	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// The built-in assistant is measured like a product: every phrase of a
// table is said, in a fresh account holding seedTasks, to the real engine
// talking to the backend's tools (Memory in make check and make
// assistant-score, the real backend in make test, which compares the two
// phrase by phrase), and what it did is scored:
//
//	correct                                   +1
//	asked where it should have acted          +0.5
//	did nothing useful (listed, helped)        0
//	a wrong change                            −1
//	a wrong destructive change                −3 (a delete, or many tasks at once)
//
// Accuracy is the share of correct answers. phrases.txt is what the
// grammar is developed against and must stay at 97 % or more with no wrong
// destructive change; holdout.txt was written before that work and is
// only reported. `make assistant-score` prints both reports.

// seedTasks is every account's list when a phrase is said; now is
// Wednesday 5 June 2030, 10:00 in Paris. Some tasks are due on a day (all
// day), some at a time.
func seedTasks(loc *time.Location) []api.ExportTask {
	at := func(day, hour, minute int) *time.Time {
		t := time.Date(2030, 6, day, hour, minute, 0, 0, loc)
		return &t
	}
	on := func(day int) *dates.Date { return dates.NewDate(2030, 6, day).Ptr() }
	done := at(4, 18, 0)
	return []api.ExportTask{
		{TaskFields: api.TaskFields{Title: "Buy groceries", DueDate: on(6)}, Tags: []string{"home"}},
		{TaskFields: api.TaskFields{Title: "Call mom", DueAt: at(7, 17, 0), Priority: "high"}, Tags: []string{"family"}},
		{TaskFields: api.TaskFields{Title: "Call the bank"}},
		{TaskFields: api.TaskFields{Title: "Dentist appointment", DueAt: at(11, 9, 0)}, Tags: []string{"health"}},
		{TaskFields: api.TaskFields{Title: "Pay electricity bill", DueDate: on(5)}},
		{TaskFields: api.TaskFields{Title: "Team sync", DueAt: at(10, 10, 0), Recurrence: "weekly", RecurrenceInterval: 1}, Tags: []string{"work"}},
		{TaskFields: api.TaskFields{Title: "Write quarterly report", DueDate: on(14), Priority: "high"}, Tags: []string{"work"}},
		{TaskFields: api.TaskFields{Title: "Water the plants", DueAt: at(6, 8, 0), Recurrence: "daily", RecurrenceInterval: 3}},
		{TaskFields: api.TaskFields{Title: "Renew passport", Priority: "low"}},
		{TaskFields: api.TaskFields{Title: "Read a book", Priority: "low"}},
		{TaskFields: api.TaskFields{Title: "Book flights to Lisbon"}, Tags: []string{"travel"}},
		{TaskFields: api.TaskFields{Title: "Email Alex about the offsite"}, Tags: []string{"work"}},
		{TaskFields: api.TaskFields{Title: "Clean the garage", DueDate: on(8)}, Tags: []string{"home"}},
		{TaskFields: api.TaskFields{Title: "Gym session", DueAt: at(6, 18, 0), Recurrence: "daily", RecurrenceInterval: 2}},
		{TaskFields: api.TaskFields{Title: "Pay rent"}, Completed: true, CompletedAt: done},
		{TaskFields: api.TaskFields{Title: "Send invoice to ACME"}, Completed: true, CompletedAt: done, Tags: []string{"work"}},
	}
}

// expectation is the right-hand side of a table line.
type expectation struct {
	Kind   string // add, complete, reopen, delete, update, list, help, ask, confirm
	Title  string
	Checks map[string]string
}

type phraseCase struct {
	Line int
	Text string
	Want expectation
}

func (e expectation) acts() bool {
	switch e.Kind {
	case "add", "complete", "reopen", "delete", "update":
		return true
	}
	return false
}

func readTable(t *testing.T, path string) []phraseCase {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []phraseCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "# ") || line == "#" {
			continue
		}
		text, want, ok := strings.Cut(line, " :: ")
		require.True(t, ok, "%s:%d: no “ :: ” in %q", path, n, line)
		e, err := parseExpectation(strings.TrimSpace(want))
		require.NoError(t, err, "%s:%d", path, n)
		out = append(out, phraseCase{Line: n, Text: strings.TrimSpace(text), Want: e})
	}
	require.NoError(t, sc.Err())
	return out
}

func parseExpectation(s string) (expectation, error) {
	kind, rest, _ := strings.Cut(s, " ")
	e := expectation{Kind: kind, Checks: map[string]string{}}
	switch kind {
	case "list", "help", "ask", "confirm":
		if rest != "" {
			return e, fmt.Errorf("%s takes nothing after it: %q", kind, s)
		}
		return e, nil
	case "add", "complete", "reopen", "delete", "update":
	default:
		return e, fmt.Errorf("unknown expectation %q", kind)
	}
	if !strings.HasPrefix(rest, `"`) {
		return e, fmt.Errorf("%s needs a quoted title: %q", kind, s)
	}
	end := strings.Index(rest[1:], `"`)
	if end < 0 {
		return e, fmt.Errorf("unclosed title in %q", s)
	}
	e.Title = rest[1 : end+1]
	checks := strings.TrimSpace(rest[end+2:])
	for checks != "" {
		kv, more, _ := strings.Cut(checks, " ")
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return e, fmt.Errorf("check %q is not key=value", kv)
		}
		if k == "due" && len(v) == 10 && strings.HasPrefix(more, "") {
			// due=2030-06-13 09:00: the time is the next word.
			if next, after, _ := strings.Cut(more, " "); len(next) == 5 && next[2] == ':' {
				v += " " + next
				more = after
			}
		}
		switch k {
		case "due", "tags", "prio", "every", "remind":
		default:
			return e, fmt.Errorf("unknown check %q", k)
		}
		e.Checks[k] = v
		checks = strings.TrimSpace(more)
	}
	return e, nil
}

// observed is what the engine did with one phrase.
type observed struct {
	Kind    string // a change kind, or list, help, ask, confirm
	Titles  []string
	IDs     []int64
	Reply   string
	Failure string // a check that did not hold
}

var cardKinds = map[string]string{"Added": "add", "Completed": "complete", "Reopened": "reopen", "Deleted": "delete",
	"Moved": "update", "Updated": "update", "Renamed": "update"}

// scorer says phrases to the engine, each in an account of its own.
type scorer struct {
	b      Backend
	engine assistant.Engine
	now    time.Time
	loc    *time.Location
	seed   Seed
}

func newScorer(t *testing.T, b Backend) *scorer {
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	tasks := seedTasks(loc)
	for i := range tasks {
		tasks[i].Key = fmt.Sprintf("seed:%d", i)
		if tasks[i].Priority == "" {
			tasks[i].Priority = "medium"
		}
		if tasks[i].Tags == nil {
			tasks[i].Tags = []string{}
		}
		if tasks[i].Recurrence == "" {
			tasks[i].Recurrence = "none"
		}
	}
	return &scorer{b: b, engine: &assistant.Builtin{}, now: time.Date(2030, 6, 5, 10, 0, 0, 0, loc), loc: loc, seed: Seed{Tasks: tasks}}
}

func (s *scorer) say(ctx context.Context, text string, want expectation) (observed, error) {
	tools, err := s.b.Account(ctx, "Europe/Paris", s.seed)
	if err != nil {
		return observed{}, err
	}
	reply, err := s.engine.Respond(ctx, assistant.Turn{Message: text, Now: s.now, Loc: s.loc, Tools: tools}, func(assistant.Event) {})
	if err != nil {
		return observed{}, err
	}
	o := observed{Reply: reply.Text}
	for _, c := range reply.Cards {
		if k, ok := cardKinds[c.Action]; ok && !c.Error {
			if o.Kind == "" {
				o.Kind = k
			}
			o.Titles = append(o.Titles, c.Title)
			o.IDs = append(o.IDs, c.TaskID)
		}
	}
	switch {
	case o.Kind != "":
	case reply.Intent == "list" || reply.Intent == "help":
		o.Kind = reply.Intent
	default:
		var p struct {
			Confirm bool `json:"confirm"`
		}
		_ = json.Unmarshal(reply.Pending, &p)
		o.Kind = "ask"
		if p.Confirm {
			o.Kind = "confirm"
		}
	}
	if o.Kind == want.Kind && len(want.Checks) > 0 && len(o.Titles) == 1 {
		o.Failure, err = s.check(ctx, tools, o.IDs[0], want.Checks)
	}
	return o, err
}

// check compares the task the engine changed, as list_tasks shows it,
// with the expected fields.
func (s *scorer) check(ctx context.Context, tools mcpclient.Tools, id int64, checks map[string]string) (string, error) {
	all, res, err := todomcp.Call(ctx, tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: "all", Limit: 100})
	if err != nil || res.IsError {
		return "", fmt.Errorf("reading task %d: %v %s", id, err, res.Text)
	}
	i := slices.IndexFunc(all.Tasks, func(x todomcp.Task) bool { return x.ID == id })
	if i < 0 {
		return fmt.Sprintf("task %d is gone", id), nil
	}
	task := all.Tasks[i]
	var bad []string
	for k, want := range checks {
		got := ""
		switch k {
		case "due":
			// due=2030-06-06 is all day on that date (the tools' due is
			// the date alone); due=2030-06-06 09:00 is that time in Paris.
			// A task with a time never passes a check of a date, nor the
			// reverse.
			got = "none"
			if _, err := dates.ParseDate(task.Due); err == nil {
				got = task.Due
			} else if due, err := time.Parse(time.RFC3339, task.Due); err == nil {
				got = due.In(s.loc).Format("2006-01-02 15:04")
			}
		case "tags":
			tags := slices.Clone(task.Tags)
			slices.Sort(tags)
			got = strings.Join(tags, ",")
			if got == "" {
				got = "none"
			}
			w := strings.Split(want, ",")
			slices.Sort(w)
			want = strings.Join(w, ",")
		case "prio":
			got = task.Priority
		case "every":
			got = task.Recurrence
		case "remind":
			var rs []string
			for _, r := range task.Reminders {
				if r.BeforeMinutes != nil {
					rs = append(rs, strconv.Itoa(*r.BeforeMinutes))
				} else {
					rs = append(rs, "at")
				}
			}
			slices.Sort(rs)
			got = strings.Join(rs, ",")
			if got == "" {
				got = "none"
			}
		}
		if got != want {
			bad = append(bad, fmt.Sprintf("%s=%s, want %s", k, got, want))
		}
	}
	slices.Sort(bad)
	return strings.Join(bad, "; "), nil
}

// points scores one answer; destructive says a wrong answer destroyed.
func points(want expectation, got observed) (score float64, correct, destructive bool) {
	switch {
	case want.Kind == got.Kind && got.Failure == "" && (!want.acts() || (len(got.Titles) == 1 && got.Titles[0] == want.Title)):
		return 1, true, false
	case want.Kind == "confirm" && got.Kind == "ask", want.Kind == "ask" && got.Kind == "confirm":
		// Either way nothing changed and the person was asked.
		return 1, true, false
	case got.Kind == "ask" || got.Kind == "confirm":
		if want.acts() {
			return 0.5, false, false
		}
		return 0, false, false
	case got.Kind == "list" || got.Kind == "help":
		return 0, false, false
	}
	// A change that was not wanted, on the wrong task, or a wrong one.
	if want.Kind == got.Kind && len(got.Titles) == 1 && got.Titles[0] == want.Title {
		return -1, false, false // the right task, the wrong values
	}
	if got.Kind == "delete" || len(got.Titles) > 1 {
		return -3, false, true
	}
	return -1, false, false
}

// Report is the score of one table, and what was done with each phrase.
type Report struct {
	Name        string
	N, Correct  int
	Score       float64
	Wrong       int // wrong changes, destructive ones among them
	Destructive int
	perIntent   map[string][2]int // intent → correct, total
	confusion   map[string]int    // "want → got" → count
	misses      []string
	path        string
	summaryOnly bool // String leaves out each miss
	cases       []phraseCase
	results     []observed
}

func (r *Report) Accuracy() float64 { return float64(r.Correct) / float64(r.N) }

func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d phrases, accuracy %.1f %% (%d correct), score %.1f of %d (%.1f %%), wrong changes %d, of them destructive %d\n",
		r.Name, r.N, 100*r.Accuracy(), r.Correct, r.Score, r.N, 100*r.Score/float64(r.N), r.Wrong, r.Destructive)
	width := 9
	for k := range r.perIntent {
		width = max(width, len(k))
	}
	for _, k := range slices.Sorted(mapKeys(r.perIntent)) {
		v := r.perIntent[k]
		fmt.Fprintf(&b, "  %-*s %3d/%-3d %5.1f %%\n", width, k, v[0], v[1], 100*float64(v[0])/float64(v[1]))
	}
	if len(r.confusion) > 0 {
		b.WriteString("  confusion (expected → did):\n")
		for _, k := range slices.Sorted(mapKeys(r.confusion)) {
			fmt.Fprintf(&b, "    %-22s %d\n", k, r.confusion[k])
		}
	}
	for _, m := range r.misses {
		if r.summaryOnly {
			break
		}
		b.WriteString("  " + m + "\n")
	}
	return b.String()
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Score says every phrase of the table at path to the built-in engine on
// b, each in a fresh account holding the seed tasks, and scores what it
// did.
func Score(t *testing.T, b Backend, name, path string) *Report {
	t.Helper()
	s := newScorer(t, b)
	cases := readTable(t, path)
	r := &Report{Name: name, N: len(cases), perIntent: map[string][2]int{}, confusion: map[string]int{}, path: path, cases: cases}
	results := make([]observed, len(cases))
	r.results = results
	var wg sync.WaitGroup
	work := make(chan int)
	var failed atomic.Value
	for range 4 {
		wg.Go(func() {
			for i := range work {
				got, err := s.say(context.Background(), cases[i].Text, cases[i].Want)
				if err != nil {
					failed.Store(fmt.Errorf("%s:%d %q: %w", path, cases[i].Line, cases[i].Text, err))
				}
				results[i] = got
			}
		})
	}
	for i := range cases {
		work <- i
	}
	close(work)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		require.NoError(t, err)
	}
	for i, c := range cases {
		got := results[i]
		p, ok, destructive := points(c.Want, got)
		r.Score += p
		if p < 0 {
			r.Wrong++
		}
		v := r.perIntent[c.Want.Kind]
		v[1]++
		if ok {
			r.Correct++
			v[0]++
		} else {
			r.confusion[c.Want.Kind+" → "+got.Kind]++
			detail := strings.Join(got.Titles, ", ")
			if got.Failure != "" {
				detail += " (" + got.Failure + ")"
			}
			r.misses = append(r.misses, fmt.Sprintf("line %d %q: want %s %q, did %s %s — %q", c.Line, c.Text, c.Want.Kind, c.Want.Title, got.Kind, detail, firstLine(got.Reply)))
		}
		if destructive {
			r.Destructive++
		}
		r.perIntent[c.Want.Kind] = v
	}
	return r
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// RunScore scores the phrase table, the hold-out set and the two fresh
// hold-outs of dialogues of dir on b and holds the phrase table to its bar: at
// least 400 phrases, 97 % correct, no wrong destructive change.
func RunScore(t *testing.T, b Backend, dir string) (table, holdout, fresh, fresh2, fresh3 *Report) {
	t.Helper()
	table = Score(t, b, "phrase table", filepath.Join(dir, "phrases.txt"))
	holdout = Score(t, b, "hold-out set", filepath.Join(dir, "holdout.txt"))
	fresh = ScoreDialogues(t, b, "fresh hold-out (dialogues)", filepath.Join(dir, "fresh.txt"))
	fresh2 = ScoreDialogues(t, b, "second fresh hold-out (dialogues)", filepath.Join(dir, "fresh2.txt"))
	// The third set is read by its summary only: its lines stay unseen by
	// whoever tunes the grammar, so it measures how the work generalises.
	fresh3 = ScoreDialogues(t, b, "third fresh hold-out (dialogues, summary only)", filepath.Join(dir, "fresh3.txt"))
	fresh3.summaryOnly = true
	t.Log("\n" + table.String())
	t.Log("\n" + holdout.String())
	t.Log("\n" + fresh.String())
	t.Log("\n" + fresh2.String())
	t.Log("\n" + fresh3.String())
	assert.GreaterOrEqual(t, table.N, 400, "the phrase table has at least 400 phrases")
	assert.GreaterOrEqual(t, table.Accuracy(), 0.97, "accuracy on the phrase table")
	assert.Zero(t, table.Destructive, "wrong destructive changes on the phrase table")
	return table, holdout, fresh, fresh2, fresh3
}

// SameAnswers fails for every phrase that got a different answer in a and
// in b (the same table scored on two backends): what the engine did, on
// which tasks, what the check of the task found, and the words of the
// reply. A difference is a drift of Memory from the backend.
func SameAnswers(t *testing.T, a, b *Report) {
	t.Helper()
	require.Equal(t, a.N, b.N, "the same table")
	same := 0
	for i, c := range a.cases {
		x, y := a.results[i], b.results[i]
		x.IDs, y.IDs = nil, nil // ids are the backend's own
		if assert.Equal(t, x, y, "%s:%d %q", a.path, c.Line, c.Text) {
			same++
		}
	}
	t.Logf("%s: %d of %d phrases answered the same", a.Name, same, a.N)
}

// ScoringRules tests the scoring itself (no backend).
func ScoringRules(t *testing.T) {
	del := expectation{Kind: "delete", Title: "Renew passport"}
	add := expectation{Kind: "add", Title: "Buy stamps"}
	ask := expectation{Kind: "ask"}
	cases := []struct {
		want expectation
		got  observed
		p    float64
		ok   bool
		d    bool
	}{
		{del, observed{Kind: "delete", Titles: []string{"Renew passport"}}, 1, true, false},
		{del, observed{Kind: "confirm"}, 0.5, false, false},
		{del, observed{Kind: "delete", Titles: []string{"Read a book"}}, -3, false, true},
		{add, observed{Kind: "add", Titles: []string{"Buy stamps"}, Failure: "due=none, want 2030-06-06"}, -1, false, false},
		{add, observed{Kind: "add", Titles: []string{"Add"}}, -1, false, false},
		{ask, observed{Kind: "add", Titles: []string{"Add"}}, -1, false, false},
		{ask, observed{Kind: "complete", Titles: []string{"A", "B"}}, -3, false, true},
		{ask, observed{Kind: "confirm"}, 1, true, false},
		{expectation{Kind: "list"}, observed{Kind: "ask"}, 0, false, false},
	}
	for _, c := range cases {
		p, ok, d := points(c.want, c.got)
		assert.Equal(t, c.p, p, "%+v ← %+v", c.want, c.got)
		assert.Equal(t, c.ok, ok)
		assert.Equal(t, c.d, d)
	}
	e, err := parseExpectation(`update "Dentist appointment" due=2030-06-13 09:00 tags=a,b`)
	require.NoError(t, err)
	assert.Equal(t, expectation{Kind: "update", Title: "Dentist appointment", Checks: map[string]string{"due": "2030-06-13 09:00", "tags": "a,b"}}, e)
	_, err = parseExpectation(`remove "x"`)
	assert.Error(t, err)
}
