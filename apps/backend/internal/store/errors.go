package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
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
		case pgErr.Code == "57014": // query_canceled: statement_timeout
			return errors.Join(ErrTooSlow, err)
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
