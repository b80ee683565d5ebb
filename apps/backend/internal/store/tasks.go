package store

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/position"
)

// TaskFilter selects, orders and pages a user's tasks. Values are
// already validated by the caller.
type TaskFilter struct {
	Status   string // all|pending|completed
	Priority string
	// ProjectID keeps one project's tasks; 0 keeps every project's but
	// the archived ones' (an archived project's tasks are in no list, the
	// agenda or the dashboard until it is opened, or unarchived).
	ProjectID int64
	Tags      []string // every tag must be present
	Q         string
	DueFrom   *time.Time
	DueTo     *time.Time
	Overdue   bool
	// CompletedFrom/To select tasks completed within a time range.
	CompletedFrom *time.Time
	CompletedTo   *time.Time
	Now           time.Time
	Sort          string // created|due|priority|title
	Desc          bool
	Limit         int
	Offset        int
	// NoTotal skips counting every match (a short list that shows no
	// total): one statement less.
	NoTotal bool
	// NoDetails leaves the tags and reminders out, for a caller that
	// loads them for several lists at once (LoadDetails).
	NoDetails bool
}

// notArchived keeps the tasks (t) outside the person's archived projects.
const notArchived = "t.project_id NOT IN (SELECT id FROM projects WHERE user_id = ? AND archived)"

// SummaryBounds are the moments the dashboard's counts are cut at.
type SummaryBounds struct {
	Now, DayStart, DayEnd, WeekStart time.Time
}

// SummaryCounts are the dashboard's counts.
type SummaryCounts struct {
	Open         int `bun:"open"`
	DueToday     int `bun:"due_today"`
	Overdue      int `bun:"overdue"`
	DoneThisWeek int `bun:"done_this_week"`
}

// CountSummary counts the user's open, due-today, overdue and
// done-this-week tasks in one pass over their rows.
func (s *Store) CountSummary(ctx context.Context, userID string, b SummaryBounds) (SummaryCounts, error) {
	var c SummaryCounts
	err := s.DB.NewSelect().TableExpr("tasks AS t").
		ColumnExpr("count(*) FILTER (WHERE NOT t.completed) AS open").
		ColumnExpr("count(*) FILTER (WHERE NOT t.completed AND t.due_at >= ? AND t.due_at <= ?) AS due_today", b.DayStart, b.DayEnd).
		ColumnExpr("count(*) FILTER (WHERE NOT t.completed AND t.due_at < ?) AS overdue", b.Now).
		ColumnExpr("count(*) FILTER (WHERE t.completed AND t.completed_at >= ?) AS done_this_week", b.WeekStart).
		Where("t.user_id = ? AND t.deleted_at IS NULL", userID).Where(notArchived, userID).
		Scan(ctx, &c)
	if err != nil {
		return SummaryCounts{}, fmt.Errorf("counting the dashboard of user %s: %w", userID, err)
	}
	return c, nil
}

// Tx reads and writes tasks inside one transaction (WithTx) or, from
// Store.Tasks, each statement on its own. The services hold no database
// handle: the store owns its transactions.
type Tx struct{ db bun.IDB }

// WithTx runs fn in a transaction, committing only if it returns nil.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, Tx{db: tx}) })
}

// Tasks reads and writes tasks outside any transaction.
func (s *Store) Tasks() Tx { return Tx{db: s.DB} }

