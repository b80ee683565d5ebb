// Package taskstest tests the task rules without a database: Memory, an
// in-memory tasks.Storage, and RunRules, the rule suite every Storage must
// pass — run on Memory by the tasks package's own tests (make check, in
// about a second) and on PostgreSQL by this package's tests (make test), so
// the fake cannot drift from the store it stands for. Like net/http/httptest
// and testing/fstest it is for tests only: no production code imports it
// (TestNothingInTheBackendImportsTaskstest in the tasks package holds that).
package taskstest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
)

// Memory is a tasks.Storage held in memory, with the semantics the rules
// rely on from PostgreSQL: rows per person, soft deletion, tags unique per
// person ignoring case, cascades, the table's CHECK constraints, the orders
// of the store's queries, and transactions that are all or nothing.
//
// A transaction works on a copy of every table and replaces the tables
// with it when it commits, so a failed one leaves nothing behind; one
// transaction (or single write) runs at a time, as if every row were
// locked, while reads see the last committed tables, as another connection
// would. Times the database would set (created_at, updated_at, deleted_at)
// come from the clock given to NewMemory, strictly increasing per write as
// PostgreSQL's now() differs between transactions.
//
// No reminder fires in memory (the reminders package claims them in
// PostgreSQL), so Notifications is always empty.
type Memory struct {
	now func() time.Time

	// writer admits one transaction or single write at a time; it also
	// guards last.
	writer sync.Mutex
	last   time.Time
	// mu guards the pointer to the committed tables, never their content:
	// committed tables are not written again.
	mu  sync.RWMutex
	cur *tables
}

var _ tasks.Storage = (*Memory)(nil)

// NewMemory returns an empty Memory whose row times come from now.
func NewMemory(now func() time.Time) *Memory {
	return &Memory{now: now, cur: &tables{
		users: map[string]store.User{}, tasks: map[int64]store.Task{}, tags: map[int64]store.Tag{},
		links: map[link]bool{}, reminders: map[int64]store.Reminder{},
		projects: map[int64]store.Project{}, sections: map[int64]store.Section{},
	}}
}

// tables are the rows, without the tags and reminders a store.Task carries
// when loaded (links and reminders hold those).
type tables struct {
	users     map[string]store.User
	tasks     map[int64]store.Task
	tags      map[int64]store.Tag
	links     map[link]bool
	reminders map[int64]store.Reminder
	projects  map[int64]store.Project
	sections  map[int64]store.Section
	// Sequences, one per table as in PostgreSQL.
	lastUser, lastTask, lastTag, lastReminder, lastProject, lastSection int64
}

type link struct{ task, tag int64 }

// clone copies every table; the rows' pointer fields are shared, which is
// safe because stored rows are replaced, never written through.
func (s *tables) clone() *tables {
	c := *s
	c.users, c.tasks, c.tags = clone(s.users), clone(s.tasks), clone(s.tags)
	c.links, c.reminders = clone(s.links), clone(s.reminders)
	c.projects, c.sections = clone(s.projects), clone(s.sections)
	return &c
}

func clone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// inTx marks a transaction's context, so that a write outside the
// transaction made while it runs fails instead of waiting for it forever.
type inTx struct{}

// WithTx runs fn on a copy of the tables and keeps the copy only if fn
// returns nil.
func (m *Memory) WithTx(ctx context.Context, fn func(ctx context.Context, tx tasks.Tx) error) error {
	return m.write(ctx, func(s *tables, now time.Time) error {
		return fn(context.WithValue(ctx, inTx{}, true), &memTx{s: s, now: now})
	})
}

// write runs fn as one transaction: on a copy, committed when fn returns
// nil, at a time after every earlier write's.
func (m *Memory) write(ctx context.Context, fn func(s *tables, now time.Time) error) error {
	if ctx.Value(inTx{}) != nil {
		return errors.New("taskstest: a write outside the open transaction would wait for it forever")
	}
	m.writer.Lock()
	defer m.writer.Unlock()
	now := m.now().UTC().Truncate(time.Microsecond) // PostgreSQL keeps microseconds
	if !now.After(m.last) {
		now = m.last.Add(time.Microsecond)
	}
	m.last = now
	s := m.cur.clone()
	if err := fn(s, now); err != nil {
		return err
	}
	m.mu.Lock()
	m.cur = s
	m.mu.Unlock()
	return nil
}

