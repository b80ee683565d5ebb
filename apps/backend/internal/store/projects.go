package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/position"
)

// ProjectRow is a project with its counts of live tasks.
type ProjectRow struct {
	Project   `bun:",extend"`
	OpenCount int `bun:"open_count"`
	TaskCount int `bun:"task_count"`
}

// ListProjects is the person's live projects in their order (the Inbox
// first), archived ones too when archived is set, with their counts: one
// statement, whose counts come from the tasks' project index.
func (s *Store) ListProjects(ctx context.Context, userID string, archived bool) ([]ProjectRow, error) {
	return s.projectRows(ctx, userID, archived, 0)
}

// ProjectWithCounts is one of the person's live projects (archived or
// not) with its counts: the list's statement for that one project only.
func (s *Store) ProjectWithCounts(ctx context.Context, userID string, id int64) (ProjectRow, error) {
	rows, err := s.projectRows(ctx, userID, true, id)
	if err != nil {
		return ProjectRow{}, err
	}
	if len(rows) == 0 {
		return ProjectRow{}, fmt.Errorf("loading project %d: %w", id, ErrNotFound)
	}
	return rows[0], nil
}

// projectRows lists the person's projects with their counts, one when id
// is not 0.
func (s *Store) projectRows(ctx context.Context, userID string, archived bool, id int64) ([]ProjectRow, error) {
	rows := []ProjectRow{}
	q := s.DB.NewSelect().Model(&rows).
		ColumnExpr("p.*").
		ColumnExpr("coalesce(c.open_count, 0) AS open_count, coalesce(c.task_count, 0) AS task_count").
		Join(`LEFT JOIN (SELECT project_id, count(*) FILTER (WHERE NOT completed) AS open_count, count(*) AS task_count
			FROM tasks WHERE user_id = ? AND deleted_at IS NULL AND (?::bigint = 0 OR project_id = ?) GROUP BY project_id) AS c
			ON c.project_id = p.id`, userID, id, id).
		Where("p.user_id = ? AND p.deleted_at IS NULL", userID).
		OrderExpr("p.inbox DESC, p.position, p.id")
	if !archived {
		q.Where("NOT p.archived")
	}
	if id != 0 {
		q.Where("p.id = ?", id)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("listing the projects of user %s: %w", userID, err)
	}
	return rows, nil
}

// ProjectCountRow is a project's counts for the dashboard.
type ProjectCountRow struct {
	ID       int64  `bun:"id"`
	Name     string `bun:"name"`
	Color    string `bun:"color"`
	Inbox    bool   `bun:"inbox"`
	Open     int    `bun:"open"`
	DueToday int    `bun:"due_today"`
	Overdue  int    `bun:"overdue"`
}

// CountProjects counts, per live unarchived project, the open tasks and
// those due today or overdue: one statement.
func (s *Store) CountProjects(ctx context.Context, userID string, b SummaryBounds) ([]ProjectCountRow, error) {
	rows := []ProjectCountRow{}
	err := s.DB.NewSelect().TableExpr("projects AS p").
		ColumnExpr("p.id, p.name, p.color, p.inbox").
		ColumnExpr("count(t.id) AS open").
		ColumnExpr("count(t.id) FILTER (WHERE t.due_at >= ? AND t.due_at <= ?) AS due_today", b.DayStart, b.DayEnd).
		ColumnExpr("count(t.id) FILTER (WHERE t.due_at < ?) AS overdue", b.Now).
		Join("LEFT JOIN tasks AS t ON t.project_id = p.id AND t.user_id = p.user_id AND t.deleted_at IS NULL AND NOT t.completed").
		Where("p.user_id = ? AND p.deleted_at IS NULL AND NOT p.archived", userID).
		GroupExpr("p.id").OrderExpr("p.inbox DESC, p.position, p.id").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("counting the projects of user %s: %w", userID, err)
	}
	return rows, nil
}

