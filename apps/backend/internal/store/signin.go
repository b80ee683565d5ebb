package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Sign-in back-off, per account and client address: after
// FreeSignInFailures failures in a row from one address, that address
// waits 1 s, 2 s, 4 s … up to MaxSignInBackoff before its next attempt on
// the account. An account with AccountUnderAttack failures or more in the
// last day (from all addresses together) gives each address only
// AttackedFreeFailures before its wait, which slows a guesser spread over
// many addresses without holding back an address that has not failed. A
// success clears that address's count; a day without failures clears any.
const (
	FreeSignInFailures   = 5
	AttackedFreeFailures = 1
	AccountUnderAttack   = 20
	MaxSignInBackoff     = 15 * time.Minute
)

// SignInLockedUntil is when client may next try to sign in to the
// account (zero: now).
func (s *Store) SignInLockedUntil(ctx context.Context, email, client string, now time.Time) (time.Time, error) {
	var until []time.Time
	err := s.DB.NewRaw(`SELECT locked_until FROM sign_in_failures WHERE email = ? AND client = ? AND locked_until > ?`,
		strings.ToLower(email), client, now).Scan(ctx, &until)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading sign-in failures: %w", err)
	}
	if len(until) == 0 {
		return time.Time{}, nil
	}
	return until[0], nil
}

// RecordSignInFailure counts a failed sign-in of client on the account
// and sets its back-off. Rows untouched for a day are dropped on the way
// (the index makes it cheap); the clock is the caller's, so that tests
// can move it.
func (s *Store) RecordSignInFailure(ctx context.Context, email, client string, now time.Time) error {
	_, err := s.DB.ExecContext(ctx, `
WITH gone AS (
  DELETE FROM sign_in_failures
  WHERE last_failed_at < ?0::timestamptz - interval '1 day' AND NOT (email = ?1 AND client = ?2)
), account AS (
  SELECT coalesce(sum(failures), 0) AS failures FROM sign_in_failures
  WHERE email = ?1 AND last_failed_at >= ?0::timestamptz - interval '1 day'
), free AS (
  SELECT CASE WHEN account.failures + 1 >= ?3 THEN ?4 ELSE ?5 END AS n FROM account
)
INSERT INTO sign_in_failures AS f (email, client, failures, last_failed_at, locked_until)
SELECT ?1, ?2, 1, ?0::timestamptz, CASE WHEN 1 > free.n THEN ?0::timestamptz + interval '1 second' END FROM free
ON CONFLICT (email, client) DO UPDATE SET
  failures = CASE WHEN f.last_failed_at < ?0::timestamptz - interval '1 day' THEN 1 ELSE f.failures + 1 END,
  last_failed_at = ?0::timestamptz,
  locked_until = (SELECT CASE
    WHEN f.last_failed_at < ?0::timestamptz - interval '1 day' OR f.failures + 1 <= free.n THEN NULL
    ELSE ?0::timestamptz + least(interval '1 second' * power(2, least(f.failures + 1 - free.n - 1, 20)), ?6 * interval '1 second')
    END FROM free)`,
		now, strings.ToLower(email), client, AccountUnderAttack, AttackedFreeFailures, FreeSignInFailures, int(MaxSignInBackoff.Seconds()))
	if err != nil {
		return fmt.Errorf("recording a failed sign-in: %w", err)
	}
	return nil
}

// ClearSignInFailures forgets client's failures on the account after its
// success. Other addresses' waits stay: a success elsewhere says nothing
// about them.
func (s *Store) ClearSignInFailures(ctx context.Context, email, client string) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE email = ? AND client = ?`, strings.ToLower(email), client); err != nil {
		return fmt.Errorf("clearing sign-in failures: %w", err)
	}
	return nil
}
