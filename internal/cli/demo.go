package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/demo"
	"github.com/infractl/infractl/internal/provider/localfs"
	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/tf"
	"github.com/infractl/infractl/internal/tf/ui"
)

func newDemoCommand(a *app) *cobra.Command {
	var (
		dir, listen string
		noWait      bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole product on an example ML platform: state server, plan, apply, locking, drift, history",
		Long: `Start the embedded state server on a free loopback port with a temporary data
directory, lay out an example estate (dev, staging and prod of an ML model-serving
stack, state on the server), and run it end to end:

  1. init, plan and apply every environment in parallel, with live progress
  2. roll a change out to prod (one more replica) so prod's state has history
  3. prove locking: while an apply holds prod's lock, 'infractl locks' shows the
     holder and a second apply fails with "Error acquiring the state lock"
  4. change a file behind Terraform's back and let 'infractl drift' find it
  5. show prod's version history and a diff between two versions

Then it keeps serving until Ctrl-C and prints the URL. It needs only terraform
(>= 1.5): the provider it uses ships inside infractl.`,
		Example: "  infractl demo\n  infractl demo --dir ./demo --no-wait",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runDemo(cmd.Context(), cmd.OutOrStdout(), dir, listen, noWait)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "where to lay out the demo (default: a temporary directory, removed at the end)")
	f.StringVar(&listen, "listen", "127.0.0.1:0", "address of the demo's state server")
	f.BoolVar(&noWait, "no-wait", false, "stop after the walkthrough instead of serving until Ctrl-C")
	return cmd
}

// demoRun carries what the demo's steps share.
type demoRun struct {
	a      *app
	out    io.Writer
	estate string
	srv    *server.Server
	bin    *tf.Binary
	step   int
}

func (a *app) runDemo(ctx context.Context, out io.Writer, dir, listen string, noWait bool) (err error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "infractl-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	bin, err := tf.Find(ctx, tf.FindOptions{Explicit: a.tfBinary})
	if err != nil {
		return err
	}
	if err := demoProvider(dir); err != nil {
		return err
	}

	srv, err := server.New(server.Config{Listen: listen, DataDir: filepath.Join(dir, "server"), Logger: discardLogger()})
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = errors.Join(err, srv.Close(closeCtx))
	}()
	root := filepath.Join(dir, "estate")
	if err := demo.Write(root, srv.URL()); err != nil {
		return err
	}
	d := &demoRun{a: a, out: out, estate: root, srv: srv, bin: bin}
	fmt.Fprintf(out, "infractl demo: %s\n  state server: %s (data in %s)\n  estate:       %s\n",
		bin, srv.URL(), filepath.Join(dir, "server"), root)

	for _, step := range []func(context.Context) error{d.applyAll, d.rollOut, d.locking, d.drift, d.history} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if noWait {
		fmt.Fprintf(out, "\nDone. The state server stops now (--no-wait).\n")
		return nil
	}
	fmt.Fprintf(out, "\nThe state server keeps running at %s — try:\n  curl %s/v1/states\n  curl %s/v1/locks\n  infractl -C %s state history prod\nPress Ctrl-C to stop.\n",
		srv.URL(), srv.URL(), srv.URL(), root)
	<-ctx.Done()
	return nil
}

// demoProvider installs infractl itself as the localfs provider in a
// filesystem mirror and points terraform at it, so the demo downloads
// nothing.
func demoProvider(dir string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding infractl's own executable for the demo provider: %w", err)
	}
	mirror := filepath.Join(dir, "providers")
	if _, err := localfs.WriteMirror(mirror, self); err != nil {
		return fmt.Errorf("installing the demo provider: %w", err)
	}
	config := filepath.Join(dir, "terraformrc")
	if err := localfs.WriteCLIConfig(config, mirror); err != nil {
		return err
	}
	// Only this process and the terraform it starts see the setting.
	return os.Setenv("TF_CLI_CONFIG_FILE", config)
}

func (d *demoRun) section(title string) {
	d.step++
	fmt.Fprintf(d.out, "\n== %d. %s\n\n", d.step, title)
}

// infractl runs an infractl command on the demo estate, in this process,
// and returns its exit code.
func (d *demoRun) infractl(ctx context.Context, args ...string) int {
	fmt.Fprintf(d.out, "$ infractl %s\n", strings.Join(args, " "))
	return Main(ctx, append([]string{"--chdir", d.estate}, args...), Stdio{In: strings.NewReader(""), Out: d.out, Err: d.a.stdio.Err, Kill: d.a.stdio.Kill})
}