// ListTasks returns a page of tasks (with tags) and the total matching.
func (s *Store) ListTasks(ctx context.Context, userID string, f TaskFilter) ([]Task, int, error) {
	tasks := []Task{}
	q := s.DB.NewSelect().Model(&tasks).Where("t.user_id = ? AND t.deleted_at IS NULL", userID)
	if f.ProjectID != 0 {
		q.Where("t.project_id = ?", f.ProjectID)
	} else {
		q.Where(notArchived, userID)
	}
	switch f.Status {
	case "pending":
		q.Where("NOT t.completed")
	case "completed":
		q.Where("t.completed")
	}
	if f.Priority != "" {
		q.Where("t.priority = ?", f.Priority)
	}
	if f.Q != "" {
		pattern := "%" + escapeLike(f.Q) + "%"
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("t.title ILIKE ?", pattern).WhereOr("t.description ILIKE ?", pattern)
		})
	}
	if f.DueFrom != nil {
		q.Where("t.due_at >= ?", *f.DueFrom)
	}
	if f.DueTo != nil {
		q.Where("t.due_at <= ?", *f.DueTo)
	}
	if f.Overdue {
		q.Where("NOT t.completed AND t.due_at < ?", f.Now)
	}
	if f.CompletedFrom != nil {
		q.Where("t.completed_at >= ?", *f.CompletedFrom)
	}
	if f.CompletedTo != nil {
		q.Where("t.completed_at <= ?", *f.CompletedTo)
	}
	if len(f.Tags) > 0 {
		lowered := lowerAll(f.Tags)
		q.Where(`t.id IN (SELECT tt.task_id FROM task_tags tt JOIN tags g2 ON g2.id = tt.tag_id
			WHERE g2.user_id = ? AND lower(g2.name) = ANY(?) GROUP BY tt.task_id HAVING count(DISTINCT g2.id) = ?)`,
			userID, pgdialect.Array(lowered), len(lowered))
	}
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	switch f.Sort {
	case "due":
		q.OrderExpr("t.due_at " + dir + " NULLS LAST")
	case "priority":
		q.OrderExpr("CASE t.priority WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END " + dir).OrderExpr("t.due_at ASC NULLS LAST")
	case "title":
		q.OrderExpr("lower(t.title) " + dir)
	default:
		q.OrderExpr("t.created_at " + dir)
	}
	q.OrderExpr("t.id " + dir).Limit(int64(f.Limit)).Offset(int64(f.Offset))
	// One after the other, not bun's ScanAndCount in parallel: that holds
	// two pool connections per request, and under load requests holding
	// one while waiting for a second starved the pool (make bench).
	if err := q.Scan(ctx); err != nil {
		return nil, 0, fmt.Errorf("listing tasks: %w", err)
	}
	// A page that is not full, from the start, is every match: no need to
	// count them again (most lists and searches of a typical person).
	total := f.Offset + len(tasks)
	if !f.NoTotal && (len(tasks) == f.Limit || (len(tasks) == 0 && f.Offset > 0)) {
		n, err := q.Count(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("counting tasks: %w", err)
		}
		total = int(n)
	}
	if !f.NoDetails {
		if err := s.LoadDetails(ctx, userID, tasks); err != nil {
			return nil, 0, err
		}
	}
	return tasks, total, nil
}

// LoadDetails fills in the tags and reminders of the user's tasks: two
// statements however many lists the tasks come from.
func (s *Store) LoadDetails(ctx context.Context, userID string, tasks []Task) error {
	if err := loadTagNames(ctx, s.DB, userID, tasks); err != nil {
		return err
	}
	return loadReminders(ctx, s.DB, tasks)
}

// loadTagNames fills in the tags of a page of the user's tasks with one
// query for just their names, ordered. bun's m2m relation loads whole tag rows and
// parses their timestamps: `make bench` found it was a quarter of the CPU
// of a list request.
func loadTagNames(ctx context.Context, db bun.IDB, userID string, tasks []Task) error {
	if len(tasks) == 0 {
		return nil
	}
	ids := make([]int64, len(tasks))
	at := make(map[int64]int, len(tasks))
	for i, t := range tasks {
		ids[i], at[t.ID] = t.ID, i
	}
	var rows []struct {
		TaskID int64  `bun:"task_id"`
		TagID  int64  `bun:"tag_id"`
		Name   string `bun:"name"`
	}
	err := db.NewSelect().TableExpr("task_tags AS tt").Join("JOIN tags AS g ON g.id = tt.tag_id").
		ColumnExpr("tt.task_id, tt.tag_id, g.name").Where("tt.task_id IN (?)", bun.List(ids)).
		// The owner's filter is what lets PostgreSQL use the tags index
		// instead of hashing every user's tags: 1.6 → 0.5 ms (EXPLAIN
		// ANALYZE on the bench data).
		Where("g.user_id = ?", userID).
		OrderExpr("lower(g.name)").Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("loading the tags of %d tasks: %w", len(tasks), err)
	}
	for _, r := range rows {
		t := &tasks[at[r.TaskID]]
		t.Tags = append(t.Tags, Tag{ID: r.TagID, Name: r.Name})
	}
	return nil
}

