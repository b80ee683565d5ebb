package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// ListConversations returns the user's conversations, latest activity first.
func (s *Store) ListConversations(ctx context.Context, userID string, limit int) ([]Conversation, error) {
	out := []Conversation{}
	err := s.DB.NewSelect().Model(&out).Where("user_id = ?", userID).
		OrderExpr("updated_at DESC, id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing conversations: %w", err)
	}
	return out, nil
}

// CreateConversation inserts c.
func (s *Store) CreateConversation(ctx context.Context, c *Conversation) error {
	if _, err := s.DB.NewInsert().Model(c).ExcludeColumn("id").Returning("id, created_at, updated_at").Exec(ctx); err != nil {
		return fmt.Errorf("inserting conversation: %w", err)
	}
	return nil
}

// GetConversation loads one of the user's conversations.
func (s *Store) GetConversation(ctx context.Context, userID string, id int64) (Conversation, error) {
	var c Conversation
	if err := s.DB.NewSelect().Model(&c).Where("id = ? AND user_id = ?", id, userID).Scan(ctx); err != nil {
		return c, fmt.Errorf("loading conversation %d: %w", id, notFound(err))
	}
	return c, nil
}

// DeleteConversation removes a conversation and, by cascade, its messages.
func (s *Store) DeleteConversation(ctx context.Context, userID string, id int64) error {
	res, err := s.DB.NewDelete().Model((*Conversation)(nil)).Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("deleting conversation %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting conversation %d: %w", id, ErrNotFound)
	}
	return nil
}

// ListMessages returns a conversation's messages, oldest first.
func (s *Store) ListMessages(ctx context.Context, userID string, conversationID int64) ([]Message, error) {
	return listMessages(ctx, s.DB, userID, conversationID)
}

func listMessages(ctx context.Context, db bun.IDB, userID string, conversationID int64) ([]Message, error) {
	out := []Message{}
	err := db.NewSelect().Model(&out).Where("conversation_id = ? AND user_id = ?", conversationID, userID).
		OrderExpr("id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing messages of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// AddMessage appends m to a conversation of its user, bumps the
// conversation's activity time and, when it has no title yet, names it
// after the first user message.
func (s *Store) AddMessage(ctx context.Context, m *Message, titleIfEmpty string) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Conversation)(nil)).
			Set("updated_at = now()").
			Set("title = CASE WHEN title = '' THEN ? ELSE title END", titleIfEmpty).
			Where("id = ? AND user_id = ?", m.ConversationID, m.UserID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("touching conversation %d: %w", m.ConversationID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("conversation %d: %w", m.ConversationID, ErrNotFound)
		}
		if _, err := tx.NewInsert().Model(m).ExcludeColumn("id").Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("inserting message: %w", err)
		}
		return nil
	})
}
