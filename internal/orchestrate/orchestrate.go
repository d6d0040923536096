// Package orchestrate runs one task per environment, in parallel, in
// dependency order: an environment starts only when every dependency it
// declares finished successfully, independent environments run side by side
// up to a parallelism limit, and a failure never stops unrelated
// environments. Its dependants are skipped and reported, not hidden.
package orchestrate

import (
	"context"
	"fmt"
	"time"
)

// Node is one environment to run and the environments it waits for.
// Dependencies outside the scheduled set are ignored, so running a single
// environment never drags its dependencies in.
type Node struct {
	Name      string
	DependsOn []string
}

// Result is the outcome of one node. Err is nil on success; a node that
// never ran has Skipped set and an Err saying why.
type Result struct {
	Name    string
	Err     error
	Skipped bool
	Start   time.Time
	End     time.Time
}

// DependencyError marks a node skipped because a dependency did not succeed.
type DependencyError struct {
	Name       string
	Dependency string
}

// Error says which dependency held the node back.
func (e *DependencyError) Error() string {
	return fmt.Sprintf("skipped: dependency %q did not succeed", e.Dependency)
}

// Task runs one node. It must honour ctx.
type Task func(ctx context.Context, name string) error

// Run executes task for every node and returns one Result per node, in the
// order of nodes. At most parallelism tasks run at once (values below 1 mean
// 1). Ready nodes start in the order they are given. When ctx is cancelled,
// nodes that have not started are skipped with ctx's error; running tasks see
// the cancellation through their own ctx. Run panics if nodes contain a
// cycle or duplicate names: callers validate the graph first.
func Run(ctx context.Context, nodes []Node, parallelism int, task Task) []Result {
	if parallelism < 1 {
		parallelism = 1
	}
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		if _, dup := index[n.Name]; dup {
			panic("orchestrate: duplicate node " + n.Name)
		}
		index[n.Name] = i
	}
	deps := make([][]int, len(nodes))
	for i, n := range nodes {
		for _, d := range n.DependsOn {
			if j, ok := index[d]; ok {
				deps[i] = append(deps[i], j)
			}
		}
	}
	results := make([]Result, len(nodes))
	for i, n := range nodes {
		results[i].Name = n.Name
	}

	const (
		pending = iota
		running
		done
	)
	state := make([]int, len(nodes))
	type finished struct {
		i   int
		err error
		end time.Time
	}
	doneCh := make(chan finished)
	active, remaining := 0, len(nodes)

	// skipBlocked marks pending nodes whose dependency failed or was
	// skipped; it repeats until nothing changes so chains are skipped too.
	skipBlocked := func() {
		for changed := true; changed; {
			changed = false
			for i := range nodes {
				if state[i] != pending {
					continue
				}
				for _, j := range deps[i] {
					if state[j] == done && results[j].Err != nil {
						results[i].Err = &DependencyError{Name: nodes[i].Name, Dependency: nodes[j].Name}
						results[i].Skipped = true
						state[i] = done
						remaining--
						changed = true
						break
					}
				}
			}
		}
	}
	ready := func(i int) bool {
		for _, j := range deps[i] {
			if state[j] != done {
				return false
			}
		}
		return true
	}

	for remaining > 0 {
		// Cancellation first: after an interrupt, nodes waiting for an
		// interrupted dependency were interrupted too, not blocked by a
		// failure.
		if ctx.Err() != nil {
			for i := range nodes {
				if state[i] == pending {
					results[i].Err = ctx.Err()
					results[i].Skipped = true
					state[i] = done
					remaining--
				}
			}
		}
		skipBlocked()
		for i := range nodes {
			if active >= parallelism || ctx.Err() != nil {
				break
			}
			if state[i] != pending || !ready(i) {
				continue
			}
			state[i] = running
			active++
			results[i].Start = time.Now()
			go func(i int) {
				err := runTask(ctx, task, nodes[i].Name)
				doneCh <- finished{i: i, err: err, end: time.Now()}
			}(i)
		}
		if active == 0 {
			if remaining > 0 && ctx.Err() == nil {
				// Only possible with a cycle: every pending node waits.
				panic("orchestrate: dependency cycle among remaining nodes")
			}
			continue
		}
		f := <-doneCh
		active--
		remaining--
		state[f.i] = done
		results[f.i].Err = f.err
		results[f.i].End = f.end
	}
	return results
}

// runTask converts a panicking task into an error so one environment's bug
// cannot take the whole run down.
func runTask(ctx context.Context, task Task, name string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in %s: %v", name, r)
		}
	}()
	return task(ctx, name)
}