// SectionsOf is the live sections of the person's projects ids, by
// project and position.
func (s *Store) SectionsOf(ctx context.Context, userID string, ids []int64) ([]Section, error) {
	out := []Section{}
	if len(ids) == 0 {
		return out, nil
	}
	err := s.DB.NewSelect().Model(&out).
		Where("s.user_id = ? AND s.project_id IN (?) AND s.deleted_at IS NULL", userID, bun.List(ids)).
		OrderExpr("s.project_id, s.position, s.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing sections: %w", err)
	}
	return out, nil
}

// GetProject loads one of the person's live projects and holds it (FOR
// SHARE) until the transaction ends: a task put in it cannot land in it
// after a deletion has taken its tasks (DeleteProject waits, then sees
// the task). LockProject holds it for a change of the project itself.
func (tx Tx) GetProject(ctx context.Context, userID string, id int64) (Project, error) {
	return tx.project(ctx, userID, id, "SHARE")
}

// LockProject loads one of the person's live projects for update.
func (tx Tx) LockProject(ctx context.Context, userID string, id int64) (Project, error) {
	return tx.project(ctx, userID, id, "UPDATE")
}

func (tx Tx) project(ctx context.Context, userID string, id int64, lock string) (Project, error) {
	var p Project
	err := tx.db.NewSelect().Model(&p).Where("p.id = ? AND p.user_id = ? AND p.deleted_at IS NULL", id, userID).For(lock).Scan(ctx)
	if err != nil {
		return p, fmt.Errorf("loading project %d: %w", id, notFound(err))
	}
	return p, nil
}

// Inbox loads the person's Inbox.
func (tx Tx) Inbox(ctx context.Context, userID string) (Project, error) {
	var p Project
	err := tx.db.NewSelect().Model(&p).Where("p.user_id = ? AND p.inbox", userID).Scan(ctx)
	if err != nil {
		return p, fmt.Errorf("loading the Inbox of user %s: %w", userID, notFound(err))
	}
	return p, nil
}

// GetSection loads one of the person's live sections of a live project,
// held (FOR SHARE) until the transaction ends, as GetProject.
func (tx Tx) GetSection(ctx context.Context, userID string, id int64) (Section, error) {
	var sec Section
	err := tx.db.NewSelect().Model(&sec).
		Where("s.id = ? AND s.user_id = ? AND s.deleted_at IS NULL", id, userID).
		Where("EXISTS (SELECT 1 FROM projects AS p WHERE p.id = s.project_id AND p.deleted_at IS NULL)").For("SHARE").Scan(ctx)
	if err != nil {
		return sec, fmt.Errorf("loading section %d: %w", id, notFound(err))
	}
	return sec, nil
}

// InsertProject stores p last among the person's projects.
func (tx Tx) InsertProject(ctx context.Context, p *Project) error {
	last, err := tx.edgePosition(ctx, "projects", "user_id = ? AND NOT inbox", p.UserID)
	if err != nil {
		return err
	}
	if p.Position, err = position.Between(last, ""); err != nil {
		return err
	}
	if _, err := tx.db.NewInsert().Model(p).ExcludeColumn("id").Returning("id, created_at, updated_at").Exec(ctx); err != nil {
		return fmt.Errorf("inserting project: %w", err)
	}
	return nil
}

// UpdateProject writes p's name, colour, archived flag and position.
func (tx Tx) UpdateProject(ctx context.Context, p *Project) error {
	res, err := tx.db.NewUpdate().Model(p).Column("name", "color", "archived", "position").Set("updated_at = now()").
		Where("id = ? AND user_id = ? AND deleted_at IS NULL", p.ID, p.UserID).Returning("updated_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("updating project %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("updating project %d: %w", p.ID, ErrNotFound)
	}
	return nil
}

