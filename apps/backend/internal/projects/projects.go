// Package projects holds the rules of projects and sections — names,
// colours, order, the Inbox that cannot be archived or deleted, deletion
// that takes a project's tasks and restore that brings them back — and a
// project's tasks as one tree, on top of the store. The rules of the tasks
// inside them (subtasks, moves, completion) are the tasks package's.
package projects

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/apps/backend/internal/tasks"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
	"github.com/todo-app/todo-app/pkg/position"
)

// Limits of one person's projects.
const (
	MaxName = 120
	// MaxProjects and MaxSections bound what one person keeps (live
	// ones), as the task quota bounds tasks.
	MaxProjects = 500
	MaxSections = 200
)

// Service applies the project rules on top of the store.
type Service struct{ store *store.Store }

// NewService returns a Service.
func NewService(s *store.Store) *Service { return &Service{store: s} }

// List is the person's projects in order, the Inbox first, each with its
// sections and counts; archived ones too when archived is set.
func (s *Service) List(ctx context.Context, userID string, archived bool) (api.ProjectList, error) {
	rows, err := s.store.ListProjects(ctx, userID, archived)
	if err != nil {
		return api.ProjectList{}, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	secs, err := s.store.SectionsOf(ctx, userID, ids)
	if err != nil {
		return api.ProjectList{}, err
	}
	out := api.ProjectList{Projects: make([]api.Project, len(rows))}
	for i, r := range rows {
		out.Projects[i] = toAPI(r.Project, r.OpenCount, r.TaskCount, secs)
	}
	return out, nil
}

// Get is one of the person's projects with its sections and counts,
// archived or not.
func (s *Service) Get(ctx context.Context, userID string, id int64) (api.Project, error) {
	row, err := s.store.ProjectWithCounts(ctx, userID, id)
	if err != nil {
		return api.Project{}, projectErr(id, err)
	}
	secs, err := s.store.SectionsOf(ctx, userID, []int64{id})
	if err != nil {
		return api.Project{}, err
	}
	return toAPI(row.Project, row.OpenCount, row.TaskCount, secs), nil
}

// Create adds a project last in the person's list.
func (s *Service) Create(ctx context.Context, userID string, in api.ProjectInput) (api.Project, error) {
	fe := map[string]string{}
	p := store.Project{UserID: userID, Name: CleanName(in.Name, "name", fe), Color: CleanColor(in.Color, fe)}
	if len(fe) > 0 {
		return api.Project{}, &domain.Invalid{Fields: fe}
	}
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		n, err := tx.CountLive(ctx, "projects", "user_id = ?", userID)
		if err != nil {
			return err
		}
		if n >= MaxProjects {
			return &store.QuotaError{What: "projects", Limit: MaxProjects}
		}
		return tx.InsertProject(ctx, &p)
	})
	if err != nil {
		return api.Project{}, err
	}
	return s.Get(ctx, userID, p.ID)
}

// Patch renames, recolours, archives or unarchives a project. The Inbox
// can be renamed and recoloured, never archived.
func (s *Service) Patch(ctx context.Context, userID string, id int64, in api.ProjectPatch) (api.Project, error) {
	fe := map[string]string{}
	var name, color string
	if in.Name != nil {
		name = CleanName(*in.Name, "name", fe)
	}
	if in.Color != nil {
		if strings.TrimSpace(*in.Color) == "" {
			fe["color"] = "must be one of " + strings.Join(api.ProjectColors(), ", ")
		}
		color = CleanColor(*in.Color, fe)
	}
	if len(fe) > 0 {
		return api.Project{}, &domain.Invalid{Fields: fe}
	}
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.LockProject(ctx, userID, id)
		if err != nil {
			return projectErr(id, err)
		}
		if in.Name != nil {
			p.Name = name
		}
		if in.Color != nil {
			p.Color = color
		}
		if in.Archived != nil {
			if p.Inbox && *in.Archived {
				return &domain.Conflict{Reason: "the Inbox cannot be archived (rename it if you like)"}
			}
			p.Archived = *in.Archived
		}
		return tx.UpdateProject(ctx, &p)
	})
	if err != nil {
		return api.Project{}, err
	}
	return s.Get(ctx, userID, id)
}

// Delete deletes a project with its sections and tasks, restorable for
// tasks.Retention. The Inbox is never deleted.
func (s *Service) Delete(ctx context.Context, userID string, id int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.LockProject(ctx, userID, id)
		if err != nil {
			return projectErr(id, err)
		}
		if p.Inbox {
			return &domain.Conflict{Reason: "the Inbox cannot be deleted (move or delete its tasks instead)"}
		}
		return projectErr(id, tx.DeleteProject(ctx, userID, id))
	})
}

// Restore brings back a deleted project with the sections and tasks its
// deletion took.
func (s *Service) Restore(ctx context.Context, userID string, id int64) (api.Project, error) {
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.RestoreProject(ctx, userID, id)
	})
	if errors.Is(err, store.ErrNotFound) {
		return api.Project{}, &domain.NotFound{What: fmt.Sprintf("deleted project %d (deleted projects can be restored for %d days)", id, int(tasks.Retention.Hours()/24))}
	}
	if err != nil {
		return api.Project{}, err
	}
	return s.Get(ctx, userID, id)
}

