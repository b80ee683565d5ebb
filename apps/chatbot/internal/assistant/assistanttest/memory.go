// Package assistanttest tests the assistant's decisions on two backends:
// Memory, the backend's task tools in memory (make check, in seconds),
// and the real backend over MCP (make test). The suite (RunDecisions and
// the phrase-table Score) is written once; the backend run compares its
// score with Memory's phrase by phrase, so the fake cannot drift from the
// backend unnoticed. Like taskstest in the backend, it carries a fake and
// its conformance cases together; only test files may import it.
package assistanttest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/todo-app/todo-app/apps/chatbot/internal/mcpclient"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/recurrence"
	"github.com/todo-app/todo-app/pkg/todomcp"
)

// Memory is the backend's MCP task tools (pkg/todomcp) in memory, for
// many people at once: what the assistant's tests need of the backend's
// rules, and no more. The tools are registered with todomcp.Register, as
// the backend registers them, so the arguments are checked against the
// same schemas, the results carry the same structured content, and a
// failure is a tool error with its text. The success results' text is the
// structured JSON (the backend writes a one-line summary; neither engine
// reads it when there is structured content).
//
// Dates follow the backend's all-day model (pkg/dates): a due is a date
// (due_date, all day; its instant the end of that day in the person's
// zone, recomputed by SetZone) or a time (due_at); the tools' due is the
// date alone or RFC 3339 both ways; a reminder on a date is a time of day
// (at_time) on it or whole days before; next occurrences are computed in
// the person's zone by the backend's own rule (pkg/recurrence: days of
// the week, a day of the month a clamped series remembers).
//
// Not modelled: default reminders (a new account has none), the 30 days
// after which a deleted task can no longer be restored, read-only tokens,
// the description and query length limits. Times are the real clock's,
// as the backend's are.
type Memory struct {
	now      func() time.Time
	handlers map[string]mcp.ToolHandler
	tools    []*mcp.Tool

	mu     sync.Mutex
	lastID int64 // ids of tasks and reminders, one sequence for everyone
	people map[string]*person
}

// person is one account's tasks and tags.
type person struct {
	zone  *time.Location
	tasks map[int64]*task
	// tags are the person's tag names by lower case: the first spelling
	// is kept, as the backend's unique index on lower(name) does.
	tags map[string]string
	// projects are the person's, the Inbox first (made with the account).
	// Sections, archiving and the order of tasks are not modelled.
	projects []todomcp.Project
}

type task struct {
	api.Task
	deleted      bool
	deletedWith  int64 // the task whose delete took this one
	recurredFrom int64
	// touched is false until the task is changed after its creation (the
	// backend compares updated_at with created_at): reopening a recurring
	// task removes its next occurrence only while that is untouched.
	touched bool
}

// NewMemory returns an empty Memory whose clock is now (time.Now when nil).
func NewMemory(now func() time.Time) (*Memory, error) {
	if now == nil {
		now = time.Now
	}
	m := &Memory{now: now, people: map[string]*person{}}
	s := mcp.NewServer(&mcp.Implementation{Name: "todo-app-memory", Version: "test"}, nil)
	m.handlers = map[string]mcp.ToolHandler{
		todomcp.AddTask.Name:      register(m, s, todomcp.AddTask, m.addTask),
		todomcp.ListTasks.Name:    register(m, s, todomcp.ListTasks, m.listTasks),
		todomcp.CompleteTask.Name: register(m, s, todomcp.CompleteTask, m.completeTask),
		todomcp.DeleteTask.Name:   register(m, s, todomcp.DeleteTask, m.deleteTask),
		todomcp.RestoreTask.Name:  register(m, s, todomcp.RestoreTask, m.restoreTask),
		todomcp.UpdateTask.Name:   register(m, s, todomcp.UpdateTask, m.updateTask),
		todomcp.ListTags.Name:     register(m, s, todomcp.ListTags, m.listTags),
		todomcp.ListProjects.Name: register(m, s, todomcp.ListProjects, m.listProjects),
		todomcp.AddProject.Name:   register(m, s, todomcp.AddProject, m.addProject),
		todomcp.MoveTask.Name:     register(m, s, todomcp.MoveTask, m.moveTask),
	}
	// The tool list, with the schemas the SDK derives, as a client
	// lists it: once, through an in-memory session.
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := s.Connect(ctx, st, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to the in-memory tools: %w", err)
	}
	defer ss.Close()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "assistanttest", Version: "test"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to the in-memory tools: %w", err)
	}
	defer cs.Close()
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("listing the in-memory tools: %w", err)
	}
	m.tools = res.Tools
	return m, nil
}

