package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/tfstate"
)

// The crash test runs a child process (this test binary, re-executed
// with crashChildEnv set) that writes to a store from 16 goroutines and
// prints an acknowledgement line after every call that returned success;
// the parent SIGKILLs it at a random moment, reopens the store and checks
// that every acknowledged write and lock is there and that the database
// passes PRAGMA integrity_check. INFRACTL_CRASH_ITERATIONS sets the number
// of kills (default 20, 5 with -short).
const (
	crashChildEnv  = "INFRACTL_SQLITE_CRASH_CHILD_DIR"
	crashClients   = 16
	crashHeldLocks = 4
)

func TestCrashDurability(t *testing.T) {
	iterations := 20
	if testing.Short() {
		iterations = 5
	}
	if v := os.Getenv("INFRACTL_CRASH_ITERATIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("INFRACTL_CRASH_ITERATIONS=%q: %v", v, err)
		}
		iterations = n
	}
	dir := t.TempDir()
	acked := map[string]string{}     // "name serial" -> sha256 of every acknowledged write
	heldLocks := map[string]string{} // name -> lock ID acknowledged and never released
	var writes, kills int
	for i := range iterations {
		out := runCrashChild(t, dir, time.Duration(50+rand.IntN(250))*time.Millisecond)
		kills++
		for _, line := range out {
			f := strings.Fields(line)
			switch f[0] {
			case "WRITE": // WRITE name serial sha256
				acked[f[1]+" "+f[2]] = f[3]
				writes++
			case "HELD": // HELD name id
				heldLocks[f[1]] = f[2]
			}
		}
		verifyAfterCrash(t, dir, i, acked, heldLocks)
	}
	t.Logf("%d kills, %d acknowledged writes, all present; %d held locks still held; integrity ok", kills, writes, len(heldLocks))
}

// runCrashChild starts the child and kills it after d; it returns the
// acknowledgement lines the child printed before it died.
func runCrashChild(t *testing.T, dir string, d time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "WRITE ") || strings.HasPrefix(l, "HELD ") {
				lines = append(lines, l)
			}
		}
	}()
	time.Sleep(d)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die of SIGKILL: %v", err)
	}
	return lines
}

func verifyAfterCrash(t *testing.T, dir string, iteration int, acked, heldLocks map[string]string) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatalf("kill %d: reopening: %v", iteration, err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatalf("kill %d: %v", iteration, err)
	}
	for key, sha := range acked {
		name, serial, _ := strings.Cut(key, " ")
		n, _ := strconv.ParseUint(serial, 10, 64)
		v, _, err := s.Version(ctx, name, n)
		if err != nil || v.SHA256 != sha {
			t.Fatalf("kill %d: acknowledged write %s serial %d: %+v, %v", iteration, name, n, v, err)
		}
	}
	for name, id := range heldLocks {
		rec, err := s.State(ctx, name)
		if err != nil || rec.Lock == nil || rec.Lock.Info.ID != id {
			t.Fatalf("kill %d: acknowledged lock %s on %s is not held: %+v, %v", iteration, id, name, rec.Lock, err)
		}
	}
}

// TestCrashChild is the child of TestCrashDurability; it does nothing
// unless started by it.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("runs only as TestCrashDurability's child process")
	}
	s, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	svc := statestore.NewService(s, statestore.Options{})
	var out sync.Mutex
	ack := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...) // unbuffered: one write(2) per line
	}
	// Locks taken once and never released must survive every kill.
	for i := range crashHeldLocks {
		name := fmt.Sprintf("held/%d", i)
		id := "held-" + strconv.Itoa(i)
		if _, err := svc.Lock(ctx, name, info(id), "child"); err != nil {
			var le *statestore.LockedError
			if !errors.As(err, &le) {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
		ack("HELD %s %s", name, id)
	}
	var wg sync.WaitGroup
	for c := range crashClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("crash/%d", c)
			// A cycle cut short by the last kill may have left its lock.
			if _, err := svc.ForceUnlock(ctx, name); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			for i := 0; ; i++ {
				id := fmt.Sprintf("%d-%d-%d", os.Getpid(), c, i)
				if _, err := svc.Lock(ctx, name, info(id), "child"); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				var serial uint64
				body, _, err := svc.Get(ctx, name)
				if err == nil {
					m, _ := tfstate.Inspect(body)
					serial = m.Serial
				} else if !errors.Is(err, statestore.ErrNotFound) {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				next := storetest.Spec{Lineage: "crash", Serial: serial + 1, Resources: 20, Salt: id}.Body()
				res, err := svc.Write(ctx, name, statestore.WriteRequest{Body: next, LockID: id})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				ack("WRITE %s %d %s", name, res.Version.Serial, res.Version.SHA256)
				if _, err := svc.Unlock(ctx, name, id); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
			}
		}()
	}
	wg.Wait()
}
