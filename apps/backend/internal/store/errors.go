package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable means the database cannot answer now: it is down,
// restarting, refusing connections or out of disk. The request may succeed
// if repeated later; nothing was written.
var ErrUnavailable = errors.New("the database is unavailable")

// ErrTooSlow means a statement ran longer than the app's statement
// timeout and was cancelled: nothing it would have written was written.
var ErrTooSlow = errors.New("the request took longer than the database allows")

// ErrQuota is a write past one of the person's quotas (Quotas); nothing
// was written. Use errors.As with *QuotaError for which and how many.
var ErrQuota = errors.New("over the quota")

// QuotaError says which quota a write went past.
type QuotaError struct {
	// What is "tasks", "tags", "conversations", "messages", "projects"
	// or "sections".
	What  string
	Limit int
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("over the quota of %d %s", e.Limit, e.What)
}

// Message says which quota a write went past and what to do, as every
// door tells the person (REST, MCP, an import's report).
func (q *QuotaError) Message() string {
	switch q.What {
	case "tasks":
		return fmt.Sprintf("you have %d tasks, the most one person can keep here (MAX_TASKS): delete some (deleted tasks stop counting at once); nothing was written", q.Limit)
	case "tags":
		return fmt.Sprintf("you have %d tags, the most one person can keep here (MAX_TAGS): delete unused tags in Tags; nothing was written", q.Limit)
	case "conversations":
		return fmt.Sprintf("you have %d conversations, the most one person can keep here (MAX_CONVERSATIONS): delete old ones; nothing was written", q.Limit)
	case "projects":
		return fmt.Sprintf("you have %d projects, the most one person can keep here: archive and delete old ones; nothing was written", q.Limit)
	case "sections":
		return fmt.Sprintf("this project has %d sections, the most one can: nothing was written", q.Limit)
	case "messages":
		return fmt.Sprintf("this conversation holds %d messages, the most one can (MAX_MESSAGES): start a new one; nothing was written", q.Limit)
	}
	return fmt.Sprintf("over a quota of %d %s; nothing was written", q.Limit, q.What)
}

// Is makes errors.Is(err, ErrQuota) hold.
func (e *QuotaError) Is(target error) bool { return target == ErrQuota }

// ErrUnknownUser means a write named a user the database does not have (a
// valid token from before a restore or a switch to another database).
var ErrUnknownUser = errors.New("unknown user")

// Classify returns ErrUnavailable or ErrUnknownUser (wrapping err) when err
// is one of those conditions, and err unchanged otherwise. The REST and MCP
// doors call it to answer 503 or 401 instead of a 500.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "23503" && strings.HasSuffix(pgErr.ConstraintName, "_user_id_fkey"):
			return errors.Join(ErrUnknownUser, err)
		case pgErr.Code == "40P01", pgErr.Code == "40001":
			// A deadlock or serialization failure: PostgreSQL rolled the
			// transaction back; the same request again will go through.
			return errors.Join(ErrUnavailable, err)
		case pgErr.Code == "57014": // query_canceled: statement_timeout
			return errors.Join(ErrTooSlow, err)
		case pgErr.Code == "TD001": // our quota triggers
			limit, _ := strconv.Atoi(pgErr.Hint)
			return errors.Join(&QuotaError{What: pgErr.Detail, Limit: limit}, err)
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			strings.HasPrefix(pgErr.Code, "53"),                                 // insufficient resources: disk full, out of memory, too many connections
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, crashed, starting up
			pgErr.Code == "58030": // I/O error
			return errors.Join(ErrUnavailable, err)
		}
		return err
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		pgconn.Timeout(err) && !errors.Is(err, context.Canceled):
		return errors.Join(ErrUnavailable, err)
	}
	return err
}
