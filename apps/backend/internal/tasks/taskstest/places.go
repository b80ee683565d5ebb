package taskstest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/position"
)

// Projects, sections and the places of tasks in memory, with the store's
// rules: a task without a project goes to its owner's Inbox, without a
// position last in its project (the tasks_place trigger); moves carry the
// subtree; an archived project's tasks are in no list but its own.

// AddProject adds a project of the person's, archived or not, last in
// their list, and returns its id.
func (m *Memory) AddProject(ctx context.Context, userID, name string, archived bool) (int64, error) {
	var id int64
	err := m.write(ctx, func(s *tables, now time.Time) error {
		last := ""
		for _, p := range s.projects {
			if p.UserID == userID && !p.Inbox && (last == "" || position.Less(last, p.Position)) {
				last = p.Position
			}
		}
		pos, err := position.Between(last, "")
		if err != nil {
			return err
		}
		s.lastProject++
		id = s.lastProject
		s.projects[id] = store.Project{ID: id, UserID: userID, Name: name, Color: "grey", Position: pos, Archived: archived, CreatedAt: now, UpdatedAt: now}
		return nil
	})
	return id, err
}

// AddSection adds a section last in one of the person's projects.
func (m *Memory) AddSection(ctx context.Context, userID string, projectID int64, name string) (int64, error) {
	var id int64
	err := m.write(ctx, func(s *tables, now time.Time) error {
		if p, ok := s.projects[projectID]; !ok || p.UserID != userID {
			return fmt.Errorf("adding a section: %w", store.ErrNotFound)
		}
		last := ""
		for _, sec := range s.sections {
			if sec.ProjectID == projectID && (last == "" || position.Less(last, sec.Position)) {
				last = sec.Position
			}
		}
		pos, err := position.Between(last, "")
		if err != nil {
			return err
		}
		s.lastSection++
		id = s.lastSection
		s.sections[id] = store.Section{ID: id, UserID: userID, ProjectID: projectID, Name: name, Position: pos, CreatedAt: now}
		return nil
	})
	return id, err
}