// read is the committed tables, which no one writes again.
func (m *Memory) read() *tables {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.cur
}

// AddUser adds a person with a time zone ("" is UTC) and a default
// reminder in minutes before the due time (nil: none), and returns their id.
func (m *Memory) AddUser(ctx context.Context, zone string, defaultReminder *int) (string, error) {
	var id string
	err := m.write(ctx, func(s *tables, now time.Time) error {
		s.lastUser++
		id = fmt.Sprintf("00000000-0000-4000-8000-%012d", s.lastUser)
		if zone == "" {
			zone = "UTC"
		}
		s.users[id] = store.User{ID: id, Email: id + "@example.com", TimeZone: zone, TimeZoneAuto: true,
			DefaultReminderMinutes: defaultReminder, CreatedAt: now}
		// The Inbox every account gets (the users_inbox trigger).
		s.lastProject++
		s.projects[s.lastProject] = store.Project{ID: s.lastProject, UserID: id, Name: "Inbox", Color: "grey",
			Position: "0", Inbox: true, CreatedAt: now, UpdatedAt: now}
		return nil
	})
	return id, err
}

// GetTask loads one of the person's live tasks with its tags and reminders.
func (m *Memory) GetTask(ctx context.Context, userID string, id int64) (store.Task, error) {
	return (&memTx{s: m.read()}).GetTask(ctx, userID, id)
}

// ListTasks filters, orders and pages as store.ListTasks does.
func (m *Memory) ListTasks(ctx context.Context, userID string, f store.TaskFilter) ([]store.Task, int, error) {
	s := m.read()
	var all []store.Task
	for _, t := range s.tasks {
		if t.UserID == userID && t.DeletedAt == nil && s.matches(t, f) && s.inView(t, f.ProjectID) {
			all = append(all, t)
		}
	}
	slices.SortFunc(all, order(f))
	page := []store.Task{}
	if f.Offset < len(all) {
		page = append(page, all[f.Offset:min(len(all), f.Offset+f.Limit)]...)
	}
	// The store counts only when the page does not tell (a full page, or
	// an empty one past the start); otherwise the total is what it saw.
	total := f.Offset + len(page)
	if !f.NoTotal && (len(page) == f.Limit || (len(page) == 0 && f.Offset > 0)) {
		total = len(all)
	}
	if !f.NoDetails {
		s.details(userID, page)
	}
	return page, total, nil
}

