package assistanttest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// A dialogue table (testdata/fresh.txt) is scored by what the
// conversation did to the account, not by what the assistant said it did:
// the person's tasks are read before and after, and the difference — tasks
// added, completed, reopened, deleted, changed — is compared with the
// expected outcome. A junk task is an added task nobody asked for, whatever
// the reply's cards say. The person's scripted answers are said only while
// the assistant has a question open, as a person would.
//
// What the backend's own rules do on top of a change is not counted as a
// change: the next occurrence of a completed recurring task, the subtasks
// completed or deleted with their parent, the subtasks moved with it.

// FreshSeed is the account of testdata/fresh.txt: now is Wednesday 5 June
// 2030, 10:00 in loc (Europe/Paris).
func FreshSeed(loc *time.Location) Seed {
	at := func(day, hour, minute int) *time.Time {
		t := time.Date(2030, 6, day, hour, minute, 0, 0, loc)
		return &t
	}
	on := func(day int) *dates.Date { return dates.NewDate(2030, 6, day).Ptr() }
	done := at(4, 18, 0)
	hour := 60
	type row struct {
		project, parent string
		task            api.ExportTask
	}
	rows := []row{
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Call mom", DueAt: at(7, 17, 0), Priority: "high"}, Tags: []string{"family"}}},
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Call the bank"}}},
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Pay electricity bill", DueDate: on(5)}}},
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Renew passport", Priority: "low"}}},
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Read a book", Priority: "low"}}},
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Book flights to Lisbon"}, Tags: []string{"travel"}}},
		{"inbox", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Pay rent"}, Completed: true, CompletedAt: done}},
		{"home", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Buy groceries", DueDate: on(6)}, Tags: []string{"home"}}},
		{"home", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Clean the garage", DueDate: on(8)}, Tags: []string{"home"}}},
		{"home", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Water the plants", DueAt: at(6, 8, 0), Recurrence: "daily", RecurrenceInterval: 3}}},
		{"home", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Fix the bathroom light"}, Tags: []string{"home"}}},
		{"home", "Fix the bathroom light", api.ExportTask{TaskFields: api.TaskFields{Title: "Turn off the power"}}},
		{"work", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Team sync", DueAt: at(10, 10, 0), Recurrence: "weekly", RecurrenceInterval: 1,
			RecurrenceWeekdays: dates.NewWeekdays(time.Monday)}, Tags: []string{"work"}}},
		{"work", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Write quarterly report", DueDate: on(14), Priority: "high"}, Tags: []string{"work"}}},
		{"work", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Email Alex about the offsite"}, Tags: []string{"work"}}},
		{"work", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Prepare budget review", DueDate: on(7)}, Tags: []string{"work"}}},
		{"work", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Send invoice to ACME"}, Completed: true, CompletedAt: done, Tags: []string{"work"}}},
		{"health", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Dentist appointment", DueAt: at(11, 9, 0)}, Tags: []string{"health"},
			Reminders: []api.ExportReminder{{BeforeMinutes: &hour}}}},
		{"health", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Gym session", DueAt: at(6, 18, 0), Recurrence: "daily", RecurrenceInterval: 2}}},
		{"shopping", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Buy new headphones"}}},
		{"shopping", "", api.ExportTask{TaskFields: api.TaskFields{Title: "Birthday present for Sam", DueDate: on(15)}, Tags: []string{"family"}}},
	}
	s := Seed{Projects: []api.ExportProject{{Key: "inbox", Name: "Inbox", Inbox: true}}}
	for i, name := range []string{"Home", "Work", "Health", "Shopping"} {
		s.Projects = append(s.Projects, api.ExportProject{Key: strings.ToLower(name), Name: name, Color: "grey", Position: strconv.Itoa(i + 1)})
	}
	keys := map[string]string{}
	for i, r := range rows {
		t := r.task
		t.Key = fmt.Sprintf("fresh:%d", i)
		keys[t.Title] = t.Key
		t.ProjectKey, t.ParentKey = r.project, keys[r.parent]
		if t.Priority == "" {
			t.Priority = "medium"
		}
		if t.Tags == nil {
			t.Tags = []string{}
		}
		if t.Recurrence == "" {
			t.Recurrence = "none"
		}
		s.Tasks = append(s.Tasks, t)
	}
	return s
}

// effect is one expected change of a dialogue.
type effect struct {
	Kind   string // add, complete, reopen, delete, update
	Title  string // the new task's title, or the existing task's
	Checks map[string]string
}

// outcome is the right-hand side of a dialogue line: Effects, or (none)
// Kind list, help, ask, confirm or nothing.
type outcome struct {
	Kind    string
	Effects []effect
	Listed  []string // list "A" "B": exactly these tasks shown
}

type dialogueCase struct {
	Line     int
	Text     string
	Turns    []string
	Category string
	Want     outcome
}

func readDialogues(t *testing.T, path string) []dialogueCase {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []dialogueCase
	category := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line == "#" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			// "# 4. Edits of existing tasks" names the lines after it.
			if num, name, ok := strings.Cut(rest, ". "); ok && num != "" && strings.Trim(num, "0123456789") == "" {
				category = num + " " + name
			}
			continue
		}
		text, want, ok := strings.Cut(line, " :: ")
		require.True(t, ok, "%s:%d: no “ :: ” in %q", path, n, line)
		o, err := parseOutcome(strings.TrimSpace(want))
		require.NoError(t, err, "%s:%d", path, n)
		var turns []string
		for turn := range strings.SplitSeq(text, " >> ") {
			turns = append(turns, strings.TrimSpace(turn))
		}
		out = append(out, dialogueCase{Line: n, Text: strings.TrimSpace(text), Turns: turns, Category: category, Want: o})
	}
	require.NoError(t, sc.Err())
	return out
}

// words splits s at spaces, keeping "quoted text" and key="quoted text"
// whole (without the quotes).
func words(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		end := strings.IndexByte(s, ' ')
		if q := strings.IndexByte(s, '"'); q >= 0 && (end < 0 || q < end) {
			close := strings.IndexByte(s[q+1:], '"')
			if close < 0 {
				return nil, fmt.Errorf("unclosed quote in %q", s)
			}
			out = append(out, s[:q]+s[q+1:q+1+close])
			s = s[q+2+close:]
			continue
		}
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out, nil
}

var checkKeys = []string{"due", "tags", "prio", "every", "monthday", "remind", "note", "title", "project", "parent"}

func parseOutcome(s string) (outcome, error) {
	switch s {
	case "help", "ask", "confirm", "nothing", "list":
		return outcome{Kind: s}, nil
	}
	if rest, ok := strings.CutPrefix(s, "list "); ok {
		titles, err := words(rest)
		return outcome{Kind: "list", Listed: titles}, err
	}
	o := outcome{Kind: "change"}
	for part := range strings.SplitSeq(s, " && ") {
		w, err := words(part)
		if err != nil {
			return o, err
		}
		if len(w) < 2 {
			return o, fmt.Errorf("%q: an effect is a kind and a quoted title", part)
		}
		e := effect{Kind: w[0], Title: w[1], Checks: map[string]string{}}
		switch e.Kind {
		case "add", "complete", "reopen", "delete", "update":
		default:
			return o, fmt.Errorf("unknown effect %q in %q", e.Kind, part)
		}
		for i := 2; i < len(w); i++ {
			k, v, ok := strings.Cut(w[i], "=")
			if !ok || !slices.Contains(checkKeys, k) {
				return o, fmt.Errorf("%q: check %q is not one of %v=…", part, w[i], checkKeys)
			}
			// due=2030-06-13 09:00: the time is the next word.
			if k == "due" && i+1 < len(w) && len(w[i+1]) == 5 && w[i+1][2] == ':' {
				v += " " + w[i+1]
				i++
			}
			e.Checks[k] = v
		}
		o.Effects = append(o.Effects, e)
	}
	return o, nil
}

// account is a person's tasks and projects at one moment.
type account struct {
	tasks    map[int64]todomcp.Task
	projects map[int64]string
}

func readAccount(ctx context.Context, tools mcpclient.Tools) (account, error) {
	a := account{tasks: map[int64]todomcp.Task{}, projects: map[int64]string{}}
	all, res, err := todomcp.Call(ctx, tools, todomcp.ListTasks, todomcp.ListTasksInput{Status: "all", Limit: 100})
	if err != nil || res.IsError {
		return a, fmt.Errorf("listing the tasks: %v %s", err, res.Text)
	}
	for _, t := range all.Tasks {
		a.tasks[t.ID] = t
	}
	ps, res, err := todomcp.Call(ctx, tools, todomcp.ListProjects, todomcp.ListProjectsInput{})
	if err != nil || res.IsError {
		return a, fmt.Errorf("listing the projects: %v %s", err, res.Text)
	}
	for _, p := range ps.Projects {
		a.projects[p.ID] = p.Name
	}
	return a, nil
}

// change is one task's difference between two readings of an account.
type change struct {
	Kind   string // add, complete, reopen, delete, update
	Before todomcp.Task
	After  todomcp.Task
}

func (c change) title() string {
	if c.Kind == "add" {
		return c.After.Title
	}
	return c.Before.Title
}

func (c change) String() string { return c.Kind + " “" + c.title() + "”" }

// diff is what changed from a to b, without what the backend's rules did
// on top (next occurrences, subtasks following their parent).
func diff(a, b account) []change {
	var out []change
	for _, id := range slices.Sorted(maps.Keys(a.tasks)) {
		before := a.tasks[id]
		after, ok := b.tasks[id]
		switch {
		case !ok:
			out = append(out, change{Kind: "delete", Before: before})
		case !before.Completed && after.Completed:
			out = append(out, change{Kind: "complete", Before: before, After: after})
		case before.Completed && !after.Completed:
			out = append(out, change{Kind: "reopen", Before: before, After: after})
		case !sameFields(before, after):
			out = append(out, change{Kind: "update", Before: before, After: after})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b.tasks)) {
		if _, ok := a.tasks[id]; !ok {
			out = append(out, change{Kind: "add", After: b.tasks[id]})
		}
	}
	// What the rules did: drop a change that follows from another one.
	kinds := map[int64]string{}
	for _, c := range out {
		kinds[c.Before.ID] = c.Kind
	}
	follows := func(c change) bool {
		switch c.Kind {
		case "add":
			// The next occurrence of a recurring task completed here.
			return slices.ContainsFunc(out, func(d change) bool {
				return d.Kind == "complete" && d.Before.Recurrence != "none" && strings.EqualFold(d.Before.Title, c.After.Title)
			})
		case "complete", "delete", "update":
			// A subtask completed, deleted or moved with an ancestor.
			for up := c.Before.ParentID; up != 0; up = a.tasks[up].ParentID {
				if k := kinds[up]; k == c.Kind && (k != "update" || c.Before.ProjectID != c.After.ProjectID) {
					return true
				}
			}
		}
		return false
	}
	return slices.DeleteFunc(out, follows)
}

// sameFields says whether a task's own fields (not its completion) are
// unchanged.
func sameFields(a, b todomcp.Task) bool {
	a.Completed, a.CompletedAt = b.Completed, b.CompletedAt
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// sameTitle compares titles as a person would: case, spacing and a final
// full stop aside.
func sameTitle(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.TrimRight(s, ".!")), " ") }
	return strings.EqualFold(norm(a), norm(b))
}

// dialogueScorer says dialogues to the built-in engine.
type dialogueScorer struct {
	b    Backend
	now  time.Time
	loc  *time.Location
	seed Seed
}

// dialogueResult is what one dialogue did.
type dialogueResult struct {
	Changes   []change // the whole dialogue's
	FirstTurn int      // how many changes the first message made
	Said      int      // messages said
	Pending   bool     // a question was open at the end
	Offer     bool     // …and it was "should I add this as a task?"
	Intent    string   // the last reply's
	Reply     string   // the last reply's text
	After     account
}

func (s *dialogueScorer) run(ctx context.Context, c dialogueCase) (dialogueResult, error) {
	var r dialogueResult
	tools, err := s.b.Account(ctx, "Europe/Paris", s.seed)
	if err != nil {
		return r, err
	}
	before, err := readAccount(ctx, tools)
	if err != nil {
		return r, err
	}
	engine := &assistant.Builtin{}
	var history []api.Message
	for i, text := range c.Turns {
		if i > 0 && !r.Pending {
			break // nothing was asked: the person says no more
		}
		reply, err := engine.Respond(ctx, assistant.Turn{Message: text, History: history, Now: s.now, Loc: s.loc, Tools: tools}, func(assistant.Event) {})
		if err != nil {
			return r, fmt.Errorf("turn %d %q: %w", i+1, text, err)
		}
		stored, err := json.Marshal(assistant.Stored{Engine: engine.Name(), Cards: reply.Cards, Pending: reply.Pending})
		if err != nil {
			return r, err
		}
		history = append(history, api.Message{Role: api.RoleUser, Content: text},
			api.Message{Role: api.RoleAssistant, Content: reply.Text, ToolCalls: stored})
		r.Said, r.Pending, r.Intent, r.Reply = i+1, len(reply.Pending) > 0, reply.Intent, reply.Text
		var open struct {
			Ask string `json:"ask"`
		}
		_ = json.Unmarshal(reply.Pending, &open)
		r.Offer = open.Ask == "add"
		if i == 0 {
			now, err := readAccount(ctx, tools)
			if err != nil {
				return r, err
			}
			r.FirstTurn = len(diff(before, now))
		}
	}
	if r.After, err = readAccount(ctx, tools); err != nil {
		return r, err
	}
	r.Changes = diff(before, r.After)
	return r, nil
}

// judge scores one dialogue: points as points() gives them, whether it
// was right, whether a wrong answer destroyed, and what was wrong.
func (s *dialogueScorer) judge(c dialogueCase, r dialogueResult) (p float64, correct, destructive bool, why string) {
	wrong := func(cs []change) (float64, bool, bool, string) {
		var names []string
		del := false
		for _, x := range cs {
			names = append(names, x.String())
			del = del || x.Kind == "delete"
		}
		if del || len(cs) > 1 {
			return -3, false, true, "wrong: " + strings.Join(names, ", ")
		}
		return -1, false, false, "wrong: " + strings.Join(names, ", ")
	}
	if c.Want.Kind != "change" {
		if len(r.Changes) > 0 {
			return wrong(r.Changes)
		}
		switch c.Want.Kind {
		case "nothing":
			return 1, true, false, ""
		case "ask", "confirm":
			switch {
			case r.Offer:
				// "Should I add this as a task?" is no answer to "which
				// task?" or "are you sure?".
				return 0, false, false, "offered to add it as a task"
			case r.Pending:
				return 1, true, false, ""
			}
			return 0, false, false, "did not ask"
		case "help":
			if r.Intent == "help" {
				return 1, true, false, ""
			}
			return 0, false, false, "no help (" + r.Intent + ")"
		}
		// list
		if r.Intent != "list" {
			return 0, false, false, "no list (" + r.Intent + ")"
		}
		if bad := s.listed(c.Want.Listed, r); bad != "" {
			return 0, false, false, bad
		}
		return 1, true, false, ""
	}
	if len(r.Changes) == 0 {
		if r.Pending {
			return 0.5, false, false, "asked"
		}
		return 0, false, false, "changed nothing"
	}
	// Each expected effect takes the change it names.
	left := slices.Clone(r.Changes)
	var missing []string
	var failures []string
	for _, e := range c.Want.Effects {
		i := slices.IndexFunc(left, func(x change) bool {
			return x.Kind == e.Kind && sameTitle(x.title(), e.Title) ||
				// A rename shows as an update of the old title.
				e.Kind == "update" && x.Kind == "update" && sameTitle(x.Before.Title, e.Title)
		})
		if i < 0 {
			missing = append(missing, e.Kind+" “"+e.Title+"”")
			continue
		}
		if f := s.checkTask(left[i].After, r.After, e.Checks); f != "" {
			failures = append(failures, e.Title+": "+f)
		}
		left = slices.Delete(left, i, i+1)
	}
	switch {
	case len(left) > 0:
		return wrong(left)
	case len(failures) > 0:
		return -1, false, false, "wrong values: " + strings.Join(failures, "; ")
	case existing(c.Want.Effects) > 1 && r.FirstTurn > 0:
		return -3, false, true, fmt.Sprintf("changed %d tasks without asking", r.FirstTurn)
	case len(missing) > 0:
		return 0, false, false, "missing: " + strings.Join(missing, ", ")
	}
	return 1, true, false, ""
}

// existing counts the effects on tasks the account already had.
func existing(es []effect) int {
	n := 0
	for _, e := range es {
		if e.Kind != "add" {
			n++
		}
	}
	return n
}

// listed says what is wrong with a list reply given the tasks it must show
// (none given: any list is right): a task missing, or one shown that
// should not be.
func (s *dialogueScorer) listed(want []string, r dialogueResult) string {
	if len(want) == 0 {
		return ""
	}
	text := strings.ToLower(r.Reply)
	var bad []string
	for _, t := range r.After.tasks {
		shown := strings.Contains(text, strings.ToLower(t.Title))
		wanted := slices.ContainsFunc(want, func(w string) bool { return sameTitle(w, t.Title) })
		switch {
		case wanted && !shown:
			bad = append(bad, "missing “"+t.Title+"”")
		case !wanted && shown && !slices.ContainsFunc(want, func(w string) bool {
			// "Call mom" shown inside a wanted "Call mom about…".
			return strings.Contains(strings.ToLower(w), strings.ToLower(t.Title))
		}):
			bad = append(bad, "also “"+t.Title+"”")
		}
	}
	slices.Sort(bad)
	bad = slices.Compact(bad)
	return strings.Join(bad, ", ")
}

// checkTask compares a task after the dialogue with the expected fields.
func (s *dialogueScorer) checkTask(task todomcp.Task, after account, checks map[string]string) string {
	var bad []string
	for _, k := range slices.Sorted(maps.Keys(checks)) {
		want, got := checks[k], ""
		ok := false
		switch k {
		case "due":
			got = "none"
			if _, err := dates.ParseDate(task.Due); err == nil {
				got = task.Due
			} else if due, err := time.Parse(time.RFC3339, task.Due); err == nil {
				got = due.In(s.loc).Format("2006-01-02 15:04")
			}
			ok = got == want
		case "tags":
			tags := slices.Clone(task.Tags)
			slices.SortFunc(tags, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
			got = strings.ToLower(strings.Join(tags, ","))
			if got == "" {
				got = "none"
			}
			w := strings.Split(strings.ToLower(want), ",")
			slices.Sort(w)
			ok = got == strings.Join(w, ",")
		case "prio":
			got = task.Priority
			ok = got == want
		case "every":
			got, ok = s.every(task, want)
		case "monthday":
			got = strconv.Itoa(task.RecurrenceMonthDay)
			if task.RecurrenceMonthDay == 0 && len(task.Due) >= 10 {
				got = strings.TrimLeft(task.Due[8:10], "0") // the due date's day
			}
			ok = got == want
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
			w := strings.Split(want, ",")
			slices.Sort(w)
			ok = got == strings.Join(w, ",")
		case "note":
			got = task.Description
			ok = strings.Contains(strings.ToLower(got), strings.ToLower(want))
		case "title":
			got = task.Title
			ok = sameTitle(got, want)
		case "project":
			got = after.projects[task.ProjectID]
			ok = strings.EqualFold(got, want)
		case "parent":
			got = "none"
			if p, found := after.tasks[task.ParentID]; found {
				got = p.Title
			}
			ok = sameTitle(got, want)
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("%s=%s, want %s", k, got, want))
		}
	}
	return strings.Join(bad, "; ")
}

// every compares a task's recurrence with every=: none, daily, weekly,
// monthly, yearly, weekdays (mon–fri), a list of days (mon,wed,fri), Nd or
// Nw (every N days or weeks).
func (s *dialogueScorer) every(t todomcp.Task, want string) (string, bool) {
	days := strings.Join(t.RecurrenceWeekdays, ",")
	got := t.Recurrence
	if t.RecurrenceInterval > 1 {
		got += fmt.Sprintf("/%d", t.RecurrenceInterval)
	}
	if days != "" {
		got += " on " + days
	}
	if t.Recurrence == "" {
		t.Recurrence = "none"
	}
	once := t.RecurrenceInterval <= 1
	switch want {
	case "none":
		return got, t.Recurrence == "none"
	case "daily", "monthly", "yearly":
		return got, t.Recurrence == want && once && days == ""
	case "weekly":
		// Weekly on the due date's weekday, said or not.
		return got, t.Recurrence == "weekly" && once && len(t.RecurrenceWeekdays) <= 1
	case "weekdays":
		want = "mon,tue,wed,thu,fri"
	}
	if n, unit := strings.TrimRight(want, "dw"), want[len(want)-1:]; n != want && strings.Trim(n, "0123456789") == "" {
		// Every 2 weeks may name the due date's weekday, as weekly does.
		rule := map[string]string{"d": "daily", "w": "weekly"}[unit]
		return got, t.Recurrence == rule && strconv.Itoa(t.RecurrenceInterval) == n && (days == "" || rule == "weekly" && len(t.RecurrenceWeekdays) == 1)
	}
	w := strings.Split(want, ",")
	have := slices.Clone(t.RecurrenceWeekdays)
	order := func(d string) int { return slices.Index([]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, d) }
	slices.SortFunc(w, func(a, b string) int { return order(a) - order(b) })
	slices.SortFunc(have, func(a, b string) int { return order(a) - order(b) })
	return got, (t.Recurrence == "daily" || t.Recurrence == "weekly") && once && slices.Equal(w, have)
}

// ScoreDialogues says every dialogue of the table at path to the built-in
// engine on b, each in a fresh account holding FreshSeed, and scores what
// the conversation did to the account.
func ScoreDialogues(t *testing.T, b Backend, name, path string) *Report {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	s := &dialogueScorer{b: b, now: time.Date(2030, 6, 5, 10, 0, 0, 0, loc), loc: loc, seed: FreshSeed(loc)}
	cases := readDialogues(t, path)
	results := make([]dialogueResult, len(cases))
	errs := make([]error, len(cases))
	var wg sync.WaitGroup
	work := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range work {
				results[i], errs[i] = s.run(context.Background(), cases[i])
			}
		})
	}
	for i := range cases {
		work <- i
	}
	close(work)
	wg.Wait()
	r := &Report{Name: name, N: len(cases), perIntent: map[string][2]int{}, confusion: map[string]int{}, path: path}
	for i, c := range cases {
		require.NoError(t, errs[i], "%s:%d %q", path, c.Line, c.Text)
		got := results[i]
		p, ok, destructive, why := s.judge(c, got)
		r.Score += p
		v := r.perIntent[c.Category]
		v[1]++
		if ok {
			r.Correct++
			v[0]++
		} else {
			r.misses = append(r.misses, fmt.Sprintf("line %d %q (%.1f): %s — %q", c.Line, c.Text, p, why, firstLine(got.Reply)))
		}
		if p < 0 {
			r.Wrong++
		}
		if destructive {
			r.Destructive++
		}
		r.perIntent[c.Category] = v
		// For SameAnswers: what was done and said, without the ids.
		var did []string
		for _, x := range got.Changes {
			did = append(did, x.String())
		}
		r.cases = append(r.cases, phraseCase{Line: c.Line, Text: c.Text})
		r.results = append(r.results, observed{Kind: fmt.Sprint(got.Said, got.Pending, got.Intent), Titles: did, Reply: got.Reply, Failure: why})
	}
	return r
}

// DialogueScoringRules tests the dialogue scoring itself (no backend).
func DialogueScoringRules(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	s := &dialogueScorer{now: time.Date(2030, 6, 5, 10, 0, 0, 0, loc), loc: loc}
	parent := todomcp.Task{ID: 1, Title: "Fix the bathroom light", Recurrence: "none", ProjectID: 10}
	child := todomcp.Task{ID: 2, Title: "Turn off the power", ParentID: 1, Recurrence: "none", ProjectID: 10}
	gym := todomcp.Task{ID: 3, Title: "Gym session", Recurrence: "daily", RecurrenceInterval: 2, Due: "2030-06-06T16:00:00Z", ProjectID: 10}
	mom := todomcp.Task{ID: 4, Title: "Call mom", Recurrence: "none", Priority: "high", ProjectID: 10}
	before := account{tasks: map[int64]todomcp.Task{1: parent, 2: child, 3: gym, 4: mom}, projects: map[int64]string{10: "Home", 11: "Work"}}
	with := func(edit func(a account)) account {
		a := account{tasks: maps.Clone(before.tasks), projects: before.projects}
		edit(a)
		return a
	}
	done := func(t todomcp.Task) todomcp.Task { t.Completed = true; return t }
	c := func(line string) dialogueCase {
		text, want, _ := strings.Cut(line, " :: ")
		o, err := parseOutcome(want)
		require.NoError(t, err, line)
		return dialogueCase{Text: text, Turns: strings.Split(text, " >> "), Want: o}
	}
	result := func(after account, firstTurn int, pending bool, intent, reply string) dialogueResult {
		return dialogueResult{Changes: diff(before, after), FirstTurn: firstTurn, Pending: pending, Intent: intent, Reply: reply, After: after}
	}
	offered := func(r dialogueResult) dialogueResult { r.Offer = true; return r }
	// The subtask completed with its parent and the gym's next occurrence
	// follow from the rules: not changes of their own.
	both := with(func(a account) {
		a.tasks[1], a.tasks[2], a.tasks[3] = done(parent), done(child), done(gym)
		next := gym
		next.ID = 9
		a.tasks[9] = next
	})
	assert.Equal(t, []string{"complete “Fix the bathroom light”", "complete “Gym session”"},
		func() (out []string) {
			for _, x := range diff(before, both) {
				out = append(out, x.String())
			}
			return out
		}())
	junk := with(func(a account) { a.tasks[9] = todomcp.Task{ID: 9, Title: "Change the time", Recurrence: "none"} })
	moved := with(func(a account) {
		x := mom
		x.ProjectID = 11
		a.tasks[4] = x
	})
	gone := with(func(a account) { delete(a.tasks, 4) })
	cases := []struct {
		line    string
		r       dialogueResult
		p       float64
		ok, bad bool
	}{
		{`bathroom and gym done :: complete "Fix the bathroom light" && complete "Gym session"`, result(both, 0, false, "", ""), 1, true, false},
		// Many tasks changed at the first message, unasked.
		{`finish them >> yes :: complete "Fix the bathroom light" && complete "Gym session"`, result(both, 2, false, "", ""), -3, false, true},
		{`change the time to 3pm :: ask`, result(junk, 1, false, "add", ""), -1, false, false},
		{`change the time to 3pm :: ask`, result(before, 0, true, "update", ""), 1, true, false},
		{`change the time to 3pm :: ask`, result(before, 0, false, "update", "Which task?"), 0, false, false},
		{`archive the garden project :: confirm`, offered(result(before, 0, true, "unknown", "Should I add …?")), 0, false, false},
		{`move mom to work :: update "Call mom" project="Work"`, result(moved, 1, false, "", ""), 1, true, false},
		{`move mom to work :: update "Call mom" project="Home"`, result(moved, 1, false, "", ""), -1, false, false},
		{`move mom to work :: update "Call mom" project="Work"`, result(before, 0, true, "", ""), 0.5, false, false},
		{`thanks :: nothing`, result(gone, 1, false, "", ""), -3, false, true},
		{`add two: a, b :: add "A" && add "B"`, result(before, 0, false, "", ""), 0, false, false},
		{`what's in Home :: list "Call mom"`, result(before, 0, false, "list", "• Call mom\n• Gym session"), 0, false, false},
		{`what's in Home :: list "Call mom" "Gym session"`, result(before, 0, false, "list", "• Call mom\n• Gym session"), 1, true, false},
	}
	for _, x := range cases {
		p, ok, bad, why := s.judge(c(x.line), x.r)
		assert.Equal(t, x.p, p, "%s: %s", x.line, why)
		assert.Equal(t, x.ok, ok, x.line)
		assert.Equal(t, x.bad, bad, x.line)
	}
	everyCases := []struct {
		task todomcp.Task
		want string
		ok   bool
	}{
		{todomcp.Task{Recurrence: "weekly", RecurrenceInterval: 2, RecurrenceWeekdays: []string{"mon"}}, "2w", true},
		{todomcp.Task{Recurrence: "weekly", RecurrenceInterval: 1, RecurrenceWeekdays: []string{"mon"}}, "2w", false},
		{todomcp.Task{Recurrence: "weekly", RecurrenceInterval: 1, RecurrenceWeekdays: []string{"fri", "mon", "wed"}}, "mon,wed,fri", true},
		{todomcp.Task{Recurrence: "weekly", RecurrenceInterval: 1, RecurrenceWeekdays: []string{"mon", "tue", "wed", "thu", "fri"}}, "weekdays", true},
		{todomcp.Task{Recurrence: "daily", RecurrenceInterval: 3}, "3d", true},
		{todomcp.Task{Recurrence: "daily", RecurrenceInterval: 1}, "3d", false},
		{todomcp.Task{Recurrence: "none"}, "none", true},
	}
	for _, x := range everyCases {
		got, ok := s.every(x.task, x.want)
		assert.Equal(t, x.ok, ok, "%s against every=%s", got, x.want)
	}
	_, err = parseOutcome(`remove "x"`)
	assert.Error(t, err)
	_, err = parseOutcome(`add "x" colour=red`)
	assert.Error(t, err)
}
