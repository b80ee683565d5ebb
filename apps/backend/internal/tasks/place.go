package tasks

import (
	"context"
	"errors"
	"fmt"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/position"
)

// Move puts a task, with its subtasks, where m says, in one transaction:
// nothing changes if any part is refused.
func (s *Service) Move(ctx context.Context, userID string, id int64, m api.MoveRequest) (api.Task, error) {
	var out api.Task
	err := s.store.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTaskForUpdate(ctx, userID, id)
		if err != nil {
			return taskErr(id, err)
		}
		if err := s.move(ctx, tx, &t, m); err != nil {
			return err
		}
		if t, err = tx.GetTask(ctx, userID, id); err != nil {
			return err
		}
		out = ToAPI(&t)
		return nil
	})
	return out, err
}

// move places t (a stored task, locked) where m says.
func (s *Service) move(ctx context.Context, tx Tx, t *store.Task, m api.MoveRequest) error {
	place, err := target(ctx, tx, t.UserID, t, m)
	if err != nil {
		return err
	}
	if place.ParentID != nil {
		if err := fitsUnder(ctx, tx, t, *place.ParentID); err != nil {
			return err
		}
	}
	if place.Position, err = slot(ctx, tx, t.UserID, place, t.ID, m.AfterID, m.BeforeID); err != nil {
		return err
	}
	if err := tx.Place(ctx, t.UserID, t.ID, place); err != nil {
		return err
	}
	t.TaskPlace = place
	return nil
}

// placeNew is where a new task goes: the project, section or parent it
// names, last among its siblings; nothing (ProjectID 0) for the Inbox,
// where the store places it.
func placeNew(ctx context.Context, tx Tx, userID string, in api.TaskInput) (api.TaskPlace, error) {
	m := api.MoveRequest{ProjectID: in.ProjectID}
	if in.SectionID != nil {
		m.SectionID = api.Value(*in.SectionID)
	}
	if in.ParentID != nil {
		m.ParentID = api.Value(*in.ParentID)
	}
	place, err := target(ctx, tx, userID, nil, m)
	if err != nil {
		return place, err
	}
	if place.ProjectID == 0 {
		// The Inbox's top level: the store puts it last there (and an
		// unknown person is refused by the insert, as before projects).
		return place, nil
	}
	if place.ParentID != nil {
		if d, err := depth(ctx, tx, userID, *place.ParentID); err != nil {
			return place, err
		} else if d+1 > api.MaxSubtaskDepth {
			return place, domain.Field("parent_id", tooDeep(d+1))
		}
	}
	place.Position, err = slot(ctx, tx, userID, place, 0, nil, nil)
	return place, err
}

// target is the project, section and parent m names for task cur (nil: a
// new task, ProjectID 0 when m names nothing), checked: another person's
// or a deleted project, section or parent is not found (404); a section
// of another project, or a parent and a project or section that disagree,
// is a 422 naming the field.
func target(ctx context.Context, tx Tx, userID string, cur *store.Task, m api.MoveRequest) (api.TaskPlace, error) {
	var place api.TaskPlace
	if cur != nil {
		place = cur.TaskPlace
	}
	section := func(id int64) (store.Section, error) {
		sec, err := tx.GetSection(ctx, userID, id)
		if errors.Is(err, store.ErrNotFound) {
			return sec, &domain.NotFound{What: fmt.Sprintf("section %d", id)}
		}
		return sec, err
	}
	switch {
	case cur != nil && !m.ParentID.Set && (m.ProjectID == nil || *m.ProjectID == cur.ProjectID) &&
		(!m.SectionID.Set || sameID(nullable(m.SectionID), cur.SectionID)):
		// Where it is already (a client echoing the task's own place):
		// nothing moves but, with after_id or before_id, its order.
		return place, nil
	case m.ParentID.Set && !m.ParentID.Null:
		// Held until the end: a deletion of the parent waits for this
		// subtask, and then takes it too.
		parent, err := tx.GetTaskForUpdate(ctx, userID, m.ParentID.Value)
		if errors.Is(err, store.ErrNotFound) {
			return place, &domain.NotFound{What: fmt.Sprintf("parent task %d", m.ParentID.Value)}
		} else if err != nil {
			return place, err
		}
		if m.ProjectID != nil && *m.ProjectID != parent.ProjectID {
			return place, domain.Field("parent_id", fmt.Sprintf("is in another project (%d): a subtask lives in its parent's project", parent.ProjectID))
		}
		if m.SectionID.Set && !sameID(nullable(m.SectionID), parent.SectionID) {
			return place, domain.Field("section_id", "a subtask is in its parent's section: leave section_id out")
		}
		return api.TaskPlace{ProjectID: parent.ProjectID, SectionID: parent.SectionID, ParentID: &parent.ID}, nil
	case m.ProjectID != nil:
		p, err := tx.GetProject(ctx, userID, *m.ProjectID)
		if errors.Is(err, store.ErrNotFound) {
			return place, &domain.NotFound{What: fmt.Sprintf("project %d", *m.ProjectID)}
		} else if err != nil {
			return place, err
		}
		place = api.TaskPlace{ProjectID: p.ID}
		if m.SectionID.Set && !m.SectionID.Null {
			sec, err := section(m.SectionID.Value)
			if err != nil {
				return place, err
			}
			if sec.ProjectID != p.ID {
				return place, domain.Field("section_id", fmt.Sprintf("is a section of another project (%d)", sec.ProjectID))
			}
			place.SectionID = &sec.ID
		}
	case m.SectionID.Set && !m.SectionID.Null:
		sec, err := section(m.SectionID.Value)
		if err != nil {
			return place, err
		}
		place = api.TaskPlace{ProjectID: sec.ProjectID, SectionID: &sec.ID}
	case m.SectionID.Set:
		// Out of its section, at the top level of its project.
		place.SectionID, place.ParentID = nil, nil
	case m.ParentID.Set:
		// Out from under its parent, in the same project and section.
		place.ParentID = nil
	}
	return place, nil
}

