package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/position"
)

// Projects, sections and subtasks in an import (internal/transfer): a
// project or section is found by its import key (or, for the account's
// own export, its id) before one is made, so that a file imported twice
// makes it once.

// Inbox is the person's Inbox.
func (im *Importer) Inbox(ctx context.Context) (Project, error) {
	return Tx{db: im.tx}.Inbox(ctx, im.userID)
}

// OwnProject is the person's live project id, if there is one.
func (im *Importer) OwnProject(ctx context.Context, id int64) (Project, bool, error) {
	p, err := Tx{db: im.tx}.GetProject(ctx, im.userID, id)
	if errors.Is(err, ErrNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// CountProjects counts the person's live projects, the Inbox included.
func (im *Importer) CountProjects(ctx context.Context) (int, error) {
	return Tx{db: im.tx}.CountLive(ctx, "projects", "user_id = ?", im.userID)
}

// ImportProject finds the person's live project with p's ImportKey and
// loads it into p, or else stores p (last among the projects when it has
// no Position). A project with the key that the person deleted stays
// deleted, as its imported tasks do: nothing is stored and p.ID is 0 (the
// caller places the file's new tasks of it elsewhere). It reports whether
// it stored p.
func (im *Importer) ImportProject(ctx context.Context, p *Project) (bool, error) {
	p.UserID = im.userID
	if p.ImportKey != nil {
		var found Project
		err := im.tx.NewSelect().Model(&found).Where("p.user_id = ? AND p.import_key = ?", im.userID, *p.ImportKey).Scan(ctx)
		switch {
		case err == nil && found.DeletedAt == nil:
			*p = found
			return false, nil
		case err == nil:
			p.ID = 0
			return false, nil
		case !errors.Is(err, sql.ErrNoRows):
			return false, fmt.Errorf("looking up imported project %q: %w", *p.ImportKey, err)
		}
	}
	if p.Position == "" {
		if err := (Tx{db: im.tx}).InsertProject(ctx, p); err != nil {
			return false, fmt.Errorf("importing project %q: %w", p.Name, err)
		}
		return true, nil
	}
	if _, err := im.tx.NewInsert().Model(p).ExcludeColumn("id").Returning("id, created_at, updated_at").Exec(ctx); err != nil {
		return false, fmt.Errorf("importing project %q: %w", p.Name, err)
	}
	return true, nil
}

// OwnSection is the person's live section id, if there is one.
func (im *Importer) OwnSection(ctx context.Context, id int64) (Section, bool, error) {
	sec, err := Tx{db: im.tx}.GetSection(ctx, im.userID, id)
	if errors.Is(err, ErrNotFound) {
		return sec, false, nil
	}
	return sec, err == nil, err
}

// ImportSection finds the live section of sec's project with sec's
// ImportKey — or, with byName, with sec's name (a file imported again
// into the project an earlier import made) — and loads it into sec, or
// else stores sec (last in its project when it has no Position). It
// reports whether it stored sec.
func (im *Importer) ImportSection(ctx context.Context, sec *Section, byName bool) (bool, error) {
	sec.UserID = im.userID
	var found []Section
	q := im.tx.NewSelect().Model(&found).Where("s.user_id = ? AND s.project_id = ? AND s.deleted_at IS NULL", im.userID, sec.ProjectID).
		OrderExpr("s.position, s.id").Limit(1)
	switch {
	case sec.ImportKey != nil:
		q.Where("s.import_key = ?", *sec.ImportKey)
	case byName:
		q.Where("s.name = ?", sec.Name)
	default:
		q = nil
	}
	if q != nil {
		if err := q.Scan(ctx); err != nil {
			return false, fmt.Errorf("looking up imported section %q: %w", sec.Name, err)
		}
		if len(found) > 0 {
			*sec = found[0]
			return false, nil
		}
		if sec.ImportKey != nil {
			// A section with the key that the person deleted stays deleted,
			// as its imported tasks do: sec.ID is 0, nothing is stored.
			var n int
			if err := im.tx.NewSelect().TableExpr("sections").ColumnExpr("count(*)").
				Where("user_id = ? AND import_key = ?", im.userID, *sec.ImportKey).Scan(ctx, &n); err != nil {
				return false, fmt.Errorf("looking up imported section %q: %w", sec.Name, err)
			}
			if n > 0 {
				sec.ID = 0
				return false, nil
			}
		}
	}
	if sec.Position == "" {
		if err := (Tx{db: im.tx}).InsertSection(ctx, sec); err != nil {
			return false, fmt.Errorf("importing section %q: %w", sec.Name, err)
		}
		return true, nil
	}
	if _, err := im.tx.NewInsert().Model(sec).ExcludeColumn("id").Returning("id, created_at").Exec(ctx); err != nil {
		return false, fmt.Errorf("importing section %q: %w", sec.Name, err)
	}
	return true, nil
}

// NextPosition is the position after the last live task of project
// projectID: imported tasks without one of their own go there, in file
// order.
func (im *Importer) NextPosition(ctx context.Context, projectID int64) (string, error) {
	last, err := Tx{db: im.tx}.edgePosition(ctx, "tasks", "project_id = ? AND user_id = ?", projectID, im.userID)
	if err != nil {
		return "", err
	}
	return position.Between(last, "")
}

// Link is a subtask of an import and its parent, by import key; ParentID
// is the parent's id when its key is the account's own (todo-app:<user>:<id>).
type Link struct {
	Child, Parent string
	ParentID      int64
}

// SetParents puts each imported subtask under its parent — the task of
// this import or of the account with the parent's key, else ParentID —
// in its parent's project and section: one statement per call. A subtask
// whose parent is not found (or is deleted) stays at the top level.
func (im *Importer) SetParents(ctx context.Context, links []Link) error {
	if len(links) == 0 {
		return nil
	}
	child, parent, parentID := make([]string, len(links)), make([]string, len(links)), make([]int64, len(links))
	for i, l := range links {
		child[i], parent[i], parentID[i] = l.Child, l.Parent, l.ParentID
	}
	_, err := im.tx.NewRaw(`UPDATE tasks AS c SET parent_id = p.id, project_id = p.project_id, section_id = p.section_id
		FROM unnest(?1::text[], ?2::text[], ?3::bigint[]) AS x(ck, pk, pid)
		JOIN tasks AS p ON p.user_id = ?0 AND p.deleted_at IS NULL
			AND p.id = coalesce((SELECT id FROM tasks WHERE user_id = ?0 AND import_key = x.pk), nullif(x.pid, 0))
		WHERE c.user_id = ?0 AND c.import_key = x.ck AND c.id <> p.id`,
		im.userID, pgdialect.Array(child), pgdialect.Array(parent), pgdialect.Array(parentID)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("linking %d imported subtasks to their parents: %w", len(links), err)
	}
	// The statement above saw each parent's place as it was before it:
	// a grandchild took its parent's old project. Carry the places down,
	// one level a statement, until every subtask is in its parent's.
	for range api.MaxSubtaskDepth + 1 {
		res, err := im.tx.NewRaw(`UPDATE tasks AS c SET project_id = p.project_id, section_id = p.section_id
			FROM tasks AS p WHERE p.id = c.parent_id AND c.user_id = ?0 AND c.import_key = ANY(?1::text[])
			AND (c.project_id <> p.project_id OR c.section_id IS DISTINCT FROM p.section_id)`,
			im.userID, pgdialect.Array(child)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("placing imported subtasks with their parents: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			break
		}
	}
	return nil
}

// DropProject removes a project this import made, with its sections,
// before the import commits: as if it had never been made.
func (im *Importer) DropProject(ctx context.Context, id int64) error {
	if _, err := im.tx.NewDelete().TableExpr("projects").Where("id = ? AND user_id = ? AND NOT inbox", id, im.userID).Exec(ctx); err != nil {
		return fmt.Errorf("dropping imported project %d: %w", id, err)
	}
	return nil
}

// ExportProjects is every live project of the person, archived ones
// too, the Inbox first, then in their order.
func (e Exporter) ExportProjects(ctx context.Context, userID string) ([]Project, error) {
	out := []Project{}
	if err := e.db.NewSelect().Model(&out).Where("p.user_id = ? AND p.deleted_at IS NULL", userID).
		OrderExpr("p.inbox DESC, p.position, p.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("exporting projects: %w", err)
	}
	return out, nil
}

// ExportSections is every live section of the person's live projects,
// by project and position.
func (e Exporter) ExportSections(ctx context.Context, userID string) ([]Section, error) {
	out := []Section{}
	if err := e.db.NewSelect().Model(&out).Where("s.user_id = ? AND s.deleted_at IS NULL", userID).
		Where("EXISTS (SELECT 1 FROM projects AS p WHERE p.id = s.project_id AND p.deleted_at IS NULL)").
		OrderExpr("s.project_id, s.position, s.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("exporting sections: %w", err)
	}
	return out, nil
}

// ImportKeys is the import key of each of the person's tasks ids that
// has one.
func (e Exporter) ImportKeys(ctx context.Context, userID string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID        int64  `bun:"id"`
		ImportKey string `bun:"import_key"`
	}
	if err := e.db.NewSelect().TableExpr("tasks").Column("id", "import_key").
		Where("user_id = ? AND id = ANY(?) AND import_key IS NOT NULL", userID, pgdialect.Array(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("reading the keys of parent tasks: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.ImportKey
	}
	return out, nil
}