// DeleteProject marks a project, its sections and its live tasks deleted
// at one moment, which RestoreProject finds them by.
func (tx Tx) DeleteProject(ctx context.Context, userID string, id int64) error {
	var at time.Time
	err := tx.db.NewRaw(`UPDATE projects SET deleted_at = now() WHERE id = ? AND user_id = ? AND deleted_at IS NULL AND NOT inbox
		RETURNING deleted_at`, id, userID).Scan(ctx, &at)
	if err != nil {
		return fmt.Errorf("deleting project %d: %w", id, notFound(err))
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE sections SET deleted_at = ? WHERE project_id = ? AND deleted_at IS NULL`, at, id); err != nil {
		return fmt.Errorf("deleting the sections of project %d: %w", id, err)
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE tasks SET deleted_at = ? WHERE project_id = ? AND user_id = ? AND deleted_at IS NULL`, at, id, userID); err != nil {
		return fmt.Errorf("deleting the tasks of project %d: %w", id, err)
	}
	return nil
}

// RestoreProject brings back a deleted project with the sections and
// tasks its deletion took (not those deleted before it).
func (tx Tx) RestoreProject(ctx context.Context, userID string, id int64) error {
	var at time.Time
	err := tx.db.NewRaw(`SELECT deleted_at FROM projects WHERE id = ? AND user_id = ? AND deleted_at IS NOT NULL FOR UPDATE`, id, userID).Scan(ctx, &at)
	if err != nil {
		return fmt.Errorf("restoring project %d: %w", id, notFound(err))
	}
	for _, q := range []string{
		`UPDATE projects SET deleted_at = NULL, updated_at = now() WHERE id = ?0`,
		`UPDATE sections SET deleted_at = NULL WHERE project_id = ?0 AND deleted_at = ?1`,
		`UPDATE tasks SET deleted_at = NULL WHERE project_id = ?0 AND deleted_at = ?1`,
	} {
		if _, err := tx.db.NewRaw(q, id, at).Exec(ctx); err != nil {
			return fmt.Errorf("restoring project %d: %w", id, err)
		}
	}
	return nil
}

// InsertSection stores sec last in its project.
func (tx Tx) InsertSection(ctx context.Context, sec *Section) error {
	last, err := tx.edgePosition(ctx, "sections", "project_id = ?", sec.ProjectID)
	if err != nil {
		return err
	}
	if sec.Position, err = position.Between(last, ""); err != nil {
		return err
	}
	if _, err := tx.db.NewInsert().Model(sec).ExcludeColumn("id").Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("inserting section: %w", err)
	}
	return nil
}