func (s *tables) matches(t store.Task, f store.TaskFilter) bool {
	switch {
	case f.Status == "pending" && t.Completed, f.Status == "completed" && !t.Completed,
		f.Priority != "" && t.Priority != f.Priority,
		f.Q != "" && !containsFold(t.Title, f.Q) && !containsFold(t.Description, f.Q),
		// A comparison with a missing time is false in SQL.
		f.DueFrom != nil && (t.DueAt == nil || t.DueAt.Before(*f.DueFrom)),
		f.DueTo != nil && (t.DueAt == nil || t.DueAt.After(*f.DueTo)),
		f.Overdue && (t.Completed || t.DueAt == nil || !t.DueAt.Before(f.Now)),
		f.CompletedFrom != nil && (t.CompletedAt == nil || t.CompletedAt.Before(*f.CompletedFrom)),
		f.CompletedTo != nil && (t.CompletedAt == nil || t.CompletedAt.After(*f.CompletedTo)):
		return false
	}
	for _, name := range f.Tags {
		if !slices.ContainsFunc(s.tagsOf(t.UserID, t.ID), func(g store.Tag) bool { return strings.EqualFold(g.Name, name) }) {
			return false
		}
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// order is the store's ORDER BY for f: the sort key, then the id, in f's
// direction; due times missing last either way.
func order(f store.TaskFilter) func(a, b store.Task) int {
	dir := 1
	if f.Desc {
		dir = -1
	}
	rank := map[string]int{api.PriorityHigh: 3, api.PriorityMedium: 2}
	return func(a, b store.Task) int {
		var c int
		switch f.Sort {
		case "due":
			c = compareDue(a.DueAt, b.DueAt, dir)
		case "priority":
			c = dir * cmp.Compare(max(rank[a.Priority], 1), max(rank[b.Priority], 1))
			if c == 0 {
				c = compareDue(a.DueAt, b.DueAt, 1)
			}
		case "title":
			c = dir * strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		default:
			c = dir * a.CreatedAt.Compare(b.CreatedAt)
		}
		if c != 0 {
			return c
		}
		return dir * cmp.Compare(a.ID, b.ID)
	}
}

func compareDue(a, b *time.Time, dir int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return dir * a.Compare(*b)
}

// LoadDetails fills in the tags and reminders of the person's tasks.
func (m *Memory) LoadDetails(ctx context.Context, userID string, ts []store.Task) error {
	m.read().details(userID, ts)
	return nil
}

func (s *tables) details(userID string, ts []store.Task) {
	for i := range ts {
		ts[i].Tags = append(ts[i].Tags, s.tagsOf(userID, ts[i].ID)...)
		ts[i].Reminders = append(ts[i].Reminders, s.remindersOf(ts[i].ID, byFireTime)...)
	}
}

// tagsOf is the person's tags on a task, by name ignoring case.
func (s *tables) tagsOf(userID string, taskID int64) []store.Tag {
	var out []store.Tag
	for l := range s.links {
		if g := s.tags[l.tag]; l.task == taskID && g.UserID == userID {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, byName)
	return out
}

func byName(a, b store.Tag) int {
	return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
}

func (s *tables) remindersOf(taskID int64, by func(a, b store.Reminder) int) []store.Reminder {
	var out []store.Reminder
	for _, r := range s.reminders {
		if r.TaskID == taskID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, by)
	return out
}

func byID(a, b store.Reminder) int { return cmp.Compare(a.ID, b.ID) }

// byFireTime is the store's reminder order: fire time, missing last, then id.
func byFireTime(a, b store.Reminder) int {
	if c := compareDue(a.FireAt, b.FireAt, 1); c != 0 {
		return c
	}
	return byID(a, b)
}

// CountSummary counts as store.CountSummary does.
func (m *Memory) CountSummary(ctx context.Context, userID string, b store.SummaryBounds) (store.SummaryCounts, error) {
	var c store.SummaryCounts
	s := m.read()
	for _, t := range s.tasks {
		if t.UserID != userID || t.DeletedAt != nil || !s.inView(t, 0) {
			continue
		}
		if t.Completed {
			if t.CompletedAt != nil && !t.CompletedAt.Before(b.WeekStart) {
				c.DoneThisWeek++
			}
			continue
		}
		c.Open++
		if t.DueAt != nil && !t.DueAt.Before(b.DayStart) && !t.DueAt.After(b.DayEnd) {
			c.DueToday++
		}
		if t.DueAt != nil && t.DueAt.Before(b.Now) {
			c.Overdue++
		}
	}
	return c, nil
}

// DeleteTask marks one of the person's live tasks deleted with its live
// subtasks, at one time.
func (m *Memory) DeleteTask(ctx context.Context, userID string, id int64) error {
	return m.write(ctx, func(s *tables, now time.Time) error {
		t, ok := s.tasks[id]
		if !ok || t.UserID != userID || t.DeletedAt != nil {
			return fmt.Errorf("deleting task %d: %w", id, store.ErrNotFound)
		}
		for _, c := range append(s.subtree(userID, id, nil), t) {
			c.DeletedAt = &now
			s.tasks[c.ID] = c
		}
		return nil
	})
}

// RestoreTask brings back one of the person's deleted tasks with the
// subtasks deleted with it, placed as store.RestoreTask places it.
func (m *Memory) RestoreTask(ctx context.Context, userID string, id int64) error {
	return m.write(ctx, func(s *tables, now time.Time) error {
		t, ok := s.tasks[id]
		if !ok || t.UserID != userID || t.DeletedAt == nil {
			return fmt.Errorf("restoring task %d: %w", id, store.ErrNotFound)
		}
		at := *t.DeletedAt
		for _, c := range append(s.subtree(userID, id, &at), t) {
			c.DeletedAt = nil
			s.tasks[c.ID] = c
		}
		return s.replace(userID, t, now)
	})
}

// PurgeDeletedTasks removes up to limit tasks deleted before cutoff,
// longest deleted first, with what cascades from them.
func (m *Memory) PurgeDeletedTasks(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	n := 0
	err := m.write(ctx, func(s *tables, now time.Time) error {
		var old []store.Task
		for _, t := range s.tasks {
			if t.DeletedAt != nil && t.DeletedAt.Before(cutoff) {
				old = append(old, t)
			}
		}
		slices.SortFunc(old, func(a, b store.Task) int { return a.DeletedAt.Compare(*b.DeletedAt) })
		for _, t := range old[:min(limit, len(old))] {
			s.removeTask(t.ID)
			n++
		}
		return nil
	})
	return n, err
}

// removeTask deletes a task's row as the foreign keys say: its tags'
// links and reminders go with it, occurrences generated from it forget it.
func (s *tables) removeTask(id int64) {
	delete(s.tasks, id)
	for tid, t := range s.tasks {
		if t.ParentID != nil && *t.ParentID == id {
			// ON DELETE SET NULL: a subtask outlives its parent's row.
			t.ParentID = nil
			s.tasks[tid] = t
		}
	}
	for l := range s.links {
		if l.task == id {
			delete(s.links, l)
		}
	}
	for rid, r := range s.reminders {
		if r.TaskID == id {
			delete(s.reminders, rid)
		}
	}
	for tid, t := range s.tasks {
		if t.RecurredFrom != nil && *t.RecurredFrom == id {
			t.RecurredFrom = nil
			s.tasks[tid] = t
		}
	}
}

// ListTags is the person's tags with the live tasks carrying each.
func (m *Memory) ListTags(ctx context.Context, userID string) ([]store.TagCount, error) {
	s := m.read()
	var mine []store.Tag
	for _, g := range s.tags {
		if g.UserID == userID {
			mine = append(mine, g)
		}
	}
	slices.SortFunc(mine, byName)
	out := []store.TagCount{}
	for _, g := range mine {
		c := store.TagCount{ID: g.ID, Name: g.Name}
		for l := range s.links {
			if t, ok := s.tasks[l.task]; l.tag == g.ID && ok && t.DeletedAt == nil {
				c.TaskCount++
				if !t.Completed {
					c.OpenCount++
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// DeleteTag removes one of the person's tags from every task.
func (m *Memory) DeleteTag(ctx context.Context, userID string, id int64) error {
	return m.write(ctx, func(s *tables, now time.Time) error {
		if g, ok := s.tags[id]; !ok || g.UserID != userID {
			return fmt.Errorf("deleting tag %d: %w", id, store.ErrNotFound)
		}
		delete(s.tags, id)
		for l := range s.links {
			if l.tag == id {
				delete(s.links, l)
			}
		}
		return nil
	})
}

// UserByID finds a person.
func (m *Memory) UserByID(ctx context.Context, id string) (store.User, error) {
	u, ok := m.read().users[id]
	if !ok {
		return store.User{}, fmt.Errorf("finding user %s: %w", id, store.ErrNotFound)
	}
	return u, nil
}

// UserTimeZone is a person's zone name.
func (m *Memory) UserTimeZone(ctx context.Context, id string) (string, error) {
	u, err := m.UserByID(ctx, id)
	if err != nil {
		return "", fmt.Errorf("reading the time zone of user %s: %w", id, store.ErrNotFound)
	}
	return u.TimeZone, nil
}

// Notifications is empty: nothing fires reminders in memory.
func (m *Memory) Notifications(ctx context.Context, userID string, after int64, unseenSince *time.Time, limit int) ([]store.NotificationRow, int64, error) {
	return []store.NotificationRow{}, 0, nil
}

// MarkSeen has nothing to mark.
func (m *Memory) MarkSeen(ctx context.Context, userID string, ids []int64) error { return nil }

// memTx reads and writes one transaction's copy of the tables (or, for
// Memory's reads, the committed ones).
type memTx struct {
	s   *tables
	now time.Time
}

var _ tasks.Tx = (*memTx)(nil)

func (tx *memTx) live(userID string, id int64) (store.Task, bool) {
	t, ok := tx.s.tasks[id]
	return t, ok && t.UserID == userID && t.DeletedAt == nil
}

// GetTask loads one of the person's live tasks with its tags and reminders.
func (tx *memTx) GetTask(ctx context.Context, userID string, id int64) (store.Task, error) {
	t, ok := tx.live(userID, id)
	if !ok {
		return store.Task{}, fmt.Errorf("loading task %d: %w", id, store.ErrNotFound)
	}
	one := []store.Task{t}
	tx.s.details(userID, one)
	return one[0], nil
}

// GetTaskForUpdate loads the task without tags or reminders, as the store's
// locking read does; the lock is Memory's single writer.
func (tx *memTx) GetTaskForUpdate(ctx context.Context, userID string, id int64) (store.Task, error) {
	t, ok := tx.live(userID, id)
	if !ok {
		return store.Task{}, fmt.Errorf("locking task %d: %w", id, store.ErrNotFound)
	}
	return t, nil
}

// InsertTask stores t with a new id and times, and tags it.
func (tx *memTx) InsertTask(ctx context.Context, t *store.Task, tags []string) error {
	if _, ok := tx.s.users[t.UserID]; !ok {
		// PostgreSQL's foreign key; store.Classify says the same.
		return fmt.Errorf("inserting task: %w", store.ErrUnknownUser)
	}
	if err := checkTask(*t); err != nil {
		return fmt.Errorf("inserting task: %w", err)
	}
	if err := tx.s.placeNew(t); err != nil {
		return fmt.Errorf("inserting task: %w", err)
	}
	tx.s.lastTask++
	t.ID, t.CreatedAt, t.UpdatedAt = tx.s.lastTask, tx.now, tx.now
	tx.s.tasks[t.ID] = row(*t)
	return tx.setTags(t, tags)
}

// UpdateTask writes the completion and every field of t, and its tags when
// given; updated_at becomes the transaction's time.
func (tx *memTx) UpdateTask(ctx context.Context, t *store.Task, tags *[]string) error {
	cur, ok := tx.live(t.UserID, t.ID)
	if !ok {
		return fmt.Errorf("updating task %d: %w", t.ID, store.ErrNotFound)
	}
	if err := checkTask(*t); err != nil {
		return fmt.Errorf("updating task %d: %w", t.ID, err)
	}
	cur.TaskFields, cur.Completed, cur.CompletedAt, cur.CompletedBy, cur.UpdatedAt = t.TaskFields, t.Completed, t.CompletedAt, t.CompletedBy, tx.now
	tx.s.tasks[t.ID] = row(cur)
	t.UpdatedAt = tx.now
	if tags != nil {
		return tx.setTags(t, *tags)
	}
	return nil
}

// checkTask is the tasks table's CHECK constraints, so that a value the
// rules let through is refused here as PostgreSQL would refuse it.
func checkTask(t store.Task) error {
	n := utf8.RuneCountInString
	switch {
	case n(t.Title) < 1 || n(t.Title) > 200, n(t.Description) > 10000,
		!slices.Contains(api.Priorities(), t.Priority), !slices.Contains(api.Recurrences(), t.Recurrence),
		t.RecurrenceInterval < 1 || t.RecurrenceInterval > 1000:
		return fmt.Errorf("a check constraint of tasks refuses %+v", t.TaskFields)
	}
	return nil
}

// row is t as stored: its own copies of the times, without tags or
// reminders.
func row(t store.Task) store.Task {
	t.DueAt, t.CompletedAt, t.DeletedAt = ptr(t.DueAt), ptr(t.CompletedAt), ptr(t.DeletedAt)
	t.RecurredFrom, t.ImportKey = ptr(t.RecurredFrom), ptr(t.ImportKey)
	t.SectionID, t.ParentID, t.CompletedBy = ptr(t.SectionID), ptr(t.ParentID), ptr(t.CompletedBy)
	t.Tags, t.Reminders = nil, nil
	return t
}

func ptr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// setTags replaces the task's tags with names, creating the person's
// missing ones (an existing tag keeps its spelling), and stores them on t.
func (tx *memTx) setTags(t *store.Task, names []string) error {
	s := tx.s
	for l := range s.links {
		if l.task == t.ID {
			delete(s.links, l)
		}
	}
	t.Tags = []store.Tag{}
	for _, name := range names {
		if n := utf8.RuneCountInString(name); n < 1 || n > 50 {
			return fmt.Errorf("creating tags: a check constraint of tags refuses %q", name)
		}
		var found *store.Tag
		for _, g := range s.tags {
			if g.UserID == t.UserID && strings.EqualFold(g.Name, name) {
				found = &g
				break
			}
		}
		if found == nil {
			s.lastTag++
			g := store.Tag{ID: s.lastTag, UserID: t.UserID, Name: name, CreatedAt: tx.now}
			s.tags[g.ID], found = g, &g
		}
		if !s.links[link{t.ID, found.ID}] {
			s.links[link{t.ID, found.ID}] = true
			t.Tags = append(t.Tags, *found)
		}
	}
	slices.SortFunc(t.Tags, byName)
	return nil
}

// SetReminders replaces the task's reminders with rs, filling in their
// ids, and stores them on t in firing order.
func (tx *memTx) SetReminders(ctx context.Context, t *store.Task, rs []store.Reminder) error {
	if _, ok := tx.s.tasks[t.ID]; !ok {
		return fmt.Errorf("saving the reminders of task %d: %w", t.ID, store.ErrNotFound)
	}
	for id, r := range tx.s.reminders {
		if r.TaskID == t.ID {
			delete(tx.s.reminders, id)
		}
	}
	if len(rs) == 0 {
		t.Reminders = nil
		return nil
	}
	for i := range rs {
		tx.s.lastReminder++
		rs[i].ID, rs[i].TaskID, rs[i].UserID, rs[i].CreatedAt = tx.s.lastReminder, t.ID, t.UserID, tx.now
		r := rs[i]
		r.At, r.BeforeMinutes, r.AtTime, r.FireAt, r.FiredAt = ptr(r.At), ptr(r.BeforeMinutes), ptr(r.AtTime), ptr(r.FireAt), ptr(r.FiredAt)
		tx.s.reminders[r.ID] = r
	}
	slices.SortStableFunc(rs, byFireTime)
	t.Reminders = rs
	return nil
}

// RemindersOf is the task's reminders by id.
func (tx *memTx) RemindersOf(ctx context.Context, taskID int64) ([]store.Reminder, error) {
	return tx.s.remindersOf(taskID, byID), nil
}

// Reschedule stores new fire times; a reminder whose time changed to one
// still ahead is armed again.
func (tx *memTx) Reschedule(ctx context.Context, rs []store.Reminder, now time.Time) error {
	for _, r := range rs {
		cur, ok := tx.s.reminders[r.ID]
		if !ok || sameTime(cur.FireAt, r.FireAt) {
			continue
		}
		cur.FireAt = ptr(r.FireAt)
		if r.FireAt != nil && r.FireAt.After(now) {
			cur.FiredAt, cur.Late = nil, false
		}
		tx.s.reminders[r.ID] = cur
	}
	return nil
}

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

// DeleteUntouchedOccurrence removes the open occurrence generated from
// task id that was not changed since it was created.
func (tx *memTx) DeleteUntouchedOccurrence(ctx context.Context, userID string, id int64) (int64, error) {
	var removed []int64
	for tid, t := range tx.s.tasks {
		if t.UserID == userID && t.RecurredFrom != nil && *t.RecurredFrom == id && t.DeletedAt == nil &&
			!t.Completed && t.UpdatedAt.Equal(t.CreatedAt) && !tx.s.subtreeTouched(userID, tid) {
			removed = append(removed, tid)
		}
	}
	slices.Sort(removed)
	for _, tid := range removed {
		// With the subtasks it brought back (store: one DELETE of both).
		for _, c := range tx.s.everySubtask(userID, tid) {
			tx.s.removeTask(c.ID)
		}
		tx.s.removeTask(tid)
	}
	if len(removed) == 0 {
		return 0, nil
	}
	return removed[0], nil
}

// PersonZone is the person's zone in this transaction's tables.
func (tx *memTx) PersonZone(ctx context.Context, userID string) (string, error) {
	u, ok := tx.s.users[userID]
	if !ok {
		return "", fmt.Errorf("reading the time zone of user %s: %w", userID, store.ErrNotFound)
	}
	return u.TimeZone, nil
}