// Account adds a person in time zone zone ("" is UTC) holding seed, and
// returns the tools acting as them, as the backend's sign-up, import and
// MCP session do. Seeded sections and absolute reminders are not
// supported.
func (m *Memory) Account(_ context.Context, zone string, seed Seed) (mcpclient.Tools, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastID++
	p := &person{zone: dates.Zone(zone), tasks: map[int64]*task{}, tags: map[string]string{},
		projects: []todomcp.Project{{ID: m.lastID, Name: "Inbox", Inbox: true}}}
	projects := map[string]int64{}
	for _, x := range seed.Projects {
		if x.Inbox {
			projects[x.Key] = p.projects[0].ID
			continue
		}
		m.lastID++
		p.projects = append(p.projects, todomcp.Project{ID: m.lastID, Name: x.Name, Archived: x.Archived})
		projects[x.Key] = m.lastID
	}
	keys := map[string]int64{}
	for i, x := range seed.Tasks {
		in := x.Input()
		in.Tags = x.Tags
		t, tags, fe := check(in, p.zone)
		t.Tags = tags
		var raw []api.ReminderInput
		for _, r := range x.Reminders {
			if r.At != nil || r.Fired {
				return nil, fmt.Errorf("seed task %d: Memory imports only unfired reminders before the due time", i)
			}
			raw = append(raw, api.ReminderInput{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime})
		}
		rs := checkReminders(raw, t.DueAt, t.DueDate != nil, p.zone, m.now(), fe)
		if len(fe) > 0 {
			return nil, fmt.Errorf("seed task %d: %w", i, fe.err())
		}
		if x.SectionKey != "" {
			return nil, fmt.Errorf("seed task %d: Memory does not model sections", i)
		}
		var project, parent int64
		if x.ProjectKey != "" {
			if project = projects[x.ProjectKey]; project == 0 {
				return nil, fmt.Errorf("seed task %d: no project %q before it", i, x.ProjectKey)
			}
		}
		if x.ParentKey != "" {
			if parent = keys[x.ParentKey]; parent == 0 {
				return nil, fmt.Errorf("seed task %d: no parent %q before it", i, x.ParentKey)
			}
		}
		if err := p.place(&t.TaskPlace, project, parent, 0); err != nil {
			return nil, fmt.Errorf("seed task %d: %w", i, err)
		}
		t.Completed, t.CompletedAt = x.Completed, x.CompletedAt
		keys[x.Key] = m.insert(p, t, rs).ID
	}
	m.lastID++
	uid := "memory-" + strconv.FormatInt(m.lastID, 10)
	m.people[uid] = p
	return &tools{m: m, uid: uid}, nil
}