// UpdateSection writes sec's name and position.
func (tx Tx) UpdateSection(ctx context.Context, sec *Section) error {
	res, err := tx.db.NewUpdate().Model(sec).Column("name", "position").
		Where("id = ? AND user_id = ? AND deleted_at IS NULL", sec.ID, sec.UserID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("updating section %d: %w", sec.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("updating section %d: %w", sec.ID, ErrNotFound)
	}
	return nil
}

// DeleteSection marks a section and its live tasks (and their subtasks,
// which are in it too) deleted at one moment.
func (tx Tx) DeleteSection(ctx context.Context, userID string, id int64) error {
	var at time.Time
	err := tx.db.NewRaw(`UPDATE sections SET deleted_at = now() WHERE id = ? AND user_id = ? AND deleted_at IS NULL RETURNING deleted_at`,
		id, userID).Scan(ctx, &at)
	if err != nil {
		return fmt.Errorf("deleting section %d: %w", id, notFound(err))
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE tasks SET deleted_at = ? WHERE section_id = ? AND user_id = ? AND deleted_at IS NULL`, at, id, userID); err != nil {
		return fmt.Errorf("deleting the tasks of section %d: %w", id, err)
	}
	return nil
}

// RestoreSection brings back a deleted section of a live project with
// the tasks its deletion took.
func (tx Tx) RestoreSection(ctx context.Context, userID string, id int64) error {
	var at time.Time
	err := tx.db.NewRaw(`SELECT s.deleted_at FROM sections AS s JOIN projects AS p ON p.id = s.project_id
		WHERE s.id = ? AND s.user_id = ? AND s.deleted_at IS NOT NULL AND p.deleted_at IS NULL FOR UPDATE OF s`, id, userID).Scan(ctx, &at)
	if err != nil {
		return fmt.Errorf("restoring section %d: %w", id, notFound(err))
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE sections SET deleted_at = NULL WHERE id = ?`, id); err != nil {
		return fmt.Errorf("restoring section %d: %w", id, err)
	}
	if _, err := tx.db.ExecContext(ctx, `UPDATE tasks SET deleted_at = NULL WHERE section_id = ? AND deleted_at = ?`, id, at); err != nil {
		return fmt.Errorf("restoring the tasks of section %d: %w", id, err)
	}
	return nil
}

// Sibling says which list a position is in: the tasks of one project
// with the same section and parent, the sections of one project
// (Table "sections"), or the person's projects (Table "projects").
type Sibling struct {
	Table     string // "tasks" (the zero value), "sections" or "projects"
	UserID    string
	ProjectID int64
	SectionID *int64
	ParentID  *int64
}

// NeighbourPosition is the position next to from in the list: the
// smallest above it (up false) or the largest below it (up true); from
// empty is the list's end (up true: the last position). An empty answer
// means there is none. The row excluding (the one being moved) does not
// count. One statement on an index, whatever the length of the list.
func (tx Tx) NeighbourPosition(ctx context.Context, s Sibling, from string, up bool, excluding int64) (string, error) {
	agg, cmp := "min", ">"
	if up {
		agg, cmp = "max", "<"
	}
	q := tx.db.NewSelect().ColumnExpr(agg+"(position)::text").Where("deleted_at IS NULL AND id <> ?", excluding)
	switch s.Table {
	case "projects":
		q.TableExpr("projects").Where("user_id = ? AND NOT inbox", s.UserID)
	case "sections":
		q.TableExpr("sections").Where("project_id = ?", s.ProjectID)
	default:
		q.TableExpr("tasks").Where("project_id = ? AND user_id = ?", s.ProjectID, s.UserID)
		if s.ParentID != nil {
			q.Where("parent_id = ?", *s.ParentID)
		} else {
			q.Where("parent_id IS NULL")
			if s.SectionID != nil {
				q.Where("section_id = ?", *s.SectionID)
			} else {
				q.Where("section_id IS NULL")
			}
		}
	}
	if from != "" {
		q.Where("position "+cmp+" ?::numeric", from)
	}
	var out *string
	if err := q.Scan(ctx, &out); err != nil {
		return "", fmt.Errorf("reading a neighbour's position: %w", err)
	}
	if out == nil {
		return "", nil
	}
	return *out, nil
}

// edgePosition is the largest position in table where cond holds, empty
// when there is none.
func (tx Tx) edgePosition(ctx context.Context, table, cond string, args ...any) (string, error) {
	var out *string
	err := tx.db.NewSelect().TableExpr(table).ColumnExpr("max(position)::text").Where(cond, args...).
		Where("deleted_at IS NULL").Scan(ctx, &out)
	if err != nil {
		return "", fmt.Errorf("reading the last position of %s: %w", table, err)
	}
	if out == nil {
		return "", nil
	}
	return *out, nil
}

// Place puts task id (of the person) at place, and its subtasks (deleted
// ones too, so that a restore finds them with their parent) in place's
// project and section: two statements however deep the subtree.
func (tx Tx) Place(ctx context.Context, userID string, id int64, place api.TaskPlace) error {
	res, err := tx.db.NewRaw(`UPDATE tasks SET project_id = ?, section_id = ?, parent_id = ?, position = ?::numeric, updated_at = now()
		WHERE id = ? AND user_id = ? AND deleted_at IS NULL`,
		place.ProjectID, place.SectionID, place.ParentID, place.Position, id, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("moving task %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("moving task %d: %w", id, ErrNotFound)
	}
	_, err = tx.db.NewRaw(`WITH RECURSIVE sub AS (
			SELECT id FROM tasks WHERE parent_id = ?0 AND user_id = ?1
			UNION ALL SELECT t.id FROM tasks AS t JOIN sub ON t.parent_id = sub.id)
		UPDATE tasks SET project_id = ?2, section_id = ?3, updated_at = now()
		WHERE id IN (SELECT id FROM sub) AND (project_id <> ?2 OR section_id IS DISTINCT FROM ?3)`,
		id, userID, place.ProjectID, place.SectionID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("moving the subtasks of task %d: %w", id, err)
	}
	return nil
}

// Subtree is the live subtasks of task id at every depth, parents before
// their children, each level in position order, without their tags.
func (tx Tx) Subtree(ctx context.Context, userID string, id int64) ([]Task, error) {
	out := []Task{}
	err := tx.db.NewSelect().Model(&out).
		With("sub", tx.db.NewRaw(subtreeCTE+`SELECT * FROM sub`, id, userID)).
		Join("JOIN sub ON sub.id = t.id").
		OrderExpr("sub.depth, t.position, t.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the subtasks of task %d: %w", id, err)
	}
	return out, nil
}

// CountLive counts the live rows of table (projects or sections) where
// cond holds.
func (tx Tx) CountLive(ctx context.Context, table, cond string, args ...any) (int, error) {
	n, err := tx.db.NewSelect().TableExpr(table).Where(cond, args...).Where("deleted_at IS NULL").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting %s: %w", table, err)
	}
	return int(n), nil
}