// GetTask loads one of the user's tasks with its tags.
func (tx Tx) GetTask(ctx context.Context, userID string, id int64) (Task, error) {
	db := tx.db
	var t Task
	err := db.NewSelect().Model(&t).Where("t.id = ? AND t.user_id = ? AND t.deleted_at IS NULL", id, userID).Scan(ctx)
	if err != nil {
		return t, fmt.Errorf("loading task %d: %w", id, notFound(err))
	}
	one := []Task{t}
	if err := loadTagNames(ctx, db, userID, one); err != nil {
		return t, err
	}
	if err := loadReminders(ctx, db, one); err != nil {
		return t, err
	}
	return one[0], nil
}

// GetTaskForUpdate loads one of the user's tasks without its tags and locks
// its row until the transaction ends, for read-modify-write.
func (tx Tx) GetTaskForUpdate(ctx context.Context, userID string, id int64) (Task, error) {
	db := tx.db
	var t Task
	err := db.NewSelect().Model(&t).Where("t.id = ? AND t.user_id = ? AND t.deleted_at IS NULL", id, userID).For("UPDATE").Scan(ctx)
	if err != nil {
		return t, fmt.Errorf("locking task %d: %w", id, notFound(err))
	}
	return t, nil
}

// InsertTask inserts t and attaches tags by name, creating missing ones.
func (tx Tx) InsertTask(ctx context.Context, t *Task, tags []string) error {
	db := tx.db
	// Without a project or a position the database places it: last in
	// the person's Inbox, or last in its project (todo_place_task).
	q := db.NewInsert().Model(t).ExcludeColumn("id")
	if t.ProjectID == 0 {
		q.ExcludeColumn("project_id")
	}
	if t.Position == "" {
		q.ExcludeColumn("position")
	}
	if _, err := q.Returning("id, created_at, updated_at, project_id, position").Exec(ctx); err != nil {
		return fmt.Errorf("inserting task: %w", err)
	}
	return tx.SetTaskTags(ctx, t, tags)
}

