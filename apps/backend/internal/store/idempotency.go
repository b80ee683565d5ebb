package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// IdempotencyKey is a row of idempotency_keys: a change a client may send
// again, and the answer it got.
type IdempotencyKey struct {
	bun.BaseModel `bun:"table:idempotency_keys"`

	UserID      string    `bun:"user_id,pk,type:uuid"`
	Key         string    `bun:"key,pk"`
	Fingerprint []byte    `bun:"fingerprint,notnull"`
	Status      *int      `bun:"status"`
	ContentType string    `bun:"content_type,notnull"`
	Body        []byte    `bun:"body"`
	CreatedAt   time.Time `bun:"created_at,notnull,default:now()"`
}

// Idempotency keys are kept IdempotencyKeyTTL; a claim whose request has
// not answered within IdempotencyClaimTTL (its process died) may be
// taken over. The claim's limit is past every request timeout.
const (
	IdempotencyKeyTTL   = 24 * time.Hour
	IdempotencyClaimTTL = time.Minute
)

// ClaimIdempotencyKey records that the request with fingerprint is being
// answered under key. It returns claimed true when this request is the
// first (or the earlier one expired or died); otherwise the existing row,
// whose Status is nil while the first request still runs.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID, key string, fingerprint []byte) (bool, IdempotencyKey, error) {
	row := IdempotencyKey{UserID: userID, Key: key, Fingerprint: fingerprint}
	res, err := s.DB.NewInsert().Model(&row).
		On("CONFLICT (user_id, key) DO UPDATE").
		Set("fingerprint = EXCLUDED.fingerprint, status = NULL, content_type = '', body = NULL, created_at = now()").
		Where("idempotency_key.created_at < now() - ?::interval OR (idempotency_key.status IS NULL AND idempotency_key.created_at < now() - ?::interval)",
			interval(IdempotencyKeyTTL), interval(IdempotencyClaimTTL)).
		Exec(ctx)
	if err != nil {
		return false, row, fmt.Errorf("claiming idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, row, nil
	}
	var existing IdempotencyKey
	err = s.DB.NewSelect().Model(&existing).Where("user_id = ? AND key = ?", userID, key).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		// Purged between the two statements: claim it again.
		return s.ClaimIdempotencyKey(ctx, userID, key, fingerprint)
	}
	if err != nil {
		return false, existing, fmt.Errorf("loading idempotency key: %w", err)
	}
	return false, existing, nil
}

// FinishIdempotencyKey keeps the answer to the claimed request.
func (s *Store) FinishIdempotencyKey(ctx context.Context, userID, key string, status int, contentType string, body []byte) error {
	_, err := s.DB.NewUpdate().Model((*IdempotencyKey)(nil)).
		Set("status = ?, content_type = ?, body = ?", status, contentType, body).
		Where("user_id = ? AND key = ?", userID, key).Exec(ctx)
	if err != nil {
		return fmt.Errorf("saving the answer of idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claim whose request failed on our side,
// so that sending it again tries again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	_, err := s.DB.NewDelete().Model((*IdempotencyKey)(nil)).
		Where("user_id = ? AND key = ? AND status IS NULL", userID, key).Exec(ctx)
	if err != nil {
		return fmt.Errorf("releasing idempotency key: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys deletes keys past IdempotencyKeyTTL.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) (int, error) {
	res, err := s.DB.NewDelete().Model((*IdempotencyKey)(nil)).
		Where("created_at < now() - ?::interval", interval(IdempotencyKeyTTL)).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purging idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// interval spells d for PostgreSQL.
func interval(d time.Duration) string { return fmt.Sprintf("%d seconds", int64(d/time.Second)) }