// Move places a project among the person's others (the Inbox stays
// first).
func (s *Service) Move(ctx context.Context, userID string, id int64, r api.Reorder) (api.Project, error) {
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.LockProject(ctx, userID, id)
		if err != nil {
			return projectErr(id, err)
		}
		if p.Inbox {
			return &domain.Conflict{Reason: "the Inbox is always first"}
		}
		p.Position, err = reorder(ctx, tx, store.Sibling{Table: "projects", UserID: userID}, id, r, func(ref int64) (string, error) {
			o, err := tx.GetProject(ctx, userID, ref)
			if err != nil {
				return "", projectErr(ref, err)
			}
			if o.Inbox {
				return "", &domain.Conflict{Reason: "the Inbox is always first: place projects after another project"}
			}
			return o.Position, nil
		})
		if err != nil {
			return err
		}
		return tx.UpdateProject(ctx, &p)
	})
	if err != nil {
		return api.Project{}, err
	}
	return s.Get(ctx, userID, id)
}

// CreateSection adds a section last in one of the person's projects.
func (s *Service) CreateSection(ctx context.Context, userID string, projectID int64, in api.SectionInput) (api.Section, error) {
	fe := map[string]string{}
	sec := store.Section{UserID: userID, ProjectID: projectID, Name: CleanName(in.Name, "name", fe)}
	if len(fe) > 0 {
		return api.Section{}, &domain.Invalid{Fields: fe}
	}
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.GetProject(ctx, userID, projectID); err != nil {
			return projectErr(projectID, err)
		}
		n, err := tx.CountLive(ctx, "sections", "project_id = ?", projectID)
		if err != nil {
			return err
		}
		if n >= MaxSections {
			return &store.QuotaError{What: "sections", Limit: MaxSections}
		}
		return tx.InsertSection(ctx, &sec)
	})
	if err != nil {
		return api.Section{}, err
	}
	return sectionToAPI(sec), nil
}

// RenameSection renames one of the person's sections.
func (s *Service) RenameSection(ctx context.Context, userID string, id int64, in api.SectionInput) (api.Section, error) {
	fe := map[string]string{}
	name := CleanName(in.Name, "name", fe)
	if len(fe) > 0 {
		return api.Section{}, &domain.Invalid{Fields: fe}
	}
	var out store.Section
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		sec, err := tx.GetSection(ctx, userID, id)
		if err != nil {
			return sectionErr(id, err)
		}
		sec.Name = name
		out = sec
		return tx.UpdateSection(ctx, &out)
	})
	return sectionToAPI(out), err
}

// MoveSection places a section among its project's others.
func (s *Service) MoveSection(ctx context.Context, userID string, id int64, r api.Reorder) (api.Section, error) {
	var out store.Section
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		sec, err := tx.GetSection(ctx, userID, id)
		if err != nil {
			return sectionErr(id, err)
		}
		sec.Position, err = reorder(ctx, tx, store.Sibling{Table: "sections", UserID: userID, ProjectID: sec.ProjectID}, id, r, func(ref int64) (string, error) {
			o, err := tx.GetSection(ctx, userID, ref)
			if err != nil {
				return "", sectionErr(ref, err)
			}
			if o.ProjectID != sec.ProjectID {
				return "", domain.Field(refField(r), fmt.Sprintf("section %d is in another project", ref))
			}
			return o.Position, nil
		})
		if err != nil {
			return err
		}
		out = sec
		return tx.UpdateSection(ctx, &out)
	})
	return sectionToAPI(out), err
}

// DeleteSection deletes a section with its tasks, restorable.
func (s *Service) DeleteSection(ctx context.Context, userID string, id int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return sectionErr(id, tx.DeleteSection(ctx, userID, id))
	})
}

// RestoreSection brings back a deleted section with the tasks its
// deletion took.
func (s *Service) RestoreSection(ctx context.Context, userID string, id int64) (api.Section, error) {
	var out store.Section
	err := s.store.WithTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if err := tx.RestoreSection(ctx, userID, id); err != nil {
			return err
		}
		var err error
		out, err = tx.GetSection(ctx, userID, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return api.Section{}, &domain.NotFound{What: fmt.Sprintf("deleted section %d of a live project", id)}
	}
	return sectionToAPI(out), err
}

// Tree is a project with its tasks as a tree, in order: open ones (status
// "pending", the default) or all. A subtask whose parent is not shown (an
// open subtask of a completed parent) is shown at its parent's place.
func (s *Service) Tree(ctx context.Context, userID string, id int64, status string) (api.TaskTree, error) {
	switch status {
	case "":
		status = "pending"
	case "pending", "all", "completed":
	default:
		return api.TaskTree{}, domain.Field("status", "must be one of all, pending, completed")
	}
	p, err := s.Get(ctx, userID, id)
	if err != nil {
		return api.TaskTree{}, err
	}
	rows, err := s.store.ProjectTasks(ctx, userID, id, status)
	if err != nil {
		return api.TaskTree{}, err
	}
	return build(p, rows), nil
}