// UpdateTask writes every column of t (and tags when non-nil).
func (tx Tx) UpdateTask(ctx context.Context, t *Task, tags *[]string) error {
	db := tx.db
	res, err := db.NewUpdate().Model(t).
		Column(TaskUpdateColumns(db.Dialect())...).
		Set("updated_at = now()").
		Where("id = ? AND user_id = ? AND deleted_at IS NULL", t.ID, t.UserID).Returning("updated_at").Exec(ctx)
	if err != nil {
		return fmt.Errorf("updating task %d: %w", t.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("updating task %d: %w", t.ID, ErrNotFound)
	}
	if tags != nil {
		return tx.SetTaskTags(ctx, t, *tags)
	}
	return nil
}

// TaskUpdateColumns are the columns UpdateTask writes: the completion and
// every field of api.TaskFields, named as bun names the embedded fields.
// Derived, not listed, so that a new field cannot be left out of updates
// and silently never change (a miss that compiled and passed before).
func TaskUpdateColumns(d schema.Dialect) []string {
	embedded, _ := reflect.TypeFor[Task]().FieldByName("TaskFields")
	cols := []string{"completed", "completed_at", "completed_by"}
	for _, f := range d.Tables().Get(reflect.TypeFor[Task]()).Fields {
		if len(f.Index) > 1 && f.Index[0] == embedded.Index[0] {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

// SetTaskTags replaces the task's tags with names (created on the fly)
// and stores the resulting tags on t.
func (tx Tx) SetTaskTags(ctx context.Context, t *Task, names []string) error {
	db := tx.db
	if _, err := db.NewDelete().Model((*TaskTag)(nil)).Where("task_id = ?", t.ID).Exec(ctx); err != nil {
		return fmt.Errorf("clearing tags of task %d: %w", t.ID, err)
	}
	t.Tags = []Tag{}
	if len(names) == 0 {
		return nil
	}
	if _, err := db.NewRaw(`INSERT INTO tags (user_id, name) SELECT ?, n FROM unnest(?::text[]) AS n
		ON CONFLICT (user_id, lower(name)) DO NOTHING`, t.UserID, pgdialect.Array(names)).Exec(ctx); err != nil {
		return fmt.Errorf("creating tags: %w", err)
	}
	if err := db.NewSelect().Model(&t.Tags).Where("user_id = ? AND lower(name) = ANY(?)", t.UserID, pgdialect.Array(lowerAll(names))).
		Scan(ctx); err != nil {
		return fmt.Errorf("loading tags: %w", err)
	}
	links := make([]TaskTag, len(t.Tags))
	for i, g := range t.Tags {
		links[i] = TaskTag{TaskID: t.ID, TagID: g.ID}
	}
	if _, err := db.NewInsert().Model(&links).Exec(ctx); err != nil {
		return fmt.Errorf("tagging task %d: %w", t.ID, err)
	}
	sortTags(t.Tags)
	return nil
}

// DeleteTask marks one of the user's tasks deleted with its subtasks, at
// one moment (RestoreTask finds them by it); they stay restorable until
// PurgeDeletedTasks removes them. The task is locked first and its
// subtree read after, in a statement of its own: a subtask added under it
// by a transaction that held it (tasks.Service locks a parent) is seen
// and deleted too, never left live under a deleted parent.
func (s *Store) DeleteTask(ctx context.Context, userID string, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := tx.GetTaskForUpdate(ctx, userID, id); err != nil {
			return fmt.Errorf("deleting task %d: %w", id, ErrNotFound)
		}
		_, err := tx.db.NewRaw(`WITH RECURSIVE sub AS (
				SELECT id FROM tasks WHERE id = ? AND user_id = ?
				UNION ALL SELECT t.id FROM tasks AS t JOIN sub ON t.parent_id = sub.id WHERE t.deleted_at IS NULL)
			UPDATE tasks SET deleted_at = now() WHERE id IN (SELECT id FROM sub)`, id, userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("deleting task %d: %w", id, err)
		}
		return nil
	})
}

// RestoreTask brings back one of the user's deleted tasks with the
// subtasks its deletion took. Where it was may be gone since: under a
// deleted parent it comes back at the top of its project, in a deleted
// section out of any section, in a deleted project into the Inbox.
func (s *Store) RestoreTask(ctx context.Context, userID string, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		var row struct {
			Task      `bun:",extend"`
			ParentOK  bool `bun:"parent_ok"`
			SectionOK bool `bun:"section_ok"`
			ProjectOK bool `bun:"project_ok"`
		}
		err := tx.db.NewRaw(`SELECT t.*,
				(t.parent_id IS NULL OR EXISTS (SELECT 1 FROM tasks AS q WHERE q.id = t.parent_id AND q.deleted_at IS NULL)) AS parent_ok,
				(t.section_id IS NULL OR EXISTS (SELECT 1 FROM sections AS s WHERE s.id = t.section_id AND s.deleted_at IS NULL)) AS section_ok,
				EXISTS (SELECT 1 FROM projects AS p WHERE p.id = t.project_id AND p.deleted_at IS NULL) AS project_ok
			FROM tasks AS t WHERE t.id = ? AND t.user_id = ? AND t.deleted_at IS NOT NULL FOR UPDATE OF t`, id, userID).Scan(ctx, &row)
		if err != nil {
			return fmt.Errorf("restoring task %d: %w", id, notFound(err))
		}
		_, err = tx.db.NewRaw(`WITH RECURSIVE sub AS (
				SELECT id FROM tasks WHERE id = ?0
				UNION ALL SELECT t.id FROM tasks AS t JOIN sub ON t.parent_id = sub.id WHERE t.deleted_at = ?1)
			UPDATE tasks SET deleted_at = NULL WHERE id IN (SELECT id FROM sub)`, id, *row.DeletedAt).Exec(ctx)
		if err != nil {
			return fmt.Errorf("restoring task %d: %w", id, err)
		}
		if row.ParentOK && row.SectionOK && row.ProjectOK {
			return nil
		}
		place := api.TaskPlace{ProjectID: row.ProjectID}
		if !row.ProjectOK {
			inbox, err := tx.Inbox(ctx, userID)
			if err != nil {
				return err
			}
			place.ProjectID = inbox.ID
		} else {
			if row.SectionOK {
				place.SectionID = row.SectionID
			}
			if row.ParentOK && row.SectionOK {
				place.ParentID = row.ParentID
			}
		}
		last, err := tx.NeighbourPosition(ctx, Sibling{UserID: userID, ProjectID: place.ProjectID, SectionID: place.SectionID, ParentID: place.ParentID}, "", true, id)
		if err != nil {
			return err
		}
		if place.Position, err = position.Between(last, ""); err != nil {
			return err
		}
		return tx.Place(ctx, userID, id, place)
	})
}