// ProjectTasks is every live task of one of the person's projects by
// status ("pending", "completed" or "all"), in position order, with tags
// and reminders: three statements however many tasks and levels.
func (s *Store) ProjectTasks(ctx context.Context, userID string, projectID int64, status string) ([]Task, error) {
	out := []Task{}
	q := s.DB.NewSelect().Model(&out).Where("t.user_id = ? AND t.project_id = ? AND t.deleted_at IS NULL", userID, projectID)
	switch status {
	case "pending":
		q.Where("NOT t.completed")
	case "completed":
		q.Where("t.completed")
	}
	if err := q.OrderExpr("t.position, t.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("listing the tasks of project %d: %w", projectID, err)
	}
	if err := s.LoadDetails(ctx, userID, out); err != nil {
		return nil, err
	}
	return out, nil
}

// subtreeCTE is the ids of task ?0's (of user ?1) live subtasks at every
// depth; the depth bound is a backstop against a cycle the rules refuse.
const subtreeCTE = `WITH RECURSIVE sub(id, depth) AS (
		SELECT id, 1 FROM tasks WHERE parent_id = ?0 AND user_id = ?1 AND deleted_at IS NULL
		UNION ALL SELECT t.id, sub.depth + 1 FROM tasks AS t JOIN sub ON t.parent_id = sub.id
		WHERE t.deleted_at IS NULL AND sub.depth < 16) `

// CompleteSubtree completes task id's open subtasks at every depth,
// marking them completed by it, in one statement that writes those
// columns alone (an edit of a subtask made meanwhile is kept), and
// returns their ids.
func (tx Tx) CompleteSubtree(ctx context.Context, userID string, id int64, at time.Time) ([]int64, error) {
	out := []int64{}
	err := tx.db.NewRaw(subtreeCTE+`UPDATE tasks SET completed = true, completed_at = ?2, completed_by = ?0, updated_at = now()
		WHERE id IN (SELECT id FROM sub) AND NOT completed RETURNING id`, id, userID, at).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("completing the subtasks of task %d: %w", id, err)
	}
	return out, nil
}

// ReopenSubtree reopens (undo) the subtasks task id's completion closed
// and nobody reopened or completed again since, and returns their ids;
// without undo it only forgets which ones those were, so that a later
// undo cannot reopen what a later completion did not close.
func (tx Tx) ReopenSubtree(ctx context.Context, userID string, id int64, undo bool) ([]int64, error) {
	out := []int64{}
	q := `UPDATE tasks SET completed_by = NULL WHERE user_id = ?1 AND completed_by = ?0`
	if undo {
		q = subtreeCTE + `UPDATE tasks SET completed = false, completed_at = NULL, completed_by = NULL, updated_at = now()
			WHERE id IN (SELECT id FROM sub) AND completed AND completed_by = ?0 RETURNING id`
	}
	if _, err := tx.db.NewRaw(q, id, userID).Exec(ctx, &out); err != nil {
		return nil, fmt.Errorf("reopening the subtasks of task %d: %w", id, err)
	}
	return out, nil
}