// build makes the tree of project p from its tasks in position order:
// one pass to index, one to attach; no query per level.
func build(p api.Project, rows []store.Task) api.TaskTree {
	out := api.TaskTree{Project: p, Tasks: []api.TreeTask{}, Sections: make([]api.TreeSection, len(p.Sections))}
	shown := make(map[int64]bool, len(rows))
	for _, r := range rows {
		shown[r.ID] = true
	}
	children := map[int64][]int{}
	var tops []int
	for i, r := range rows {
		if r.ParentID != nil && shown[*r.ParentID] {
			children[*r.ParentID] = append(children[*r.ParentID], i)
		} else {
			tops = append(tops, i)
		}
	}
	var node func(i int) api.TreeTask
	node = func(i int) api.TreeTask {
		n := api.TreeTask{Task: tasks.ToAPI(&rows[i]), Subtasks: []api.TreeTask{}}
		for _, c := range children[rows[i].ID] {
			n.Subtasks = append(n.Subtasks, node(c))
		}
		return n
	}
	at := map[int64]int{}
	for i, sec := range p.Sections {
		out.Sections[i] = api.TreeSection{Section: sec, Tasks: []api.TreeTask{}}
		at[sec.ID] = i
	}
	for _, i := range tops {
		n := node(i)
		if sid := rows[i].SectionID; sid != nil {
			if j, ok := at[*sid]; ok {
				out.Sections[j].Tasks = append(out.Sections[j].Tasks, n)
				continue
			}
		}
		out.Tasks = append(out.Tasks, n)
	}
	return out
}

// reorder is the position that puts row id right after or right before
// the sibling r names (its position read by ref), or last.
func reorder(ctx context.Context, tx store.Tx, sib store.Sibling, id int64, r api.Reorder, ref func(int64) (string, error)) (string, error) {
	switch {
	case r.AfterID != nil && r.BeforeID != nil:
		return "", domain.Field("after_id", "give after_id or before_id, not both")
	case r.AfterID == nil && r.BeforeID == nil:
		last, err := tx.NeighbourPosition(ctx, sib, "", true, id)
		if err != nil {
			return "", err
		}
		return position.Between(last, "")
	}
	other := r.AfterID
	if other == nil {
		other = r.BeforeID
	}
	if *other == id {
		return "", domain.Field(refField(r), "is the one being moved")
	}
	at, err := ref(*other)
	if err != nil {
		return "", err
	}
	next, err := tx.NeighbourPosition(ctx, sib, at, r.BeforeID != nil, id)
	if err != nil {
		return "", err
	}
	if r.BeforeID != nil {
		return position.Between(next, at)
	}
	return position.Between(at, next)
}

func refField(r api.Reorder) string {
	if r.BeforeID != nil {
		return "before_id"
	}
	return "after_id"
}

// CleanName checks a project's or section's name (trimmed, 1–MaxName
// characters, no control characters), adding what is wrong to fe under
// field: the one rule for the API and the imports.
func CleanName(raw, field string, fe map[string]string) string {
	n := strings.TrimSpace(raw)
	switch {
	case n == "":
		fe[field] = "must not be empty"
	case utf8.RuneCountInString(n) > MaxName:
		fe[field] = fmt.Sprintf("must be at most %d characters", MaxName)
	case strings.ContainsFunc(n, unicode.IsControl):
		fe[field] = "must not contain control characters"
	}
	return n
}

// CleanColor checks a project's colour ("" is grey), adding what is wrong
// to fe under "color".
func CleanColor(raw string, fe map[string]string) string {
	c := strings.ToLower(strings.TrimSpace(raw))
	if c == "" {
		return "grey"
	}
	if !slices.Contains(api.ProjectColors(), c) {
		fe["color"] = "must be one of " + strings.Join(api.ProjectColors(), ", ")
	}
	return c
}

func toAPI(p store.Project, open, total int, secs []store.Section) api.Project {
	out := api.Project{ID: p.ID, Name: p.Name, Color: p.Color, Position: p.Position, Inbox: p.Inbox, Archived: p.Archived,
		OpenCount: open, TaskCount: total, Sections: []api.Section{}, CreatedAt: dates.Shown(p.CreatedAt), UpdatedAt: dates.Shown(p.UpdatedAt)}
	for _, s := range secs {
		if s.ProjectID == p.ID {
			out.Sections = append(out.Sections, sectionToAPI(s))
		}
	}
	return out
}

func sectionToAPI(s store.Section) api.Section {
	return api.Section{ID: s.ID, ProjectID: s.ProjectID, Name: s.Name, Position: s.Position, CreatedAt: dates.Shown(s.CreatedAt)}
}

func notFound(id int64) error { return &domain.NotFound{What: fmt.Sprintf("project %d", id)} }

func projectErr(id int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(id)
	}
	return err
}

func sectionErr(id int64, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &domain.NotFound{What: fmt.Sprintf("section %d", id)}
	}
	return err
}
