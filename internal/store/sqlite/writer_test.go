package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
)

// TestBatchedCallsAreIsolated runs many concurrent Update calls, so the
// writer batches them, and checks each call's outcome is its own: errors
// and panics undo only their call, the others commit.
func TestBatchedCallsAreIsolated(t *testing.T) {
	for _, maxBatch := range []int{1, 64} {
		t.Run(fmt.Sprintf("MaxBatch=%d", maxBatch), func(t *testing.T) {
			s, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{MaxBatch: maxBatch})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			refused := errors.New("refused")
			const calls = 200
			var wg sync.WaitGroup
			errs := make([]error, calls)
			panics := make([]any, calls)
			start := make(chan struct{})
			for i := range calls {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() { panics[i] = recover() }()
					<-start
					errs[i] = s.Update(ctx, fmt.Sprintf("s-%d", i), func(tx statestore.Tx) error {
						if _, err := tx.Record(); err != nil {
							return err
						}
						if err := tx.PutLock(statestore.Lock{Info: info(fmt.Sprint(i))}); err != nil {
							return err
						}
						switch i % 4 {
						case 1:
							return refused
						case 2:
							panic(fmt.Sprintf("boom %d", i))
						}
						return nil
					})
				}()
			}
			close(start)
			wg.Wait()
			for i := range calls {
				rec, err := s.State(ctx, fmt.Sprintf("s-%d", i))
				switch i % 4 {
				case 1:
					if errs[i] != refused || !errors.Is(err, statestore.ErrNotFound) {
						t.Errorf("call %d: err %v, state %v; want its own error and no state", i, errs[i], err)
					}
				case 2:
					if panics[i] != fmt.Sprintf("boom %d", i) || !errors.Is(err, statestore.ErrNotFound) {
						t.Errorf("call %d: panic %v, state %v; want its panic re-raised and no state", i, panics[i], err)
					}
				default:
					if errs[i] != nil || panics[i] != nil || err != nil || rec.Lock == nil || rec.Lock.Info.ID != fmt.Sprint(i) {
						t.Errorf("call %d: err %v, panic %v, state %+v, %v; want its lock stored", i, errs[i], panics[i], rec, err)
					}
				}
			}
		})
	}
}

func TestUpdateWithEndedContextRunsNothing(t *testing.T) {
	s := openStore(t, t.TempDir())
	c, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	err := s.Update(c, "dev", func(tx statestore.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Update with an ended context: err %v, fn ran %v", err, ran)
	}
}
