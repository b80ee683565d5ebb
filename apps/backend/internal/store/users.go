package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// EmailConstraint is the unique index that keeps emails unique regardless of case.
const EmailConstraint = "users_email_lower_key"

// CreateUser inserts u and fills its id and created_at.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	if _, err := s.DB.NewInsert().Model(u).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("inserting user: %w", err)
	}
	return nil
}

// UserByEmail finds a user by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.DB.NewSelect().Model(&u).Where("lower(email) = lower(?)", email).Limit(1).Scan(ctx)
	if err != nil {
		return u, fmt.Errorf("finding user by email: %w", notFound(err))
	}
	return u, nil
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	var u User
	err := s.DB.NewSelect().Model(&u).Where("id = ?", id).Scan(ctx)
	if err != nil {
		return u, fmt.Errorf("finding user %s: %w", id, notFound(err))
	}
	return u, nil
}

// SeeBrowserZone records that a browser in zone was in use at at: the
// user's zone becomes it when automatic, in one statement, so that a
// choice saved meanwhile in Settings is never overwritten (a chosen zone
// wins). The same zone seen since fresh is not written again (a report
// costs no write then). seen says whether the row was updated.
//
// When the zone changes, the instants of the user's all-day dates follow
// it in the same transaction (followZone).
func (s *Store) SeeBrowserZone(ctx context.Context, id, zone string, at, fresh time.Time) (seen bool, err error) {
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("time_zone = ?", zone).Set("time_zone_seen_at = ?", at).
			Where("id = ?", id).Where("time_zone_auto").
			Where("(time_zone <> ? OR time_zone_seen_at IS NULL OR time_zone_seen_at < ?)", zone, fresh).Exec(ctx)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if seen = n > 0; !seen {
			return nil
		}
		return followZone(ctx, tx, id, zone)
	})
	if err != nil {
		return false, fmt.Errorf("recording the browser's time zone of user %s: %w", id, err)
	}
	return seen, nil
}

// SetPreferences stores the user's time zone (and whether it follows the
// browser) and default reminder. A chosen zone (zoneAuto false) forgets
// when a browser last reported one.
// The instants of the user's all-day dates follow the zone
// (followZone), in the same transaction.
func (s *Store) SetPreferences(ctx context.Context, id, zone string, zoneAuto bool, defaultReminder *int) error {
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("time_zone = ?", zone).Set("time_zone_auto = ?", zoneAuto).
			Set("time_zone_seen_at = CASE WHEN ? THEN time_zone_seen_at END", zoneAuto).
			Set("default_reminder_minutes = ?", defaultReminder).Where("id = ?", id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return followZone(ctx, tx, id, zone)
	})
	if err != nil {
		return fmt.Errorf("saving the preferences of user %s: %w", id, err)
	}
	return nil
}

// UserTimeZone is the user's IANA time zone name.
func (s *Store) UserTimeZone(ctx context.Context, id string) (string, error) {
	var zone string
	err := s.DB.NewSelect().Model((*User)(nil)).Column("time_zone").Where("id = ?", id).Scan(ctx, &zone)
	if err != nil {
		return "", fmt.Errorf("reading the time zone of user %s: %w", id, notFound(err))
	}
	return zone, nil
}

// PersonZone is the user's zone name, read in tx and held (FOR SHARE)
// until it ends: SeeBrowserZone and SetPreferences, which move the
// instants of the user's all-day dates, wait for it.
func (tx Tx) PersonZone(ctx context.Context, id string) (string, error) {
	var zone string
	err := tx.db.NewSelect().Model((*User)(nil)).Column("time_zone").Where("id = ?", id).For("SHARE").Scan(ctx, &zone)
	if err != nil {
		return "", fmt.Errorf("reading the time zone of user %s: %w", id, notFound(err))
	}
	return zone, nil
}
