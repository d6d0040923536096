package orchestrate

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunOrderAndSkips(t *testing.T) {
	nodes := []Node{
		{Name: "dev"},
		{Name: "staging", DependsOn: []string{"dev"}},
		{Name: "prod", DependsOn: []string{"staging"}},
		{Name: "sandbox"},
	}
	var mu sync.Mutex
	var order []string
	results := Run(context.Background(), nodes, 4, func(ctx context.Context, name string) error {
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
		if name == "dev" {
			return errors.New("boom")
		}
		return nil
	})
	want := map[string]string{"dev": "boom", "staging": `skipped: dependency "dev" did not succeed`, "prod": `skipped: dependency "staging" did not succeed`, "sandbox": ""}
	for _, r := range results {
		got := ""
		if r.Err != nil {
			got = r.Err.Error()
		}
		if got != want[r.Name] {
			t.Errorf("%s: got %q, want %q", r.Name, got, want[r.Name])
		}
	}
	if !results[1].Skipped || !results[2].Skipped || results[0].Skipped {
		t.Errorf("skip flags wrong: %+v", results)
	}
	var de *DependencyError
	if !errors.As(results[2].Err, &de) || de.Dependency != "staging" {
		t.Errorf("prod error = %v, want DependencyError on staging", results[2].Err)
	}
	if len(order) != 2 {
		t.Errorf("ran %v, want only dev and sandbox", order)
	}
}

func TestRunWaitsForDependencies(t *testing.T) {
	nodes := []Node{{Name: "a"}, {Name: "b", DependsOn: []string{"a"}}, {Name: "c", DependsOn: []string{"a", "b"}}}
	var mu sync.Mutex
	finished := map[string]bool{}
	results := Run(context.Background(), nodes, 3, func(ctx context.Context, name string) error {
		mu.Lock()
		for _, n := range nodes {
			if n.Name == name {
				for _, d := range n.DependsOn {
					if !finished[d] {
						t.Errorf("%s started before %s finished", name, d)
					}
				}
			}
		}
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		finished[name] = true
		mu.Unlock()
		return nil
	})
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("unexpected failure: %+v", results)
		}
	}
}

func TestRunParallelismLimit(t *testing.T) {
	var nodes []Node
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		nodes = append(nodes, Node{Name: n})
	}
	for _, limit := range []int{0, 1, 2, 6} {
		var cur, peak atomic.Int32
		Run(context.Background(), nodes, limit, func(ctx context.Context, name string) error {
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(10 * time.Millisecond)
			cur.Add(-1)
			return nil
		})
		want := int32(max(limit, 1))
		if peak.Load() != want {
			t.Errorf("parallelism %d: peak %d, want %d", limit, peak.Load(), want)
		}
	}
}

func TestRunIgnoresUnselectedDependencies(t *testing.T) {
	results := Run(context.Background(), []Node{{Name: "prod", DependsOn: []string{"staging"}}}, 1, func(ctx context.Context, name string) error { return nil })
	if results[0].Err != nil {
		t.Fatalf("prod: %v", results[0].Err)
	}
}

func TestRunCancelSkipsPending(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	nodes := []Node{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	results := Run(ctx, nodes, 1, func(ctx context.Context, name string) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	})
	if !errors.Is(results[0].Err, context.Canceled) || results[0].Skipped {
		t.Errorf("a: %+v, want ran and cancelled", results[0])
	}
	for _, r := range results[1:] {
		if !r.Skipped || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: %+v, want skipped with context.Canceled", r.Name, r)
		}
	}
}

func TestRunRecoversPanic(t *testing.T) {
	results := Run(context.Background(), []Node{{Name: "a"}}, 1, func(ctx context.Context, name string) error { panic("bad") })
	if results[0].Err == nil || results[0].Err.Error() != "internal error in a: bad" {
		t.Fatalf("got %v", results[0].Err)
	}
}

func TestRunCancelledDependantsAreNotBlamedOnTheDependency(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	nodes := []Node{{Name: "dev"}, {Name: "prod", DependsOn: []string{"dev"}}}
	results := Run(ctx, nodes, 2, func(ctx context.Context, name string) error {
		cancel()
		return ctx.Err()
	})
	var de *DependencyError
	if errors.As(results[1].Err, &de) || !errors.Is(results[1].Err, context.Canceled) {
		t.Errorf("prod: %v, want context.Canceled, not a dependency failure", results[1].Err)
	}
}
