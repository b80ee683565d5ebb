package store

import (
	"context"
	"fmt"
)

// ListTags returns the user's tags with task counts, alphabetically.
func (s *Store) ListTags(ctx context.Context, userID string) ([]TagCount, error) {
	out := []TagCount{}
	err := s.DB.NewRaw(`SELECT g.id, g.name, count(t.id) AS task_count,
			count(t.id) FILTER (WHERE NOT t.completed) AS open_count
		FROM tags g
		LEFT JOIN task_tags tt ON tt.tag_id = g.id
		LEFT JOIN tasks t ON t.id = tt.task_id AND t.deleted_at IS NULL
		WHERE g.user_id = ?
		GROUP BY g.id
		ORDER BY lower(g.name)`, userID).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("listing tags: %w", err)
	}
	return out, nil
}

// DeleteTag removes one of the user's tags from every task and deletes it.
func (s *Store) DeleteTag(ctx context.Context, userID string, id int64) error {
	res, err := s.DB.NewDelete().Model((*Tag)(nil)).Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("deleting tag %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting tag %d: %w", id, ErrNotFound)
	}
	return nil
}
