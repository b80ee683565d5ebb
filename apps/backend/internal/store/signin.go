package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Sign-in back-off: after FreeSignInFailures failures in a row, each
// further attempt on the account waits 1 s, 2 s, 4 s … up to
// MaxSignInBackoff. A success, or a day without failures, starts afresh.
const (
	FreeSignInFailures = 5
	MaxSignInBackoff   = 15 * time.Minute
)

// SignInLockedUntil is when the account may next try to sign in (zero:
// now).
func (s *Store) SignInLockedUntil(ctx context.Context, email string) (time.Time, error) {
	var until []time.Time
	err := s.DB.NewRaw(`SELECT locked_until FROM sign_in_failures WHERE email = ? AND locked_until > now()`,
		strings.ToLower(email)).Scan(ctx, &until)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading sign-in failures: %w", err)
	}
	if len(until) == 0 {
		return time.Time{}, nil
	}
	return until[0], nil
}

// RecordSignInFailure counts a failed sign-in and sets the back-off. Rows
// untouched for a day are dropped on the way (the index makes it cheap).
func (s *Store) RecordSignInFailure(ctx context.Context, email string) error {
	_, err := s.DB.ExecContext(ctx, `
WITH gone AS (DELETE FROM sign_in_failures WHERE last_failed_at < now() - interval '1 day')
INSERT INTO sign_in_failures AS f (email, failures, last_failed_at, locked_until)
VALUES (?, 1, now(), NULL)
ON CONFLICT (email) DO UPDATE SET
  failures = f.failures + 1,
  last_failed_at = now(),
  locked_until = CASE WHEN f.failures + 1 > ?
    THEN now() + least(interval '1 second' * power(2, least(f.failures + 1 - ? - 1, 20)), ? * interval '1 second')
    ELSE NULL END`,
		strings.ToLower(email), FreeSignInFailures, FreeSignInFailures, int(MaxSignInBackoff.Seconds()))
	if err != nil {
		return fmt.Errorf("recording a failed sign-in: %w", err)
	}
	return nil
}

// ClearSignInFailures forgets an account's failures after a success.
func (s *Store) ClearSignInFailures(ctx context.Context, email string) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE email = ?`, strings.ToLower(email)); err != nil {
		return fmt.Errorf("clearing sign-in failures: %w", err)
	}
	return nil
}