// fitsUnder refuses to put t under parent when parent is t or one of its
// subtasks (409), or when t's subtree would end deeper than
// api.MaxSubtaskDepth (422).
func fitsUnder(ctx context.Context, tx Tx, t *store.Task, parent int64) error {
	if parent == t.ID {
		return &domain.Conflict{Reason: fmt.Sprintf("task %d cannot be its own parent", t.ID)}
	}
	sub, err := tx.Subtree(ctx, t.UserID, t.ID)
	if err != nil {
		return err
	}
	levels := map[int64]int{t.ID: 0}
	height := 0
	for _, c := range sub {
		if c.ID == parent {
			return &domain.Conflict{Reason: fmt.Sprintf("task %d cannot go under task %d, which is one of its own subtasks", t.ID, parent)}
		}
		levels[c.ID] = levels[*c.ParentID] + 1
		height = max(height, levels[c.ID])
	}
	d, err := depth(ctx, tx, t.UserID, parent)
	if err != nil {
		return err
	}
	if d+1+height > api.MaxSubtaskDepth {
		return domain.Field("parent_id", tooDeep(d+1+height))
	}
	return nil
}

func tooDeep(levels int) string {
	return fmt.Sprintf("would nest subtasks %d levels deep; at most %d levels are kept", levels, api.MaxSubtaskDepth)
}

// depth is how many ancestors task id has (0 for a top-level task): at
// most MaxSubtaskDepth reads, one per level.
func depth(ctx context.Context, tx Tx, userID string, id int64) (int, error) {
	d := 0
	for {
		t, err := tx.GetTaskForUpdate(ctx, userID, id)
		if err != nil {
			return 0, taskErr(id, err)
		}
		if t.ParentID == nil || d > api.MaxSubtaskDepth {
			return d, nil
		}
		d++
		id = *t.ParentID
	}
}

// slot is the position that puts a task (moving, 0 for a new one) right
// after task after, right before task before, or last, among the
// siblings at place. Both neighbours' positions are read on an index:
// the move writes one row however long the list.
func slot(ctx context.Context, tx Tx, userID string, place api.TaskPlace, moving int64, after, before *int64) (string, error) {
	sib := store.Sibling{UserID: userID, ProjectID: place.ProjectID, SectionID: place.SectionID, ParentID: place.ParentID}
	field, ref := "", int64(0)
	switch {
	case after != nil && before != nil:
		return "", domain.Field("after_id", "give after_id or before_id, not both")
	case after != nil:
		field, ref = "after_id", *after
	case before != nil:
		field, ref = "before_id", *before
	default:
		last, err := tx.NeighbourPosition(ctx, sib, "", true, moving)
		if err != nil {
			return "", err
		}
		return position.Between(last, "")
	}
	if ref == moving {
		return "", domain.Field(field, "is the task being moved")
	}
	n, err := tx.GetTask(ctx, userID, ref)
	if errors.Is(err, store.ErrNotFound) {
		return "", &domain.NotFound{What: fmt.Sprintf("task %d (%s)", ref, field)}
	} else if err != nil {
		return "", err
	}
	if n.ProjectID != place.ProjectID || !sameID(n.ParentID, place.ParentID) || (place.ParentID == nil && !sameID(n.SectionID, place.SectionID)) {
		return "", domain.Field(field, fmt.Sprintf("task %d is not among the task's new siblings (same project, section and parent)", ref))
	}
	other, err := tx.NeighbourPosition(ctx, sib, n.Position, before != nil, moving)
	if err != nil {
		return "", err
	}
	if before != nil {
		return position.Between(other, n.Position)
	}
	return position.Between(n.Position, other)
}

func sameID(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func nullable(n api.Nullable[int64]) *int64 {
	if !n.Set || n.Null {
		return nil
	}
	return &n.Value
}
