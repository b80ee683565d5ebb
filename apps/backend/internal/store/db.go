// Package store is the backend's PostgreSQL storage: bun models, the
// embedded migrations and the queries. It knows nothing about HTTP.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockKey is the advisory lock that serialises migrators, so
// replicas starting together take turns instead of colliding.
const migrationLockKey int64 = 0x746f646f617070 // "todoapp"

// Store wraps the bun database handle.
type Store struct {
	DB *bun.DB
}

// PoolOptions sizes the connection pool.
type PoolOptions struct {
	MaxOpen int
	MaxIdle int
	// ConnectTimeout is how long Open waits for the database to answer.
	ConnectTimeout time.Duration
	// StatementTimeout is PostgreSQL's statement_timeout on every
	// connection (0: the server's, none by default); a statement over it is
	// cancelled and reported as ErrTooSlow.
	StatementTimeout time.Duration
	// Quotas are the limits per person the database enforces (zero: the
	// migration's defaults).
	Quotas Quotas
}

// Quotas are the limits per person: tasks (not deleted), tags,
// conversations, and messages per conversation. A write past one fails
// with ErrQuota.
type Quotas struct {
	Tasks, Tags, Conversations, Messages int
}

// settings are the quotas as the connection settings the database's
// triggers read (todo.max_tasks …), the unset ones left out.
func (q Quotas) settings() map[string]int {
	out := map[string]int{}
	for name, n := range map[string]int{"todo.max_tasks": q.Tasks, "todo.max_tags": q.Tags,
		"todo.max_conversations": q.Conversations, "todo.max_messages": q.Messages} {
		if n > 0 {
			out[name] = n
		}
	}
	return out
}

// Open connects to dsn and checks that the database answers.
func Open(ctx context.Context, dsn string, pool PoolOptions) (*Store, error) {
	if pool.ConnectTimeout <= 0 {
		pool.ConnectTimeout = 10 * time.Second
	}
	pgcfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("reading DATABASE_URL: %w", err)
	}
	// bun writes the arguments into the SQL text, so every query is new to
	// pgx: its default per-connection cache of prepared statements only
	// filled memory (70 % of the live heap under load, see
	// docs/benchmarks.md) and the server. The simple protocol sends the
	// finished SQL in one round trip.
	pgcfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	if pool.StatementTimeout > 0 {
		pgcfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(pool.StatementTimeout.Milliseconds(), 10)
	}
	for name, n := range pool.Quotas.settings() {
		pgcfg.RuntimeParams[name] = strconv.Itoa(n)
	}
	sqldb := stdlib.OpenDB(*pgcfg)
	if pool.MaxOpen > 0 {
		sqldb.SetMaxOpenConns(pool.MaxOpen)
	}
	if pool.MaxIdle > 0 {
		sqldb.SetMaxIdleConns(pool.MaxIdle)
	}
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := bun.NewDB(sqldb, Dialect())
	// In a cluster the database may start after us: keep trying for a
	// while instead of crash-looping.
	pingCtx, cancel := context.WithTimeout(ctx, pool.ConnectTimeout)
	defer cancel()
	for {
		err = db.PingContext(pingCtx)
		if err == nil {
			return &Store{DB: db}, nil
		}
		select {
		case <-pingCtx.Done():
			_ = db.Close()
			return nil, fmt.Errorf("connecting to database (gave up after %s): %w", pool.ConnectTimeout, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Close releases the pool.
func (s *Store) Close() error { return s.DB.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// Migrate applies pending migrations under an advisory lock and returns
// the names of those it applied (none when up to date). A migration that
// changes rows by inference reports what it changed to log.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) ([]string, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: getting a connection: %w", err)
	}
	defer conn.Close()
	// Asked again each half second rather than waited for in one
	// statement: a waiting statement holds a snapshot, and CREATE INDEX
	// CONCURRENTLY (in the holder's migrations) waits for every older
	// snapshot — the waiters would wait on the holder and the holder on
	// them.
	for {
		var got bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(?)", migrationLockKey).Scan(&got); err != nil {
			return nil, fmt.Errorf("migrate: taking the lock: %w", err)
		}
		if got {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("migrate: waiting for another migrator: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey)
	}()

	migrations := migrate.NewMigrations()
	if err := migrations.Discover(migrationFiles); err != nil {
		return nil, fmt.Errorf("migrate: reading embedded migrations: %w", err)
	}
	migrations.Add(allDayMigration(log))
	m := migrate.NewMigrator(s.DB, migrations, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrate: creating bookkeeping tables: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	names := make([]string, 0, len(group.Migrations))
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	return names, nil
}

// IsUniqueViolation reports a unique-constraint failure, optionally on a
// named constraint or index.
func IsUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return false
	}
	return constraint == "" || pgErr.ConstraintName == constraint
}

// ErrNotFound is returned when a row does not exist for this user.
var ErrNotFound = errors.New("not found")

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// Dialect is PostgreSQL's with the store's join model registered: the
// store's tables as bun sees them, with or without a connection.
func Dialect() *pgdialect.Dialect {
	d := pgdialect.New()
	d.Tables().Register((*TaskTag)(nil))
	return d
}
