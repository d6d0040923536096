package sqlite_test

import (
	"context"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
	"github.com/infractl/infractl/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) statestore.Store {
		return openStore(t, t.TempDir())
	})
}

func openStore(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
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