// PurgeDeletedTasks removes tasks deleted before cutoff, at most limit of
// them (a bounded statement; call again while it returns limit).
func (s *Store) PurgeDeletedTasks(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM tasks WHERE id IN (
		SELECT id FROM tasks WHERE deleted_at < ? ORDER BY deleted_at LIMIT ?)`, cutoff, limit)
	if err != nil {
		return 0, fmt.Errorf("purging deleted tasks: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteUntouchedOccurrence removes the open occurrence generated from
// task id, with the subtasks it brought back, if nobody has changed any of
// them since (updated_at still created_at) nor added a subtask under it,
// and returns its id (0: none removed).
func (tx Tx) DeleteUntouchedOccurrence(ctx context.Context, userID string, id int64) (int64, error) {
	db := tx.db
	var rows []struct {
		ID   int64 `bun:"id"`
		Root bool  `bun:"root"`
	}
	err := db.NewRaw(`WITH RECURSIVE occ AS (
			SELECT id FROM tasks WHERE user_id = ? AND recurred_from = ? AND deleted_at IS NULL
				AND NOT completed AND updated_at = created_at
		), sub AS (
			SELECT t.id, occ.id AS root, t.recurred_from, t.updated_at = t.created_at AND NOT t.completed AS untouched
			FROM tasks AS t JOIN occ ON t.parent_id = occ.id
			UNION ALL SELECT t.id, sub.root, t.recurred_from, t.updated_at = t.created_at AND NOT t.completed
			FROM tasks AS t JOIN sub ON t.parent_id = sub.id
		), kept AS (
			-- An occurrence someone worked on: a subtask changed, completed
			-- or added by hand (not brought back by the series).
			SELECT DISTINCT root FROM sub WHERE NOT untouched OR recurred_from IS NULL
		), gone AS (
			SELECT id FROM occ WHERE id NOT IN (SELECT root FROM kept)
			UNION ALL SELECT sub.id FROM sub WHERE sub.root NOT IN (SELECT root FROM kept)
		)
		DELETE FROM tasks WHERE id IN (SELECT id FROM gone)
		RETURNING id, id IN (SELECT id FROM occ) AS root`, userID, id).Scan(ctx, &rows)
	if err != nil {
		return 0, fmt.Errorf("removing the next occurrence of task %d: %w", id, err)
	}
	for _, r := range rows {
		if r.Root {
			return r.ID, nil
		}
	}
	return 0, nil
}

func sortTags(tags []Tag) {
	sort.Slice(tags, func(i, j int) bool { return strings.ToLower(tags[i].Name) < strings.ToLower(tags[j].Name) })
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
