package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/infractl/infractl/internal/statestore"
)

func TestMapErr(t *testing.T) {
	pg := func(code string) error { return &pgconn.PgError{Code: code, Message: "m"} }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name        string
		err         error
		unavailable bool
		lost        bool
		conflict    bool
	}{
		{"connection refused", refused, true, true, false},
		{"connection reset", fmt.Errorf("receiving: %w", syscall.ECONNRESET), true, true, false},
		{"unexpected EOF", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), true, true, false},
		{"conn closed", fmt.Errorf("exec: %w", pgconn.ErrConnClosed), true, true, false},
		{"admin shutdown", pg("57P01"), true, true, false},
		{"crash shutdown", pg("57P02"), true, true, false},
		{"starting up", pg("57P03"), true, true, false},
		{"connection failure", pg("08006"), true, true, false},
		{"too many connections", pg("53300"), true, false, false},
		{"disk full", pg("53100"), true, false, false},
		{"io error", pg("58030"), true, false, false},
		{"statement timeout", pg("57014"), true, false, false},
		{"lock timeout", pg("55P03"), true, false, false},
		{"read-only", pg("25006"), true, false, false},
		{"serialization failure", pg("40001"), true, false, true},
		{"deadlock", pg("40P01"), true, false, true},
		{"outdated cached plan", &pgconn.PgError{Code: "0A000", Message: "cached plan must not change result type"}, false, false, true},
		{"feature not supported", pg("0A000"), false, false, false},
		{"unique violation", pg("23505"), false, false, false},
		{"syntax error", pg("42601"), false, false, false},
		{"undefined table", pg("42P01"), false, false, false},
		{"no rows", pgx.ErrNoRows, false, false, false},
		{"other", errors.New("boom"), false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mapErr(context.Background(), tt.err, time.Second)
			if errors.Is(got, statestore.ErrUnavailable) != tt.unavailable {
				t.Errorf("mapErr(%v) = %v; unavailable = %v, want %v", tt.err, got, !tt.unavailable, tt.unavailable)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("mapErr(%v) = %v, which no longer wraps the driver's error", tt.err, got)
			}
			if connectionLost(tt.err) != tt.lost {
				t.Errorf("connectionLost(%v) = %v, want %v", tt.err, !tt.lost, tt.lost)
			}
			if conflict(tt.err) != tt.conflict {
				t.Errorf("conflict(%v) = %v, want %v", tt.err, !tt.conflict, tt.conflict)
			}
		})
	}
}

func TestMapErrContexts(t *testing.T) {
	// The caller's context ended: its error, whatever the driver said.
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := mapErr(cctx, pgconn.ErrConnClosed, time.Second); !errors.Is(got, context.Canceled) || errors.Is(got, statestore.ErrUnavailable) {
		t.Errorf("with an ended context: %v, want context.Canceled", got)
	}
	// The store's own deadline passed while the caller still waits:
	// unavailable, and not a context error (which reads as "client left").
	timeout := fmt.Errorf("read: %w", context.DeadlineExceeded)
	got := mapErr(context.Background(), timeout, 10*time.Second)
	if !errors.Is(got, statestore.ErrUnavailable) || errors.Is(got, context.DeadlineExceeded) {
		t.Errorf("store timeout: %v, want ErrUnavailable without DeadlineExceeded", got)
	}
}
