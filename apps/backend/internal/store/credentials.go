package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Credential kinds.
const (
	KindSession  = "session"
	KindAPIToken = "api_token"
)

// Credential is a row of credentials: a sign-in session or a personal API
// token (stored as its hash).
type Credential struct {
	bun.BaseModel `bun:"table:credentials,alias:cr"`

	ID         string     `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	UserID     string     `bun:"user_id,type:uuid,notnull"`
	Kind       string     `bun:"kind,notnull"`
	Name       string     `bun:"name,notnull"`
	Scope      string     `bun:"scope,notnull"`
	TokenHash  []byte     `bun:"token_hash"`
	CreatedAt  time.Time  `bun:"created_at,notnull,default:now()"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	ExpiresAt  *time.Time `bun:"expires_at"`
}

// CreateCredential inserts c and fills its id and created_at. Expired
// sessions of the same user are dropped on the way, so the table holds
// only what can still be used.
func (s *Store) CreateCredential(ctx context.Context, c *Credential) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Credential)(nil)).
			Where("user_id = ? AND expires_at < now()", c.UserID).Exec(ctx); err != nil {
			return fmt.Errorf("dropping expired credentials: %w", err)
		}
		if _, err := tx.NewInsert().Model(c).Returning("id, created_at").Exec(ctx); err != nil {
			return fmt.Errorf("inserting a %s: %w", c.Kind, err)
		}
		return nil
	})
}

// SessionOpen reports whether session id of user is open (not signed out,
// not expired). One primary-key lookup: it runs on every request.
func (s *Store) SessionOpen(ctx context.Context, id, userID string) (bool, error) {
	ok, err := s.DB.NewSelect().Model((*Credential)(nil)).
		Where("id = ? AND user_id = ? AND kind = ? AND expires_at > now()", id, userID, KindSession).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("checking session: %w", err)
	}
	return ok, nil
}

// APITokenByHash finds a usable API token by its hash.
func (s *Store) APITokenByHash(ctx context.Context, hash []byte) (Credential, error) {
	var c Credential
	err := s.DB.NewSelect().Model(&c).
		Where("token_hash = ? AND kind = ? AND (expires_at IS NULL OR expires_at > now())", hash, KindAPIToken).Scan(ctx)
	if err != nil {
		return c, fmt.Errorf("finding API token: %w", notFound(err))
	}
	return c, nil
}

// TouchCredential records that a credential was used, at most once a
// minute (a write per request would cost more than the request).
func (s *Store) TouchCredential(ctx context.Context, id string) error {
	_, err := s.DB.NewUpdate().Model((*Credential)(nil)).Set("last_used_at = now()").
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("recording use of credential %s: %w", id, err)
	}
	return nil
}

// Credentials lists a user's credentials of kind, newest first.
func (s *Store) Credentials(ctx context.Context, userID, kind string) ([]Credential, error) {
	var cs []Credential
	err := s.DB.NewSelect().Model(&cs).
		Where("user_id = ? AND kind = ? AND (expires_at IS NULL OR expires_at > now())", userID, kind).
		Order("created_at DESC", "id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing %ss: %w", kind, err)
	}
	return cs, nil
}

// DeleteCredential revokes one of a user's credentials of kind; false
// when there was none.
func (s *Store) DeleteCredential(ctx context.Context, userID, kind, id string) (bool, error) {
	res, err := s.DB.NewDelete().Model((*Credential)(nil)).
		Where("id = ? AND user_id = ? AND kind = ?", id, userID, kind).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("revoking %s %s: %w", kind, id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Revocation is what ends with a person's sessions besides them.
type Revocation struct {
	// APITokens: every personal API token.
	APITokens bool
	// FeedToken, when not empty and the calendar feed is on, replaces its
	// token (the old address stops at once).
	FeedToken string
}

// Revoked counts what ended.
type Revoked struct {
	Sessions, APITokens int
	FeedRotated         bool
}

// EndAccess revokes every session of a user but keep ("" for none) and
// what r names, in one transaction.
func (s *Store) EndAccess(ctx context.Context, userID, keep string, r Revocation) (Revoked, error) {
	var out Revoked
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = endAccess(ctx, tx, userID, keep, r)
		return err
	})
	return out, err
}

func endAccess(ctx context.Context, db bun.IDB, userID, keep string, r Revocation) (Revoked, error) {
	var out Revoked
	kinds := []string{KindSession}
	if r.APITokens {
		kinds = append(kinds, KindAPIToken)
	}
	var rows []struct {
		Kind string `bun:"kind"`
	}
	q := db.NewDelete().Model((*Credential)(nil)).Where("user_id = ? AND kind IN (?)", userID, bun.List(kinds))
	if keep != "" {
		q = q.Where("id <> ?", keep)
	}
	if err := q.Returning("kind").Scan(ctx, &rows); err != nil {
		return out, fmt.Errorf("revoking sessions and tokens: %w", err)
	}
	for _, row := range rows {
		if row.Kind == KindSession {
			out.Sessions++
		} else {
			out.APITokens++
		}
	}
	if r.FeedToken != "" {
		res, err := db.NewUpdate().Model((*CalendarFeed)(nil)).Set("token = ?", r.FeedToken).Set("created_at = now()").
			Where("user_id = ?", userID).Exec(ctx)
		if err != nil {
			return out, fmt.Errorf("giving the calendar feed a new address: %w", err)
		}
		n, _ := res.RowsAffected()
		out.FeedRotated = n > 0
	}
	return out, nil
}

// SetPasswordHash replaces a user's password hash and revokes every one of
// their sessions and what r names, in one transaction: a changed password
// must not leave an old session open.
func (s *Store) SetPasswordHash(ctx context.Context, userID, hash string, r Revocation) (Revoked, error) {
	var out Revoked
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*User)(nil)).Set("password_hash = ?", hash).Where("id = ?", userID).Exec(ctx); err != nil {
			return fmt.Errorf("setting password: %w", err)
		}
		var err error
		out, err = endAccess(ctx, tx, userID, "", r)
		return err
	})
	return out, err
}
