package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// CalendarFeed is a row of calendar_feeds.
type CalendarFeed struct {
	bun.BaseModel `bun:"table:calendar_feeds"`

	UserID    string    `bun:"user_id,pk,type:uuid"`
	Token     string    `bun:"token,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull,default:now()"`
}

// CalendarFeedOf returns the user's feed; ErrNotFound when it is off.
func (s *Store) CalendarFeedOf(ctx context.Context, userID string) (CalendarFeed, error) {
	var f CalendarFeed
	err := s.DB.NewSelect().Model(&f).Where("user_id = ?", userID).Scan(ctx)
	if err != nil {
		return f, fmt.Errorf("loading the calendar feed: %w", notFound(err))
	}
	return f, nil
}

// SetCalendarFeed turns the user's feed on with token, replacing any
// older token (which stops working at once).
func (s *Store) SetCalendarFeed(ctx context.Context, userID, token string) (CalendarFeed, error) {
	f := CalendarFeed{UserID: userID, Token: token}
	_, err := s.DB.NewInsert().Model(&f).On("CONFLICT (user_id) DO UPDATE").
		Set("token = EXCLUDED.token, created_at = now()").Returning("created_at").Exec(ctx)
	if err != nil {
		return f, fmt.Errorf("saving the calendar feed: %w", err)
	}
	return f, nil
}

// DeleteCalendarFeed turns the user's feed off.
func (s *Store) DeleteCalendarFeed(ctx context.Context, userID string) error {
	if _, err := s.DB.NewDelete().Model((*CalendarFeed)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("deleting the calendar feed: %w", err)
	}
	return nil
}

// FeedOwner returns the user whose feed token is token.
func (s *Store) FeedOwner(ctx context.Context, token string) (User, error) {
	var u User
	err := s.DB.NewSelect().Model(&u).
		Where("id = (SELECT user_id FROM calendar_feeds WHERE token = ?)", token).Scan(ctx)
	if errors.Is(notFound(err), ErrNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("finding the feed's owner: %w", err)
	}
	return u, nil
}

// FeedTasks returns up to limit of the user's open tasks that have a due
// time, outside archived projects, soonest first, with tags and reminders.
func (s *Store) FeedTasks(ctx context.Context, userID string, limit int) ([]Task, error) {
	tasks := []Task{}
	err := s.DB.NewSelect().Model(&tasks).ColumnExpr("?TableColumns").ColumnExpr("t.uid").
		Where("t.user_id = ? AND t.deleted_at IS NULL AND NOT t.completed AND t.due_at IS NOT NULL", userID).
		Where(notArchived, userID).
		OrderExpr("t.due_at, t.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the feed's tasks: %w", err)
	}
	if err := loadTagNames(ctx, s.DB, userID, tasks); err != nil {
		return nil, err
	}
	if err := loadReminders(ctx, s.DB, tasks); err != nil {
		return nil, err
	}
	return tasks, nil
}