// CountProjects counts as store.CountProjects does.
func (m *Memory) CountProjects(ctx context.Context, userID string, b store.SummaryBounds) ([]store.ProjectCountRow, error) {
	s := m.read()
	var ps []store.Project
	for _, p := range s.projects {
		if p.UserID == userID && p.DeletedAt == nil && !p.Archived {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, byPlace)
	out := []store.ProjectCountRow{}
	for _, p := range ps {
		c := store.ProjectCountRow{ID: p.ID, Name: p.Name, Color: p.Color, Inbox: p.Inbox}
		for _, t := range s.tasks {
			if t.ProjectID != p.ID || t.DeletedAt != nil || t.Completed {
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
		out = append(out, c)
	}
	return out, nil
}

// byPlace is the store's order of projects: the Inbox, then by position.
func byPlace(a, b store.Project) int {
	switch {
	case a.Inbox != b.Inbox:
		if a.Inbox {
			return -1
		}
		return 1
	case position.Less(a.Position, b.Position):
		return -1
	case position.Less(b.Position, a.Position):
		return 1
	}
	return cmp.Compare(a.ID, b.ID)
}

// inView says whether t is in a list of project (0: every project but
// the archived ones).
func (s *tables) inView(t store.Task, project int64) bool {
	if project != 0 {
		return t.ProjectID == project
	}
	return !s.projects[t.ProjectID].Archived
}

// placeNew fills in a new task's project and position as the tasks_place
// trigger does, and refuses what the foreign keys refuse.
func (s *tables) placeNew(t *store.Task) error {
	if t.ProjectID == 0 {
		for _, p := range s.projects {
			if p.UserID == t.UserID && p.Inbox {
				t.ProjectID = p.ID
			}
		}
	}
	if p, ok := s.projects[t.ProjectID]; !ok || p.UserID != t.UserID {
		return fmt.Errorf("a foreign key of tasks refuses project %d", t.ProjectID)
	}
	if t.SectionID != nil && s.sections[*t.SectionID].ProjectID != t.ProjectID {
		return fmt.Errorf("a foreign key of tasks refuses section %d", *t.SectionID)
	}
	if t.Position == "" {
		last := ""
		for _, o := range s.tasks {
			if o.ProjectID == t.ProjectID && o.DeletedAt == nil && (last == "" || position.Less(last, o.Position)) {
				last = o.Position
			}
		}
		pos, err := position.Between(last, "")
		if err != nil {
			return err
		}
		t.Position = pos
	}
	return nil
}

// subtree is task id's subtasks at every depth, parents first, each
// level by position: the live ones, or (deletedAt given) those deleted at
// that time.
func (s *tables) subtree(userID string, id int64, deletedAt *time.Time) []store.Task {
	var out []store.Task
	level := []int64{id}
	for len(level) > 0 {
		var next []store.Task
		for _, t := range s.tasks {
			if t.UserID != userID || t.ParentID == nil || !slices.Contains(level, *t.ParentID) {
				continue
			}
			if (deletedAt == nil && t.DeletedAt == nil) || (deletedAt != nil && t.DeletedAt != nil && t.DeletedAt.Equal(*deletedAt)) {
				next = append(next, t)
			}
		}
		slices.SortFunc(next, byPosition)
		out = append(out, next...)
		level = level[:0:0]
		for _, t := range next {
			level = append(level, t.ID)
		}
	}
	return out
}

func byPosition(a, b store.Task) int {
	switch {
	case position.Less(a.Position, b.Position):
		return -1
	case position.Less(b.Position, a.Position):
		return 1
	}
	return cmp.Compare(a.ID, b.ID)
}

// replace puts a restored task where it can be: out from under a deleted
// parent, out of a deleted section, into the Inbox from a deleted project.
func (s *tables) replace(userID string, t store.Task, now time.Time) error {
	parentOK := t.ParentID == nil || s.tasks[*t.ParentID].DeletedAt == nil
	sectionOK := t.SectionID == nil || s.sections[*t.SectionID].DeletedAt == nil
	projectOK := s.projects[t.ProjectID].DeletedAt == nil
	if parentOK && sectionOK && projectOK {
		return nil
	}
	place := api.TaskPlace{ProjectID: t.ProjectID}
	if !projectOK {
		for _, p := range s.projects {
			if p.UserID == userID && p.Inbox {
				place.ProjectID = p.ID
			}
		}
	} else {
		if sectionOK {
			place.SectionID = t.SectionID
		}
		if parentOK && sectionOK {
			place.ParentID = t.ParentID
		}
	}
	tx := &memTx{s: s, now: now}
	last, err := tx.NeighbourPosition(context.Background(), store.Sibling{UserID: userID, ProjectID: place.ProjectID, SectionID: place.SectionID, ParentID: place.ParentID}, "", true, t.ID)
	if err != nil {
		return err
	}
	if place.Position, err = position.Between(last, ""); err != nil {
		return err
	}
	return tx.Place(context.Background(), userID, t.ID, place)
}

// subtreeTouched says whether an occurrence was worked on: a subtask at
// any depth changed, completed, or added by hand (not brought back by
// the series), as store.Tx.DeleteUntouchedOccurrence reads it.
func (s *tables) subtreeTouched(userID string, id int64) bool {
	for _, t := range s.everySubtask(userID, id) {
		if !t.UpdatedAt.Equal(t.CreatedAt) || t.Completed || t.RecurredFrom == nil {
			return true
		}
	}
	return false
}

// everySubtask is task id's subtasks at every depth, deleted or not.
func (s *tables) everySubtask(userID string, id int64) []store.Task {
	var out []store.Task
	level := []int64{id}
	for len(level) > 0 {
		var next []int64
		for _, t := range s.tasks {
			if t.UserID == userID && t.ParentID != nil && slices.Contains(level, *t.ParentID) {
				out = append(out, t)
				next = append(next, t.ID)
			}
		}
		level = next
	}
	return out
}

// CompleteSubtree completes the open live subtasks, marked completed by
// id, as store.Tx.CompleteSubtree does.
func (tx *memTx) CompleteSubtree(ctx context.Context, userID string, id int64, at time.Time) ([]int64, error) {
	out := []int64{}
	for _, c := range tx.s.subtree(userID, id, nil) {
		if c.Completed {
			continue
		}
		c.Completed, c.CompletedAt, c.CompletedBy, c.UpdatedAt = true, &at, &id, tx.now
		tx.s.tasks[c.ID] = row(c)
		out = append(out, c.ID)
	}
	return out, nil
}

// ReopenSubtree reopens (undo) the live subtasks completed by id, or
// forgets which those were, as store.Tx.ReopenSubtree does.
func (tx *memTx) ReopenSubtree(ctx context.Context, userID string, id int64, undo bool) ([]int64, error) {
	out := []int64{}
	if !undo {
		for tid, t := range tx.s.tasks {
			if t.UserID == userID && t.CompletedBy != nil && *t.CompletedBy == id {
				t.CompletedBy = nil
				tx.s.tasks[tid] = t
			}
		}
		return out, nil
	}
	for _, c := range tx.s.subtree(userID, id, nil) {
		if !c.Completed || c.CompletedBy == nil || *c.CompletedBy != id {
			continue
		}
		c.Completed, c.CompletedAt, c.CompletedBy, c.UpdatedAt = false, nil, nil, tx.now
		tx.s.tasks[c.ID] = row(c)
		out = append(out, c.ID)
	}
	return out, nil
}

// Inbox is the person's Inbox.
func (tx *memTx) Inbox(ctx context.Context, userID string) (store.Project, error) {
	for _, p := range tx.s.projects {
		if p.UserID == userID && p.Inbox {
			return p, nil
		}
	}
	return store.Project{}, fmt.Errorf("loading the Inbox of user %s: %w", userID, store.ErrNotFound)
}

// GetProject is one of the person's live projects.
func (tx *memTx) GetProject(ctx context.Context, userID string, id int64) (store.Project, error) {
	p, ok := tx.s.projects[id]
	if !ok || p.UserID != userID || p.DeletedAt != nil {
		return store.Project{}, fmt.Errorf("loading project %d: %w", id, store.ErrNotFound)
	}
	return p, nil
}

// GetSection is one of the person's live sections of a live project.
func (tx *memTx) GetSection(ctx context.Context, userID string, id int64) (store.Section, error) {
	sec, ok := tx.s.sections[id]
	if !ok || sec.UserID != userID || sec.DeletedAt != nil || tx.s.projects[sec.ProjectID].DeletedAt != nil {
		return store.Section{}, fmt.Errorf("loading section %d: %w", id, store.ErrNotFound)
	}
	return sec, nil
}

// NeighbourPosition is store.Tx.NeighbourPosition over the rows in memory.
func (tx *memTx) NeighbourPosition(ctx context.Context, sib store.Sibling, from string, up bool, excluding int64) (string, error) {
	var keys []string
	switch sib.Table {
	case "projects":
		for _, p := range tx.s.projects {
			if p.UserID == sib.UserID && !p.Inbox && p.DeletedAt == nil && p.ID != excluding {
				keys = append(keys, p.Position)
			}
		}
	case "sections":
		for _, sec := range tx.s.sections {
			if sec.ProjectID == sib.ProjectID && sec.DeletedAt == nil && sec.ID != excluding {
				keys = append(keys, sec.Position)
			}
		}
	default:
		for _, t := range tx.s.tasks {
			if t.UserID == sib.UserID && t.ProjectID == sib.ProjectID && t.DeletedAt == nil && t.ID != excluding &&
				sameID(t.ParentID, sib.ParentID) && (sib.ParentID != nil || sameID(t.SectionID, sib.SectionID)) {
				keys = append(keys, t.Position)
			}
		}
	}
	best := ""
	for _, k := range keys {
		beyond := from == "" || (up && position.Less(k, from)) || (!up && position.Less(from, k))
		closer := best == "" || (up && position.Less(best, k)) || (!up && position.Less(k, best))
		if beyond && closer {
			best = k
		}
	}
	return best, nil
}

func sameID(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// Place moves a live task and carries its subtasks to the project and
// section, as store.Tx.Place does.
func (tx *memTx) Place(ctx context.Context, userID string, id int64, place api.TaskPlace) error {
	t, ok := tx.live(userID, id)
	if !ok {
		return fmt.Errorf("moving task %d: %w", id, store.ErrNotFound)
	}
	if p, ok := tx.s.projects[place.ProjectID]; !ok || p.UserID != userID {
		return fmt.Errorf("moving task %d: a foreign key of tasks refuses project %d", id, place.ProjectID)
	}
	if place.SectionID != nil && tx.s.sections[*place.SectionID].ProjectID != place.ProjectID {
		return fmt.Errorf("moving task %d: a foreign key of tasks refuses section %d", id, *place.SectionID)
	}
	t.TaskPlace, t.UpdatedAt = place, tx.now
	tx.s.tasks[id] = row(t)
	// Deleted subtasks too, as the store's recursive update does, so
	// that a restore finds them with their parent.
	for _, c := range tx.s.everySubtask(userID, id) {
		if c.ProjectID != place.ProjectID || !sameID(c.SectionID, place.SectionID) {
			c.ProjectID, c.SectionID, c.UpdatedAt = place.ProjectID, place.SectionID, tx.now
			tx.s.tasks[c.ID] = row(c)
		}
	}
	return nil
}

// Subtree is a task's live subtasks, parents first, without details.
func (tx *memTx) Subtree(ctx context.Context, userID string, id int64) ([]store.Task, error) {
	out := tx.s.subtree(userID, id, nil)
	if out == nil {
		out = []store.Task{}
	}
	return out, nil
}