// expect runs an infractl command and fails the demo unless it exits with
// one of the given codes.
func (d *demoRun) expect(ctx context.Context, codes []int, args ...string) error {
	code := d.infractl(ctx, args...)
	for _, c := range codes {
		if code == c {
			return nil
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("demo step `infractl %s` exited %d", strings.Join(args, " "), code)
}

func (d *demoRun) applyAll(ctx context.Context) error {
	d.section("Plan and apply dev, staging and prod in parallel (prod is protected: the demo approves it)")
	if err := d.expect(ctx, []int{ExitOK}, "envs"); err != nil {
		return err
	}
	if err := d.expect(ctx, []int{ExitChanges}, "plan", "--all"); err != nil {
		return err
	}
	return d.expect(ctx, []int{ExitOK}, "apply", "--all", "--auto-approve")
}

func (d *demoRun) rollOut(ctx context.Context) error {
	d.section("Roll a change out to prod: 3 -> 4 model replicas")
	path := demo.TFVarsPath(d.estate, "prod")
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(body), "replicas      = 3", "replicas      = 4", 1)), 0o644); err != nil {
		return err
	}
	if err := d.expect(ctx, []int{ExitChanges}, "plan", "prod", "--detail"); err != nil {
		return err
	}
	return d.expect(ctx, []int{ExitOK}, "apply", "prod", "--auto-approve")
}

// locking holds prod's lock with a slow apply, shows the holder, and shows
// a second apply being refused.
func (d *demoRun) locking(ctx context.Context) error {
	d.section("Locking: a second apply on prod while the first holds the lock")
	prod := filepath.Join(d.estate, "environments", "prod")
	first := d.bin.Command(prod, tf.ApplyOptions{})
	first.Env = append(first.Env, localfs.EnvReadDelay+"=5s") // a slow provider keeps the lock held
	runner := &tf.Runner{Logger: discardLogger(), Kill: d.a.stdio.Kill}
	done := make(chan error, 1)
	fmt.Fprintln(d.out, "First apply on prod started (its provider answers slowly, so it holds the lock for a few seconds).")
	go func() {
		_, err := runner.Stream(ctx, first, nil)
		done <- err
	}()
	if err := d.waitForLock(ctx, demo.StateName("prod"), done); err != nil {
		return err
	}
	if err := d.expect(ctx, []int{ExitOK}, "locks", "--all"); err != nil {
		return err
	}
	second := d.bin.Command(prod, tf.ApplyOptions{})
	fmt.Fprintln(d.out, "$ terraform apply   # in environments/prod, while the lock is held")
	_, err := runner.Stream(ctx, second, nil)
	var ee *tf.ExitError
	switch {
	case errors.As(err, &ee) && len(ee.Diagnostics) > 0:
		printDiagnostic(d.out, ee.Diagnostics[0])
	case err != nil:
		fmt.Fprintf(d.out, "  %v\n", err)
	default:
		return errors.New("demo: the second apply on prod succeeded while the first held the lock")
	}
	if err := <-done; err != nil {
		return fmt.Errorf("demo: the first apply on prod failed: %w", err)
	}
	fmt.Fprintln(d.out, "\nThe first apply finished and released the lock.")
	return nil
}

// waitForLock polls the server until name is locked, or the holder ends.
func (d *demoRun) waitForLock(ctx context.Context, name string, done <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if rec, err := d.srv.Service().State(ctx, name); err == nil && rec.Lock != nil {
			return nil
		}
		select {
		case err := <-done:
			return fmt.Errorf("demo: the first apply on prod ended before it was seen holding the lock: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("demo: prod's lock was not taken within 60s")
}

func printDiagnostic(w io.Writer, diag ui.Diagnostic) {
	fmt.Fprintf(w, "  Error: %s\n", diag.Summary)
	for _, line := range strings.Split(strings.TrimSpace(diag.Detail), "\n") {
		if strings.TrimSpace(line) != "" {
			fmt.Fprintf(w, "    %s\n", strings.TrimRight(line, " "))
		}
	}
}

func (d *demoRun) drift(ctx context.Context) error {
	d.section("Drift: someone edits prod's model configuration by hand")
	path := demo.ModelConfigPath(d.estate, "prod")
	if err := os.WriteFile(path, []byte(`{"environment":"prod","model":"churn","replicas":10,"hotfix":"edited by hand"}`), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "Edited %s outside Terraform.\n", path)
	return d.expect(ctx, []int{ExitChanges}, "drift", "--all", "--detail")
}

func (d *demoRun) history(ctx context.Context) error {
	d.section("prod's state history, and what changed between its first and current versions")
	if err := d.expect(ctx, []int{ExitOK}, "state", "history", "prod"); err != nil {
		return err
	}
	page, err := d.srv.Service().Versions(ctx, demo.StateName("prod"), 0, 500)
	if err != nil {
		return err
	}
	if len(page.Versions) < 2 {
		return fmt.Errorf("demo: prod has %d versions, want at least 2", len(page.Versions))
	}
	oldest := page.Versions[len(page.Versions)-1]
	return d.expect(ctx, []int{ExitOK}, "state", "diff", "prod", fmt.Sprint(oldest.Serial), "current")
}
