package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Snapshot runs fn with an Exporter that reads one consistent view of the
// database: a read-only REPEATABLE READ transaction, so a task completed
// (and its next occurrence created) while an export streams is either in
// the file as it was before or as it is after, never half. It is held for
// as long as the export streams; read-only, it blocks no writer.
func (s *Store) Snapshot(ctx context.Context, fn func(ctx context.Context, ex Exporter) error) error {
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	return s.DB.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, Exporter{db: tx}) })
}

// Exporter reads what an export holds, inside Snapshot.
type Exporter struct{ db bun.IDB }

// ExportTasks returns up to limit of the user's tasks (not the deleted
// ones) with ids above afterID, in id order, with their tags: an export
// walks the table in pages this way, holding one page at a time.
func (e Exporter) ExportTasks(ctx context.Context, userID string, afterID int64, limit int) ([]Task, error) {
	tasks := []Task{}
	err := e.db.NewSelect().Model(&tasks).Where("t.user_id = ? AND t.deleted_at IS NULL AND t.id > ?", userID, afterID).
		OrderExpr("t.id ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("exporting tasks after %d: %w", afterID, err)
	}
	if err := loadTagNames(ctx, e.db, userID, tasks); err != nil {
		return nil, err
	}
	if err := loadReminders(ctx, e.db, tasks); err != nil {
		return nil, err
	}
	return tasks, nil
}

// TagNames returns the names of all the user's tags, sorted ignoring case.
func (e Exporter) TagNames(ctx context.Context, userID string) ([]string, error) {
	names := []string{}
	if err := e.db.NewSelect().Model((*Tag)(nil)).Column("name").Where("user_id = ?", userID).
		OrderExpr("lower(name), name").Scan(ctx, &names); err != nil {
		return nil, fmt.Errorf("listing tag names: %w", err)
	}
	return names, nil
}

// ExportConversations returns up to limit of the user's conversations
// with ids above afterID, in id order.
func (e Exporter) ExportConversations(ctx context.Context, userID string, afterID int64, limit int) ([]Conversation, error) {
	out := []Conversation{}
	if err := e.db.NewSelect().Model(&out).Where("user_id = ? AND id > ?", userID, afterID).
		OrderExpr("id ASC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("exporting conversations after %d: %w", afterID, err)
	}
	return out, nil
}

// Messages returns a conversation's messages, oldest first.
func (e Exporter) Messages(ctx context.Context, userID string, conversationID int64) ([]Message, error) {
	return listMessages(ctx, e.db, userID, conversationID)
}

// Importer writes one import inside one transaction (Store.Import).
type Importer struct {
	tx     bun.Tx
	userID string
	tags   map[string]int64 // lower(name) → id
	// TagsCreated counts the tags this import created.
	TagsCreated int
}

// errPreview rolls back a preview's transaction.
var errPreview = errors.New("preview: rolled back")

// Import runs fn in one transaction for the user: all of it is written or
// none. With commit false it is always rolled back, so a preview runs
// exactly the writes an import would, duplicates and all, and keeps none.
func (s *Store) Import(ctx context.Context, userID string, commit bool, fn func(ctx context.Context, im *Importer) error) error {
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		im := &Importer{tx: tx, userID: userID, tags: map[string]int64{}}
		if err := fn(ctx, im); err != nil {
			return err
		}
		if !commit {
			return errPreview
		}
		return nil
	})
	if errors.Is(err, errPreview) {
		return nil
	}
	return err
}

// OwnTasks says which of ids name tasks of this user (deleted or not).
func (im *Importer) OwnTasks(ctx context.Context, ids []int64) (map[int64]bool, error) {
	return im.own(ctx, "tasks", ids)
}

// OwnConversations says which of ids name conversations of this user.
func (im *Importer) OwnConversations(ctx context.Context, ids []int64) (map[int64]bool, error) {
	return im.own(ctx, "conversations", ids)
}

