package statestore

import "context"

// gate admits at most n operations at a time, first come first served.
//
// When the server is CPU-bound, Go's scheduler runs the goroutine woken
// last first, so among 32 clients some finish twice as many cycles as
// others and the p99 of a cycle is four to five times its mean. Waiting
// in a FIFO for one of a few slots instead (4 per CPU, enough to keep the
// CPUs busy while some operations wait for the store) costs about 5% of
// throughput and halves the p99 (bench_results.md in internal/store/sqlite).
type gate chan struct{}

func newGate(n int) gate {
	if n <= 0 {
		return nil
	}
	return make(gate, n)
}

// enter waits for a slot and returns its release; a nil gate admits all.
func (g gate) enter(ctx context.Context) (release func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