// SetZone is the person's Settings → time zone, as the backend's
// SetPreferences: their zone becomes zone, and the instants of their
// all-day dates follow it, with the pending reminders at a time of day on
// them (the backend's store.followZone). The dates themselves stay.
func (m *Memory) SetZone(_ context.Context, ts mcpclient.Tools, zone string) error {
	s, ok := ts.(*tools)
	if !ok || s.m != m {
		return fmt.Errorf("SetZone: %T is not one of this Memory's accounts", ts)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return fmt.Errorf("SetZone: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.people[s.uid]
	if !ok {
		return errors.New("SetZone: this account no longer exists")
	}
	p.zone = loc
	for _, t := range p.tasks {
		if t.DueDate == nil {
			continue
		}
		end := t.DueDate.EndIn(loc).UTC()
		t.DueAt = &end
		t.Reminders = slices.Clone(t.Reminders)
		for i, r := range t.Reminders {
			if r.AtTime != "" && r.FiredAt == nil {
				t.Reminders[i].FireAt = fireAt(r.BeforeMinutes, r.AtTime, t.DueAt, true, loc)
			}
		}
		sortReminders(t.Reminders)
	}
	return nil
}

// tools are Memory's tools acting as one person: an mcpclient.Tools.
type tools struct {
	m   *Memory
	uid string
}

func (s *tools) List(context.Context) ([]*mcp.Tool, error) { return s.m.tools, nil }

// Call runs the tool's handler as the backend's server would for this
// person's token, and reads its result as mcpclient's session does.
func (s *tools) Call(ctx context.Context, name string, args map[string]any) (mcpclient.Result, error) {
	h, ok := s.m.handlers[name]
	if !ok {
		return mcpclient.Result{}, fmt.Errorf("calling %s: unknown tool %q", name, name)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return mcpclient.Result{}, fmt.Errorf("calling %s: %w", name, err)
	}
	res, err := h(ctx, &mcp.CallToolRequest{Params: &mcp.CallToolParamsRaw{Name: name, Arguments: raw},
		Extra: &mcp.RequestExtra{TokenInfo: &auth.TokenInfo{UserID: s.uid}}})
	if err != nil {
		return mcpclient.Result{}, fmt.Errorf("calling %s: %w", name, err)
	}
	return mcpclient.ResultOf(res), nil
}

// register adds h as t's handler: it runs under m's lock for the caller,
// checked as the backend's userOf does (the optional user_id argument
// must be the token's user).
func register[In, Out any](m *Memory, s *mcp.Server, t todomcp.Tool[In, Out], h func(p *person, in In) (Out, error)) mcp.ToolHandler {
	return todomcp.Register(s, t, func(_ context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
		var none Out
		var given struct {
			UserID string `json:"user_id"`
		}
		_ = json.Unmarshal(req.Params.Arguments, &given)
		uid := req.Extra.TokenInfo.UserID
		if given.UserID != "" && given.UserID != uid {
			return nil, none, errors.New("user_id does not match the signed-in user; omit user_id to act for the signed-in user")
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		p, ok := m.people[uid]
		if !ok {
			return nil, none, errors.New("this account no longer exists; sign in again")
		}
		out, err := h(p, in)
		return nil, out, err
	})
}

// find is one of p's tasks, deleted or not as asked, or the backend's
// error for a task it does not have.
func (p *person) find(id int64, deleted bool) (*task, error) {
	t, ok := p.tasks[id]
	if !ok || t.deleted != deleted {
		return nil, fmt.Errorf("task %d not found; call list_tasks to see ids", id)
	}
	return t, nil
}

// insert stores t for p with tags (by p's spelling) and reminders; the
// caller holds m.mu.
func (m *Memory) insert(p *person, t api.Task, rs []api.Reminder) *task {
	m.lastID++
	t.ID, t.CreatedAt = m.lastID, m.now().UTC()
	t.UpdatedAt = t.CreatedAt
	t.Tags = p.spell(t.Tags)
	t.Reminders = nil
	if t.ProjectID == 0 {
		t.ProjectID = p.projects[0].ID
	}
	x := &task{Task: t}
	m.setReminders(x, rs)
	p.tasks[t.ID] = x
	return x
}

// spell is names as p's tags spell them (creating the new ones), in the
// order the backend returns them: by name, ignoring case.
func (p *person) spell(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		k := strings.ToLower(n)
		if _, ok := p.tags[k]; !ok {
			p.tags[k] = n
		}
		out = append(out, p.tags[k])
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

// setReminders gives t rs, with ids, in firing order (no time last).
func (m *Memory) setReminders(t *task, rs []api.Reminder) {
	t.Reminders = make([]api.Reminder, len(rs))
	for i, r := range rs {
		m.lastID++
		r.ID = m.lastID
		t.Reminders[i] = r
	}
	sortReminders(t.Reminders)
}

func sortReminders(rs []api.Reminder) {
	slices.SortStableFunc(rs, func(a, b api.Reminder) int {
		if c := compareTimes(a.FireAt, b.FireAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// compareTimes orders times with a missing one last.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

func (m *Memory) addTask(p *person, in todomcp.AddTaskInput) (todomcp.TaskOutput, error) {
	ti := in.TaskInput()
	t, tags, fe := check(ti, p.zone)
	if len(fe) > 0 {
		return todomcp.TaskOutput{}, fe.err()
	}
	t.Tags = tags
	var raw []api.ReminderInput
	if ti.Reminders != nil {
		raw = *ti.Reminders
	}
	rs := checkReminders(raw, t.DueAt, t.DueDate != nil, p.zone, m.now(), fe)
	if len(fe) > 0 {
		return todomcp.TaskOutput{}, fe.err()
	}
	if err := p.place(&t.TaskPlace, in.ProjectID, in.ParentID, in.SectionID); err != nil {
		return todomcp.TaskOutput{}, err
	}
	x := m.insert(p, t, rs)
	return todomcp.TaskOutput{Task: todomcp.FromAPI(x.Task)}, nil
}

// place sets where a task goes: under parent (in its project), else in
// project, else (0) the Inbox, as the backend's rules do.
func (p *person) place(to *api.TaskPlace, project, parent, section int64) error {
	switch {
	case section != 0:
		return errors.New("taskstest Memory does not model sections")
	case parent != 0:
		up, err := p.find(parent, false)
		if err != nil {
			return fmt.Errorf("parent task %d not found", parent)
		}
		if project != 0 && project != up.ProjectID {
			return fmt.Errorf("invalid input: parent_id: is in another project (%d): a subtask lives in its parent's project", up.ProjectID)
		}
		to.ProjectID, to.ParentID = up.ProjectID, &up.ID
	case project != 0:
		if !slices.ContainsFunc(p.projects, func(x todomcp.Project) bool { return x.ID == project }) {
			return fmt.Errorf("project %d not found", project)
		}
		to.ProjectID, to.ParentID = project, nil
	}
	return nil
}

func (m *Memory) listProjects(p *person, _ todomcp.ListProjectsInput) (todomcp.ListProjectsOutput, error) {
	out := todomcp.ListProjectsOutput{Projects: slices.Clone(p.projects)}
	for i := range out.Projects {
		for _, t := range p.tasks {
			if !t.deleted && !t.Completed && t.ProjectID == out.Projects[i].ID {
				out.Projects[i].OpenCount++
			}
		}
	}
	return out, nil
}

func (m *Memory) addProject(p *person, in todomcp.AddProjectInput) (todomcp.ProjectOutput, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 120 {
		return todomcp.ProjectOutput{}, errors.New("invalid input: name: must be 1 to 120 characters")
	}
	m.lastID++
	pr := todomcp.Project{ID: m.lastID, Name: name}
	p.projects = append(p.projects, pr)
	return todomcp.ProjectOutput{Project: pr}, nil
}

func (m *Memory) moveTask(p *person, in todomcp.MoveTaskInput) (todomcp.TaskOutput, error) {
	t, err := p.find(in.TaskID, false)
	if err != nil {
		return todomcp.TaskOutput{}, err
	}
	if in.AfterID != 0 {
		return todomcp.TaskOutput{}, errors.New("taskstest Memory does not model the order of tasks")
	}
	place := t.TaskPlace
	if in.ToTop {
		place.ParentID = nil
	}
	if err := p.place(&place, in.ProjectID, in.ParentID, in.SectionID); err != nil {
		return todomcp.TaskOutput{}, err
	}
	t.TaskPlace, t.touched = place, true
	// Its subtasks follow it into its project.
	for _, c := range p.tasks {
		for up := c.ParentID; up != nil; {
			if *up == t.ID {
				c.ProjectID = place.ProjectID
				break
			}
			parent, ok := p.tasks[*up]
			if !ok {
				break
			}
			up = parent.ParentID
		}
	}
	return todomcp.TaskOutput{Task: todomcp.FromAPI(t.Task)}, nil
}

func (m *Memory) listTasks(p *person, in todomcp.ListTasksInput) (todomcp.ListTasksOutput, error) {
	fe := fieldErrors{}
	status := strings.ToLower(in.Status)
	switch status {
	case "":
		status = "all"
	case "all", "pending", "completed":
	default:
		fe.add("status", "must be one of all, pending, completed")
	}
	var priority string
	if in.Priority != "" {
		priority = cleanPriority(in.Priority, fe)
	}
	var tags []string
	if in.Tag != "" {
		tags = cleanTags([]string{in.Tag}, fe)
	}
	q := strings.TrimSpace(in.Query)
	from := cleanDue(in.DueFrom, "due_from", fe, p.zone, dates.Start)
	to := cleanDue(in.DueTo, "due_to", fe, p.zone, dates.End)
	if from != nil && to != nil && to.Before(*from) {
		fe.add("due_to", "must not be before the “from” date (due_from)")
	}
	limit := in.Limit
	switch {
	case limit == 0:
		limit = 50
	case limit < 1 || limit > 100:
		fe.add("limit", "must be between 1 and 100")
	}
	if len(fe) > 0 {
		return todomcp.ListTasksOutput{}, fe.err()
	}
	now := m.now()
	var all []*task
	for _, t := range p.tasks {
		switch {
		case t.deleted,
			status == "pending" && t.Completed, status == "completed" && !t.Completed,
			priority != "" && t.Priority != priority,
			q != "" && !containsFold(t.Title, q) && !containsFold(t.Description, q),
			// A comparison with a missing time is false in SQL.
			from != nil && (t.DueAt == nil || t.DueAt.Before(*from)),
			to != nil && (t.DueAt == nil || t.DueAt.After(*to)),
			in.Overdue && (t.Completed || t.DueAt == nil || !t.DueAt.Before(now)),
			in.ProjectID != 0 && t.ProjectID != in.ProjectID:
			continue
		}
		if len(tags) > 0 && !slices.ContainsFunc(t.Tags, func(g string) bool { return strings.EqualFold(g, tags[0]) }) {
			continue
		}
		all = append(all, t)
	}
	// Soonest due first, undated last, then by id (the backend's order).
	slices.SortFunc(all, func(a, b *task) int {
		if c := compareTimes(a.DueAt, b.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := todomcp.ListTasksOutput{Tasks: []todomcp.Task{}, Total: len(all)}
	for _, t := range all[:min(limit, len(all))] {
		out.Tasks = append(out.Tasks, todomcp.FromAPI(t.Task))
	}
	return out, nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func (m *Memory) completeTask(p *person, in todomcp.CompleteTaskInput) (todomcp.CompleteTaskOutput, error) {
	t, err := p.find(in.TaskID, false)
	if err != nil {
		return todomcp.CompleteTaskOutput{}, err
	}
	done := in.Completed == nil || *in.Completed
	var out todomcp.CompleteTaskOutput
	if t.Completed != done {
		t.Completed, t.touched = done, true
		t.CompletedAt = nil
		switch {
		case done:
			now := m.now().UTC()
			t.CompletedAt = &now
			if next := m.next(p, t, now); next != nil {
				n := todomcp.FromAPI(next.Task)
				out.Next = &n
			}
		case t.Recurrence != api.RecurNone:
			// Reopened: the next occurrence goes while nobody has changed it.
			for id, o := range p.tasks {
				if o.recurredFrom == t.ID && !o.deleted && !o.Completed && !o.touched {
					delete(p.tasks, id)
				}
			}
		}
	}
	out.Task = todomcp.FromAPI(t.Task)
	return out, nil
}

// next inserts the next occurrence of a recurring task completed at now:
// every field but the due, which lies ahead of now, computed by the
// backend's own rule (pkg/recurrence) in the person's zone: an all-day
// series advances its date, a timed one keeps its local time across a DST
// change; the relative reminders timed from it.
func (m *Memory) next(p *person, t *task, now time.Time) *task {
	rule := recurrence.Of(t.TaskFields)
	if !rule.Repeats() {
		return nil
	}
	date, due, monthDay := rule.Next(t.DueDate, t.DueAt, now, p.zone)
	if due.UTC().Year() > 9999 {
		return nil
	}
	n := api.Task{TaskFields: t.TaskFields, Tags: slices.Clone(t.Tags)}
	n.DueDate, n.DueAt, n.RecurrenceMonthDay = date, &due, monthDay
	var rs []api.Reminder
	for _, r := range t.Reminders {
		if r.BeforeMinutes != nil {
			rs = append(rs, api.Reminder{BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime, FireAt: fireAt(r.BeforeMinutes, r.AtTime, &due, date != nil, p.zone)})
		}
	}
	x := m.insert(p, n, rs)
	x.recurredFrom = t.ID
	return x
}

func (m *Memory) deleteTask(p *person, in todomcp.DeleteTaskInput) (todomcp.DeleteTaskOutput, error) {
	t, err := p.find(in.TaskID, false)
	if err != nil {
		return todomcp.DeleteTaskOutput{}, err
	}
	// Its subtasks go with it, and come back with it, as the backend's
	// soft delete does.
	for _, c := range p.tasks {
		if !c.deleted && p.under(c, t.ID) {
			c.deleted, c.deletedWith = true, t.ID
		}
	}
	t.deleted, t.deletedWith = true, t.ID
	return todomcp.DeleteTaskOutput{DeletedID: t.ID, Title: t.Title}, nil
}

// under says whether c is a subtask of the task id, at any depth.
func (p *person) under(c *task, id int64) bool {
	for up := c.ParentID; up != nil; {
		if *up == id {
			return true
		}
		parent, ok := p.tasks[*up]
		if !ok {
			return false
		}
		up = parent.ParentID
	}
	return false
}

func (m *Memory) restoreTask(p *person, in todomcp.RestoreTaskInput) (todomcp.TaskOutput, error) {
	t, err := p.find(in.TaskID, true)
	if err != nil {
		return todomcp.TaskOutput{}, err
	}
	t.deleted = false
	for _, c := range p.tasks {
		if c.deleted && c.deletedWith == t.ID && c.ID != t.ID {
			c.deleted = false
		}
	}
	return todomcp.TaskOutput{Task: todomcp.FromAPI(t.Task)}, nil
}

func (m *Memory) updateTask(p *person, in todomcp.UpdateTaskInput) (todomcp.TaskOutput, error) {
	patch, err := in.TaskPatch()
	if err != nil {
		return todomcp.TaskOutput{}, err
	}
	if in.ProjectID != nil || in.ParentID != nil {
		// A move with the change (the backend's patch moves too); this
		// fake keeps it simple: the move alone, then the fields.
		mv := todomcp.MoveTaskInput{TaskID: in.TaskID}
		if in.ProjectID != nil {
			mv.ProjectID = *in.ProjectID
		}
		if in.ParentID != nil {
			mv.ParentID = *in.ParentID
		}
		if _, err := m.moveTask(p, mv); err != nil {
			return todomcp.TaskOutput{}, err
		}
	}
	// The patch's fields are checked before the task is looked up, as
	// the backend's Patch does.
	fe := fieldErrors{}
	var v api.TaskFields
	if patch.Title != nil {
		v.Title = cleanTitle(*patch.Title, fe)
	}
	if patch.Priority != nil {
		if strings.TrimSpace(*patch.Priority) == "" {
			fe.add("priority", "must be one of low, medium, high")
		}
		v.Priority = cleanPriority(*patch.Priority, fe)
	}
	date, at := optional(patch.DueDate), optional(patch.DueAt)
	switch {
	case date != nil && strings.TrimSpace(*date) == "":
		fe.add("due_date", "must be a date such as 2026-12-08, or null to clear the due")
	case at != nil && strings.TrimSpace(*at) == "":
		fe.add("due_at", "must be an RFC 3339 timestamp, or null to clear the due")
	case date != nil || at != nil:
		v.DueDate, v.DueAt = cleanTaskDue(date, at, p.zone, fe)
	}
	var tags []string
	if patch.Tags != nil {
		tags = cleanTags(*patch.Tags, fe)
	}
	if patch.Recurrence != nil && strings.TrimSpace(*patch.Recurrence) == "" {
		fe.add("recurrence", "must be one of none, daily, weekly, monthly, yearly")
	}
	if patch.RecurrenceInterval != nil && *patch.RecurrenceInterval == 0 {
		fe.add("recurrence_interval", "must be between 1 and 1000")
	}
	if patch.RecurrenceWeekdays != nil {
		v.RecurrenceWeekdays = cleanWeekdays(*patch.RecurrenceWeekdays, fe)
	}
	if patch.RecurrenceMonthDay != nil {
		v.RecurrenceMonthDay = cleanMonthDay(*patch.RecurrenceMonthDay, fe)
	}
	if len(fe) > 0 {
		return todomcp.TaskOutput{}, fe.err()
	}
	t, err := p.find(in.TaskID, false)
	if err != nil {
		return todomcp.TaskOutput{}, err
	}
	c := t.Task // changed on a copy: a refused change leaves t as it was
	if patch.Title != nil {
		c.Title = v.Title
	}
	if patch.Description != nil {
		c.Description = strings.TrimRightFunc(*patch.Description, unicode.IsSpace)
	}
	if patch.Priority != nil {
		c.Priority = v.Priority
	}
	if patch.DueDate.Set || patch.DueAt.Set {
		c.DueDate, c.DueAt = v.DueDate, v.DueAt
	}
	if patch.RecurrenceWeekdays != nil {
		c.RecurrenceWeekdays = v.RecurrenceWeekdays
	}
	if patch.RecurrenceMonthDay != nil {
		c.RecurrenceMonthDay = v.RecurrenceMonthDay
	}
	rule, interval := c.Recurrence, c.RecurrenceInterval
	if patch.Recurrence != nil {
		rule = *patch.Recurrence
	}
	if patch.RecurrenceInterval != nil {
		interval = *patch.RecurrenceInterval
	}
	c.Recurrence, c.RecurrenceInterval = cleanRecurrence(rule, interval, fe)
	var rs []api.Reminder
	if patch.Reminders != nil {
		rs = checkReminders(*patch.Reminders, c.DueAt, c.DueDate != nil, p.zone, m.now(), fe)
	}
	if len(fe) > 0 {
		return todomcp.TaskOutput{}, fe.err()
	}
	if patch.Tags != nil {
		c.Tags = p.spell(tags)
	}
	moved := !sameTime(t.DueAt, c.DueAt) || (t.DueDate == nil) != (c.DueDate == nil)
	t.Task, t.touched = c, true
	switch {
	case patch.Reminders != nil:
		m.setReminders(t, rs)
	case moved:
		// The relative reminders follow the due time; one that now lies
		// ahead fires again.
		t.Reminders = slices.Clone(t.Reminders)
		for i, r := range t.Reminders {
			if r.BeforeMinutes == nil {
				continue
			}
			t.Reminders[i].FireAt = fireAt(r.BeforeMinutes, r.AtTime, t.DueAt, t.DueDate != nil, p.zone)
			if f := t.Reminders[i].FireAt; f != nil && f.After(m.now()) {
				t.Reminders[i].FiredAt = nil
			}
		}
		sortReminders(t.Reminders)
	}
	return todomcp.TaskOutput{Task: todomcp.FromAPI(t.Task)}, nil
}

// optional is a present, non-null PATCH value, nil otherwise.
func optional(n api.Nullable[string]) *string {
	if !n.Set || n.Null {
		return nil
	}
	return &n.Value
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

func (m *Memory) listTags(p *person, _ todomcp.ListTagsInput) (todomcp.ListTagsOutput, error) {
	out := todomcp.ListTagsOutput{Tags: []todomcp.Tag{}}
	for _, name := range p.tags {
		g := todomcp.Tag{Name: name}
		for _, t := range p.tasks {
			if !t.deleted && slices.Contains(t.Tags, name) {
				g.TaskCount++
				if !t.Completed {
					g.OpenCount++
				}
			}
		}
		out.Tags = append(out.Tags, g)
	}
	slices.SortFunc(out.Tags, func(a, b todomcp.Tag) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// The rules below are the backend's (apps/backend/internal/tasks), as far
// as the assistant's tests reach them; the backend run of the suite holds
// them to it.

// fieldErrors is what is wrong, by the API's field name.
type fieldErrors map[string]string

func (f fieldErrors) add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

// err is the backend's tool error for invalid input: each field by the
// tools' name for it, sorted.
func (f fieldErrors) err() error {
	parts := make([]string, 0, len(f))
	for field, problem := range f {
		switch field {
		case "due_at", "due_date":
			field = "due"
		case "q":
			field = "query"
		}
		parts = append(parts, field+" "+problem)
	}
	slices.Sort(parts)
	return fmt.Errorf("invalid input: %s", strings.Join(parts, "; "))
}

// check is a create's fields and tags, cleaned, or what is wrong.
func check(in api.TaskInput, loc *time.Location) (api.Task, []string, fieldErrors) {
	fe := fieldErrors{}
	t := api.Task{TaskFields: api.TaskFields{
		Title:       cleanTitle(in.Title, fe),
		Description: strings.TrimRightFunc(in.Description, unicode.IsSpace),
		Priority:    cleanPriority(in.Priority, fe),
	}}
	t.DueDate, t.DueAt = cleanTaskDue(in.DueDate, in.DueAt, loc, fe)
	t.Recurrence, t.RecurrenceInterval = cleanRecurrence(in.Recurrence, in.RecurrenceInterval, fe)
	t.RecurrenceWeekdays = cleanWeekdays(in.RecurrenceWeekdays, fe)
	t.RecurrenceMonthDay = cleanMonthDay(in.RecurrenceMonthDay, fe)
	return t, cleanTags(in.Tags, fe), fe
}

func cleanTitle(raw string, fe fieldErrors) string {
	t := strings.TrimSpace(raw)
	switch {
	case t == "":
		fe.add("title", "is required")
	case utf8.RuneCountInString(t) > 200:
		fe.add("title", "must be at most 200 characters")
	}
	return t
}

func cleanPriority(raw string, fe fieldErrors) string {
	p := strings.ToLower(strings.TrimSpace(raw))
	if p == "" {
		return api.PriorityMedium
	}
	if !slices.Contains(api.Priorities(), p) {
		fe.add("priority", "must be one of low, medium, high")
	}
	return p
}

func cleanRecurrence(raw string, interval int, fe fieldErrors) (string, int) {
	r := strings.ToLower(strings.TrimSpace(raw))
	if r == "" {
		r = api.RecurNone
	}
	if !slices.Contains(api.Recurrences(), r) {
		fe.add("recurrence", "must be one of none, daily, weekly, monthly, yearly")
	}
	if interval == 0 {
		interval = 1
	}
	if interval < 1 || interval > 1000 {
		fe.add("recurrence_interval", "must be between 1 and 1000")
	}
	return r, interval
}

// cleanWeekdays reads the days of the week a series falls on.
func cleanWeekdays(raw []string, fe fieldErrors) dates.Weekdays {
	w, err := dates.ParseWeekdays(raw)
	if err != nil {
		fe.add("recurrence_weekdays", err.Error())
	}
	return w
}

// cleanMonthDay checks the day of the month a series keeps.
func cleanMonthDay(n int, fe fieldErrors) int {
	if n < recurrence.LastDay || n > 31 {
		fe.add("recurrence_month_day", "must be a day of the month, 1 to 31, or -1 for the last day (0: the due's day)")
	}
	return n
}

// cleanTags trims names, drops a leading #, and keeps the first spelling
// of names equal but for case.
func cleanTags(raw []string, fe fieldErrors) []string {
	if len(raw) > 20 {
		fe.add("tags", "at most 20 tags per task")
		return nil
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(raw))
	for _, t := range raw {
		t = strings.TrimPrefix(strings.Join(strings.Fields(t), " "), "#")
		switch {
		case t == "":
			fe.add("tags", "tag names must not be empty")
			continue
		case utf8.RuneCountInString(t) > 50:
			fe.add("tags", "tag names must be at most 50 characters")
			continue
		case strings.Contains(t, ","):
			fe.add("tags", "tag names must not contain commas")
			continue
		}
		if k := strings.ToLower(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// cleanDue reads a time by the product's date rule (pkg/dates) in UTC,
// nil for "".
func cleanDue(raw, field string, fe fieldErrors, loc *time.Location, b dates.Bound) *time.Time {
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	t, _, err := dates.Parse(raw, loc, b)
	if err != nil {
		fe.add(field, "must be an RFC 3339 timestamp such as 2026-12-24T17:00:00Z or a date such as 2026-12-24")
		return nil
	}
	if t = t.UTC(); t.Year() < 1970 || t.Year() > 9999 {
		fe.add(field, "must be between the years 1970 and 9999 (in UTC)")
		return nil
	}
	return &t
}

// cleanTaskDue reads a task's due by the date rule, as the backend's
// tasks.cleanTaskDue: a day (date, YYYY-MM-DD: all day, its instant the
// end of that day in loc, the person's zone) or an instant (at, RFC 3339),
// not both; a YYYY-MM-DD at is a day too (the shape before API 1.7.0).
func cleanTaskDue(date, at *string, loc *time.Location, fe fieldErrors) (*dates.Date, *time.Time) {
	d, a := "", ""
	if date != nil {
		d = strings.TrimSpace(*date)
	}
	if at != nil {
		a = strings.TrimSpace(*at)
	}
	switch {
	case d != "" && a != "":
		fe.add("due_date", "give due_date (a day, all day) or due_at (a time), not both")
		return nil, nil
	case d != "":
		return cleanDay(d, "due_date", loc, fe)
	case a == "":
		return nil, nil
	case dates.LooksDateOnly(a):
		return cleanDay(a, "due_at", loc, fe)
	}
	t, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		fe.add("due_at", "must be an RFC 3339 timestamp such as 2026-12-08T09:00:00+01:00 (a day alone goes in due_date)")
		return nil, nil
	}
	if t = t.UTC(); !dates.InYears(t) {
		fe.add("due_at", dates.YearProblem)
		return nil, nil
	}
	return nil, &t
}

func cleanDay(raw, field string, loc *time.Location, fe fieldErrors) (*dates.Date, *time.Time) {
	d, err := dates.ParseDate(raw)
	if err != nil {
		fe.add(field, "must be a date such as 2026-12-08: "+err.Error())
		return nil, nil
	}
	end := d.EndIn(loc).UTC()
	if !dates.InYears(end) {
		fe.add(field, dates.YearProblem)
		return nil, nil
	}
	return &d, &end
}

var reClock = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)

// checkReminders is the reminders raw sets on a task due at due (allDay:
// the end of an all-day date in loc): at a time in the future, or before
// the due time — on an all-day date at a time of day (at_time), on that
// day or whole days before.
func checkReminders(raw []api.ReminderInput, due *time.Time, allDay bool, loc *time.Location, now time.Time, fe fieldErrors) []api.Reminder {
	if len(raw) > api.MaxReminders {
		fe.add("reminders", fmt.Sprintf("at most %d reminders per task", api.MaxReminders))
		return nil
	}
	var out []api.Reminder
	for i, r := range raw {
		field := fmt.Sprintf("reminders[%d]", i)
		switch {
		case (r.At == nil) == (r.BeforeMinutes == nil):
			fe.add(field, "give either at (a time) or before_minutes (before the due time)")
		case r.At != nil:
			at, err := time.Parse(time.RFC3339, *r.At)
			switch {
			case err != nil:
				fe.add(field, "at must be an RFC 3339 timestamp such as 2026-12-01T09:00:00+01:00")
			case !dates.InYears(at):
				fe.add(field, "at "+dates.YearProblem)
			case !at.After(now):
				fe.add(field, "at must be in the future")
			case r.AtTime != "":
				fe.add(field, "at_time goes with before_minutes, not with at")
			default:
				at = at.UTC()
				out = append(out, api.Reminder{At: &at, FireAt: &at})
			}
		default:
			n := *r.BeforeMinutes
			switch {
			case n < 0 || n > 30*24*60:
				fe.add(field, "before_minutes must be between 0 and 43200 (30 days)")
			case due == nil:
				fe.add(field, "a reminder before the due time needs a due time: set due_at, or give at")
			case r.AtTime != "" && !reClock.MatchString(r.AtTime):
				fe.add(field, "at_time must be HH:MM, such as 09:00")
			case r.AtTime != "" && n%(24*60) != 0:
				fe.add(field, "with at_time, before_minutes must be whole days (1440 for the day before)")
			case allDay && r.AtTime == "":
				fe.add(field, "an all-day task is reminded at a time of day: give at_time (HH:MM) with before_minutes 0 for that day or whole days before (1440 the day before), or give at")
			default:
				out = append(out, api.Reminder{BeforeMinutes: &n, AtTime: r.AtTime, FireAt: fireAt(&n, r.AtTime, due, allDay, loc)})
			}
		}
	}
	return out
}

// fireAt is when a reminder before minutes before due fires: that long
// before, or on that day at atTime in loc. Minutes before an all-day date
// (allDay) is no time at all: such a reminder waits for a time.
func fireAt(before *int, atTime string, due *time.Time, allDay bool, loc *time.Location) *time.Time {
	if before == nil || due == nil || allDay && atTime == "" {
		return nil
	}
	t := due.Add(-time.Duration(*before) * time.Minute)
	if atTime != "" {
		day := due.In(loc).AddDate(0, 0, -*before/(24*60))
		h, _ := strconv.Atoi(atTime[:2])
		mi, _ := strconv.Atoi(atTime[3:])
		t = time.Date(day.Year(), day.Month(), day.Day(), h, mi, 0, 0, loc)
	}
	t = t.UTC()
	return &t
}