func (im *Importer) own(ctx context.Context, table string, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var found []int64
	if err := im.tx.NewSelect().Table(table).Column("id").Where("user_id = ? AND id = ANY(?)", im.userID, pgdialect.Array(ids)).
		Scan(ctx, &found); err != nil {
		return nil, fmt.Errorf("looking up existing %s: %w", table, err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// AddTags makes sure the user has tags of these names and returns their
// ids by lower-cased name.
func (im *Importer) AddTags(ctx context.Context, names []string) (map[string]int64, error) {
	var missing []string
	seen := map[string]bool{}
	for _, n := range names {
		k := strings.ToLower(n)
		if _, ok := im.tags[k]; !ok && !seen[k] {
			seen[k] = true
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		var created []int64
		if err := im.tx.NewRaw(`INSERT INTO tags (user_id, name) SELECT ?, n FROM unnest(?::text[]) AS n
			ON CONFLICT (user_id, lower(name)) DO NOTHING RETURNING id`, im.userID, pgdialect.Array(missing)).Scan(ctx, &created); err != nil {
			return nil, fmt.Errorf("creating tags: %w", err)
		}
		im.TagsCreated += len(created)
		var rows []Tag
		if err := im.tx.NewSelect().Model(&rows).Column("id", "name").
			Where("user_id = ? AND lower(name) = ANY(?)", im.userID, pgdialect.Array(lowerAll(missing))).Scan(ctx); err != nil {
			return nil, fmt.Errorf("loading tags: %w", err)
		}
		for _, r := range rows {
			im.tags[strings.ToLower(r.Name)] = r.ID
		}
	}
	return im.tags, nil
}

// AddTasks inserts the tasks of one batch whose import key the user does
// not have yet, each with its tags (tags[i] for batch[i]); the others are
// left alone. Every task must carry an ImportKey, a ProjectID and a
// Position; parents are set afterwards (SetParents), when every task of
// the file is in. It returns the keys it inserted.
func (im *Importer) AddTasks(ctx context.Context, batch []Task, tags [][]string) (map[string]bool, error) {
	if len(batch) == 0 {
		return map[string]bool{}, nil
	}
	for i := range batch {
		if batch[i].ImportKey == nil || batch[i].ProjectID == 0 || batch[i].Position == "" {
			return nil, fmt.Errorf("importing task %q: no import key, project or position", batch[i].Title)
		}
		batch[i].UserID = im.userID
	}
	var inserted []struct {
		ID        int64  `bun:"id"`
		ImportKey string `bun:"import_key"`
	}
	// A parent may come later in the file than its subtask: parents are
	// linked when the whole file is in (SetParents).
	if _, err := im.tx.NewInsert().Model(&batch).ExcludeColumn("id", "parent_id", "completed_by").
		On("CONFLICT (user_id, import_key) DO NOTHING").Returning("id, import_key").Exec(ctx, &inserted); err != nil {
		return nil, fmt.Errorf("inserting %d imported tasks: %w", len(batch), err)
	}
	ids := make(map[string]int64, len(inserted))
	keys := make(map[string]bool, len(inserted))
	for _, r := range inserted {
		ids[r.ImportKey] = r.ID
		keys[r.ImportKey] = true
	}
	// inserted2 keeps the ids for the reminders: ids is used up by the tags.
	inserted2 := maps.Clone(ids)
	var all []string
	for i := range batch {
		if _, ok := ids[*batch[i].ImportKey]; ok {
			all = append(all, tags[i]...)
		}
	}
	tagIDs, err := im.AddTags(ctx, all)
	if err != nil {
		return nil, err
	}
	var links []TaskTag
	for i := range batch {
		id, ok := ids[*batch[i].ImportKey]
		if !ok {
			continue
		}
		// A key twice in one file: the first row was inserted, the
		// second is a duplicate and gets nothing.
		delete(ids, *batch[i].ImportKey)
		linked := map[int64]bool{}
		for _, n := range tags[i] {
			if g := tagIDs[strings.ToLower(n)]; !linked[g] {
				linked[g] = true
				links = append(links, TaskTag{TaskID: id, TagID: g})
			}
		}
	}
	if len(links) > 0 {
		if _, err := im.tx.NewInsert().Model(&links).Exec(ctx); err != nil {
			return nil, fmt.Errorf("tagging imported tasks: %w", err)
		}
	}
	var reminders []Reminder
	for i := range batch {
		id, ok := inserted2[*batch[i].ImportKey]
		if !ok {
			continue
		}
		for _, r := range batch[i].Reminders {
			r.TaskID, r.UserID = id, im.userID
			reminders = append(reminders, r)
		}
	}
	if len(reminders) > 0 {
		if _, err := im.tx.NewInsert().Model(&reminders).ExcludeColumn("id").Exec(ctx); err != nil {
			return nil, fmt.Errorf("saving the reminders of imported tasks: %w", err)
		}
	}
	return keys, nil
}

// AddConversation inserts c with its messages unless the user already
// has its import key; it reports whether it did.
func (im *Importer) AddConversation(ctx context.Context, c *Conversation, msgs []Message) (bool, error) {
	if c.ImportKey == nil {
		return false, fmt.Errorf("importing conversation %q: no import key", c.Title)
	}
	c.UserID = im.userID
	var ids []int64
	if _, err := im.tx.NewInsert().Model(c).ExcludeColumn("id").
		On("CONFLICT (user_id, import_key) DO NOTHING").Returning("id").Exec(ctx, &ids); err != nil {
		return false, fmt.Errorf("inserting imported conversation: %w", err)
	}
	if len(ids) == 0 {
		return false, nil
	}
	c.ID = ids[0]
	if len(msgs) == 0 {
		return true, nil
	}
	for i := range msgs {
		msgs[i].ConversationID, msgs[i].UserID = c.ID, im.userID
	}
	if _, err := im.tx.NewInsert().Model(&msgs).ExcludeColumn("id").Exec(ctx); err != nil {
		return false, fmt.Errorf("inserting the messages of an imported conversation: %w", err)
	}
	return true, nil
}
