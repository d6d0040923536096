package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/infractl/infractl/internal/statestore"
)

// errClosed is returned by every call on a closed store.
var errClosed = fmt.Errorf("postgres store is closed: %w", statestore.ErrUnavailable)

// mapErr turns an error of a call made under ctx (the caller's context)
// into the store's error kinds, keeping the driver's message:
//
//   - ctx ended: ctx's error, so the server sees that the client left;
//   - the call's own deadline (Options.Timeout) passed: ErrUnavailable,
//     without wrapping context.DeadlineExceeded, which would read as a
//     client that left;
//   - the server cannot be reached or cannot serve now (connection
//     refused or lost, shutting down or starting up, too many
//     connections, out of disk or memory, read-only, a lock or statement
//     timeout, conflicts that outlasted the retries): ErrUnavailable;
//   - anything else (a bug, a schema problem) unchanged: an internal error.
func mapErr(ctx context.Context, err error, timeout time.Duration) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return fmt.Errorf("%w: postgres did not answer within %v (%v)", statestore.ErrUnavailable, timeout, err)
	}
	if errors.Is(err, statestore.ErrUnavailable) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("%w: %w", statestore.ErrUnavailable, err)
	}
	return err
}

// unavailable reports whether err means the database cannot serve now,
// as opposed to a request or program error.
func unavailable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) != 5:
			return false
		case pe.Code[:2] == "08", // connection exception
			pe.Code[:2] == "53", // insufficient resources: disk full, out of memory, too many connections
			pe.Code[:2] == "58", // system error: I/O error
			pe.Code == "57P01",  // admin_shutdown
			pe.Code == "57P02",  // crash_shutdown
			pe.Code == "57P03",  // cannot_connect_now: starting up, shutting down, in recovery
			pe.Code == "57014",  // query_canceled: statement_timeout (a cancelled ctx is handled before)
			pe.Code == "55P03",  // lock_not_available: lock_timeout while another replica holds the state
			pe.Code == "25006",  // read_only_sql_transaction: a standby, or default_transaction_read_only
			pe.Code == "40001",  // serialization_failure, after Update's retries
			pe.Code == "40P01":  // deadlock_detected, after Update's retries
			return true
		}
		return false
	}
	return connectionLost(err)
}

// connectionLost reports whether err means the connection could not be
// made or broke, so a pooled connection is dead and the call may be
// retried on a new one (if nothing can have been committed). Errors the
// server sent on a working connection are not.
func connectionLost(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code[:min(2, len(pe.Code))] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// conflict reports an error after which the statement or transaction
// may simply run again: a serialization failure, a deadlock, or a cached
// prepared statement whose result type a schema change altered (pgx drops
// the statement from its cache on the error, so the next run prepares it
// afresh).
func conflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01" ||
		pe.Code == "0A000" && strings.Contains(pe.Message, "cached plan must not change result type"))
}
