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
	// ProjectID scopes the feed to one project; nil: every project.
	ProjectID *int64 `bun:"project_id"`
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
	_, err := s.DB.NewInsert().Model(&f).ExcludeColumn("project_id").On("CONFLICT (user_id) DO UPDATE").
		Set("token = EXCLUDED.token, created_at = now()").Returning("created_at, project_id").Exec(ctx)
	if err != nil {
		return f, fmt.Errorf("saving the calendar feed: %w", err)
	}
	return f, nil
}

// ScopeCalendarFeed makes the user's feed one project's (nil: every
// project's), keeping its address; ErrNotFound when the feed is off. The
// caller has checked that the project is theirs (the foreign key holds
// it too).
func (s *Store) ScopeCalendarFeed(ctx context.Context, userID string, projectID *int64) (CalendarFeed, error) {
	var f CalendarFeed
	err := s.DB.NewRaw(`UPDATE calendar_feeds SET project_id = ? WHERE user_id = ? RETURNING *`, projectID, userID).Scan(ctx, &f)
	if err != nil {
		return f, fmt.Errorf("scoping the calendar feed: %w", notFound(err))
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

// FeedOwner returns the user whose feed token is token, and the project
// the feed is scoped to (nil: every project).
func (s *Store) FeedOwner(ctx context.Context, token string) (User, *int64, error) {
	var row struct {
		User      `bun:",extend"`
		ProjectID *int64 `bun:"feed_project_id"`
	}
	err := s.DB.NewRaw(`SELECT u.*, f.project_id AS feed_project_id FROM users AS u
		JOIN calendar_feeds AS f ON f.user_id = u.id WHERE f.token = ?`, token).Scan(ctx, &row)
	if errors.Is(notFound(err), ErrNotFound) {
		return User{}, nil, ErrNotFound
	}
	if err != nil {
		return User{}, nil, fmt.Errorf("finding the feed's owner: %w", err)
	}
	return row.User, row.ProjectID, nil
}

// FeedTasks returns up to limit of the user's open tasks that have a due
// time, of one project (project not nil) or of all, outside archived
// projects, soonest first, with tags and reminders.
func (s *Store) FeedTasks(ctx context.Context, userID string, project *int64, limit int) ([]Task, error) {
	tasks := []Task{}
	q := s.DB.NewSelect().Model(&tasks).ColumnExpr("?TableColumns").ColumnExpr("t.uid").
		Where("t.user_id = ? AND t.deleted_at IS NULL AND NOT t.completed AND t.due_at IS NOT NULL", userID).
		Where(notArchived, userID)
	if project != nil {
		q.Where("t.project_id = ?", *project)
	}
	err := q.OrderExpr("t.due_at, t.id").Limit(int64(limit)).Scan(ctx)
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
