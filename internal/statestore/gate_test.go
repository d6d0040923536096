package statestore

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	g := newGate(2)
	r1, _ := g.enter(context.Background())
	r2, _ := g.enter(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third enter of a full gate: err = %v, want the context's error", err)
	}
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			release, err := g.enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			order <- i
			release()
		}()
		time.Sleep(10 * time.Millisecond) // queue them in order
	}
	r1() // one slot at a time: each admitted goroutine admits the next
	for want := range 3 {
		if got := <-order; got != want {
			t.Errorf("admitted %d, want %d (first come, first served)", got, want)
		}
	}
	r2()
	var open gate // nil: admits everyone
	release, err := open.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
}
