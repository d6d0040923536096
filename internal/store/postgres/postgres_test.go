package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/postgres"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/testenv"
)

var ctx = context.Background()

// TestConformance runs the whole store conformance suite, unchanged, on
// PostgreSQL: every subtest gets a fresh database.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) statestore.Store {
		return openStore(t, testenv.Postgres(t), postgres.Options{})
	})
}

func openStore(t testing.TB, dsn string, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func info(id string) statestore.LockInfo {
	return statestore.LockInfo{ID: id, Operation: "OperationTypeApply", Who: "root@vm", Version: "1.11.4",
		Created: time.Date(2026, 11, 25, 16, 59, 7, 516287585, time.UTC)}
}
