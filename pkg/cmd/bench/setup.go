package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/testkit/pgtest"
	"github.com/todo-app/todo-app/pkg/testkit/stacktest"
)

// benchDatabase is a fresh PostgreSQL with one database, migrated by the
// backend's own first start (as a rolling update would), open for seeding.
type benchDatabase struct {
	pg  *pgtest.Server
	DSN string
	DB  *sql.DB
}

// startDatabase starts PostgreSQL, creates database name and migrates it
// with backendBin; env is the backend's environment and gets DATABASE_URL.
func startDatabase(ctx context.Context, name, backendBin string, env map[string]string) (*benchDatabase, error) {
	pg, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		return nil, err
	}
	b := &benchDatabase{pg: pg}
	if b.DSN, err = pg.CreateNamedDatabase(ctx, name); err != nil {
		return nil, errors.Join(err, b.Close())
	}
	env["DATABASE_URL"] = b.DSN
	first, err := stacktest.Launch(backendBin, env)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("migrating the bench database: %w", err), b.Close())
	}
	if err := first.Stop(); err != nil {
		return nil, errors.Join(err, b.Close())
	}
	if b.DB, err = sql.Open("pgx", b.DSN); err != nil {
		return nil, errors.Join(err, b.Close())
	}
	return b, nil
}

// Close closes the connection and stops PostgreSQL.
func (b *benchDatabase) Close() error {
	var err error
	if b.DB != nil {
		err = b.DB.Close()
	}
	return errors.Join(err, b.pg.Stop())
}

// openSession opens a session for the user, as sign-in does (the backend
// checks the row on every request), and returns its token.
func openSession(ctx context.Context, db *sql.DB, tokens *auth.Tokens, userID string) (string, error) {
	var session string
	if err := db.QueryRowContext(ctx, `INSERT INTO credentials (user_id, kind, expires_at) VALUES ($1, 'session', now() + interval '1 day') RETURNING id`, userID).Scan(&session); err != nil {
		return "", fmt.Errorf("opening a session for %s: %w", userID, err)
	}
	tok, _, err := tokens.Issue(auth.Claims{UserID: userID, SessionID: session})
	return tok, err
}
