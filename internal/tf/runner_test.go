package tf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/testenv"
	"github.com/infractl/infractl/internal/tf/ui"
)

// scriptCommand builds a Command running a shell script, standing in for
// terraform where a real one cannot be made to misbehave on cue.
func scriptCommand(t *testing.T, name, script string) *Command {
	t.Helper()
	dir := t.TempDir()
	path := fakeBinary(t, dir, "terraform", script)
	return &Command{Path: path, Args: []string{name, "-json"}, Dir: dir, Env: Environ(os.Environ()), EnvName: "dev"}
}

// collector gathers streamed messages; safe to read after Stream returns.
type collector struct {
	mu    sync.Mutex
	texts []string
	types []ui.MessageType
}

func (c *collector) add(m *ui.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.texts = append(c.texts, m.Text)
	c.types = append(c.types, m.Type)
}

const versionJSON = `{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15.839406Z","terraform":"1.11.4","type":"version","ui":"1.2"}`

// TestStreamKillsAfterGracePeriod uses a script that ignores SIGINT and
// leaves a grandchild holding stdout: after the grace period the whole
// process group must be killed and Stream must return.
func TestStreamKillsAfterGracePeriod(t *testing.T) {
	cmd := scriptCommand(t, "apply", `
trap 'echo got-int' INT
(sleep 60; echo late) &
echo '`+versionJSON+`'
echo ready
while :; do sleep 0.1; done
`)
	r := &Runner{GracePeriod: 500 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got collector
	start := time.Now()
	res, err := r.Stream(ctx, cmd, func(m *ui.Message) {
		got.add(m)
		if m.Text == "ready" {
			cancel()
		}
	})
	elapsed := time.Since(start)

	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	var ee *ExitError
	if !errors.As(err, &ee) || ee.ExitCode != -1 || !strings.Contains(ee.Error(), "killed") {
		t.Errorf("error = %v, want an *ExitError for a killed process", err)
	}
	if res.ExitCode != -1 {
		t.Errorf("exit code = %d, want -1 (killed)", res.ExitCode)
	}
	if elapsed < 500*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("Stream returned after %v, want just over the 500ms grace period", elapsed)
	}
	texts := strings.Join(got.texts, "|")
	if !strings.HasPrefix(texts, "Terraform 1.11.4|ready|") || !strings.Contains(texts, "got-int") || strings.Contains(texts, "late") {
		t.Errorf("messages = %q, want version, ready, got-int (SIGINT delivered) and nothing from the killed grandchild", texts)
	}
}

// TestStreamKillChannel: closing Runner.Kill ends an interrupted terraform
// at once instead of after the grace period (a second Ctrl-C).
func TestStreamKillChannel(t *testing.T) {
	cmd := scriptCommand(t, "apply", `
trap 'echo got-int' INT
echo ready
while :; do sleep 0.1; done
`)
	killCh := make(chan struct{})
	r := &Runner{GracePeriod: time.Minute, Kill: killCh}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	_, err := r.Stream(ctx, cmd, func(m *ui.Message) {
		switch m.Text {
		case "ready":
			cancel()
		case "got-int":
			close(killCh)
		}
	})
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Stream returned after %v; the kill request was not honoured before the 1m grace period", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// TestStreamInterruptedExitsGracefully: a child that exits on SIGINT is not
// killed, and the context error is visible.
func TestStreamInterruptedExitsGracefully(t *testing.T) {
	cmd := scriptCommand(t, "plan", `
trap 'echo stopping; exit 1' INT
echo ready
while :; do sleep 0.1; done
`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	var got collector
	res, err := (&Runner{GracePeriod: time.Minute}).Stream(ctx, cmd, func(m *ui.Message) {
		got.add(m)
		if m.Text == "ready" {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || res.ExitCode != 1 {
		t.Errorf("Stream = exit %d, %v; want exit 1 and context.Canceled", res.ExitCode, err)
	}
	if strings.Join(got.texts, "|") != "ready|stopping" {
		t.Errorf("messages = %q", got.texts)
	}
}

func TestStreamDeadline(t *testing.T) {
	cmd := scriptCommand(t, "plan", "trap 'exit 130' INT\nwhile :; do sleep 0.05; done\n")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := (&Runner{}).Stream(ctx, cmd, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded", err)
	}
}

func TestStreamAlreadyCancelled(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	cmd := scriptCommand(t, "plan", "touch "+marker+"\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Runner{}).Stream(ctx, cmd, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran although the context was already cancelled")
	}
}

// TestStreamExitErrorAndRunLog checks the exit code, stderr tail, raw
// lines as messages, and the run log copy of stdout.
func TestStreamExitErrorAndRunLog(t *testing.T) {
	cmd := scriptCommand(t, "plan", `
echo '`+versionJSON+`'
echo 'plain text from a provider'
echo '{"@level":"error","@message":"Error: boom","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","diagnostic":{"severity":"error","summary":"boom","detail":"it broke"},"type":"diagnostic"}'
echo 'some stderr' >&2
exit 2
`)
	estate := t.TempDir()
	r := &Runner{RunLog: NewRunLog(estate, time.Now(), nil)}
	var got collector
	res, err := r.Stream(context.Background(), cmd, got.add)

	var ee *ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("error = %v, want *ExitError", err)
	}
	var xe *exec.ExitError
	if !errors.As(err, &xe) || xe.ExitCode() != 2 {
		t.Errorf("ExitError does not unwrap to the *exec.ExitError")
	}
	if ee.ExitCode != 2 || res.ExitCode != 2 || strings.TrimSpace(ee.Stderr) != "some stderr" {
		t.Errorf("ExitError = %+v, result %+v", ee, res)
	}
	if len(ee.Diagnostics) != 1 || ee.Diagnostics[0].Summary != "boom" || !strings.HasSuffix(err.Error(), "exited with code 2: boom: it broke") {
		t.Errorf("error %q, diagnostics %+v", err, ee.Diagnostics)
	}
	if strings.Join(typeNames(got.types), ",") != "version,,diagnostic" || res.Messages != 3 {
		t.Errorf("message types = %v (%d)", got.types, res.Messages)
	}

	want := versionJSON + "\nplain text from a provider\n"
	data, err := os.ReadFile(res.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), want) || strings.Contains(string(data), "some stderr") {
		t.Errorf("run log:\n%s", data)
	}
	if rel, _ := filepath.Rel(r.RunLog.Dir(), res.LogPath); rel != filepath.Join("dev", "plan.jsonl") {
		t.Errorf("run log at %s", rel)
	}
	if info, _ := os.Stat(res.LogPath); info.Mode().Perm() != 0o600 {
		t.Errorf("run log mode %v", info.Mode().Perm())
	}
}

// TestOutputIsNeverLogged checks data commands leave no trace in the run log.
func TestOutputIsNeverLogged(t *testing.T) {
	cmd := scriptCommand(t, "state", `echo '{"secret":"hunter2"}'`+"\n")
	cmd.Args = []string{"state", "pull"}
	r := &Runner{RunLog: NewRunLog(t.TempDir(), time.Now(), nil)}
	out, err := r.Output(context.Background(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"secret":"hunter2"}`+"\n" {
		t.Errorf("output = %q", out)
	}
	if r.RunLog.Dir() != "" {
		t.Errorf("Output created a run log at %s", r.RunLog.Dir())
	}
}

func TestPipeStdinAndFailure(t *testing.T) {
	cmd := scriptCommand(t, "state", "cat\necho 'Failed to write state' >&2\nexit 1\n")
	cmd.Stdin = strings.NewReader("state bytes")
	var out bytes.Buffer
	res, err := (&Runner{}).Pipe(context.Background(), cmd, &out)
	if out.String() != "state bytes" {
		t.Errorf("stdout = %q", out.String())
	}
	var ee *ExitError
	if !errors.As(err, &ee) || res.ExitCode != 1 || !strings.HasSuffix(err.Error(), "exited with code 1: Failed to write state") {
		t.Errorf("error = %v", err)
	}
}

func TestStreamStartFailure(t *testing.T) {
	cmd := &Command{Path: filepath.Join(t.TempDir(), "missing"), Args: []string{"plan"}}
	res, err := (&Runner{}).Stream(context.Background(), cmd, nil)
	var ee *ExitError
	if err == nil || errors.As(err, &ee) || !strings.Contains(err.Error(), "starting") || res.ExitCode != -1 {
		t.Errorf("Stream = %+v, %v; want a start error", res, err)
	}
}

func typeNames(ts []ui.MessageType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// --- integration tests against the real terraform ---

// workdir writes main.tf into a fresh directory and returns it, with a
// hermetic CLI config and no update checks.
func workdir(t *testing.T, mainTF string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(mainTF), 0o600); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(t.TempDir(), "empty.tfrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	t.Setenv("CHECKPOINT_DISABLE", "1")
	t.Setenv("TF_LOG", "TRACE") // must be removed by Environ, or stderr floods
	return dir
}

func findTerraform(t *testing.T) *Binary {
	t.Helper()
	path := testenv.Terraform(t)
	b, err := Find(context.Background(), FindOptions{Explicit: path})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// initDir runs init -json through the runner.
func initDir(t *testing.T, r *Runner, b *Binary, dir string) {
	t.Helper()
	var got collector
	cmd := b.Command(dir, InitOptions{})
	cmd.EnvName = "dev"
	if _, err := r.Stream(context.Background(), cmd, got.add); err != nil {
		t.Fatal(err)
	}
	if b.Features().InitJSON && !strings.Contains(strings.Join(typeNames(got.types), ","), "init_output") {
		t.Errorf("init -json messages = %v", got.types)
	}
}

func TestTerraformPlanStreams(t *testing.T) {
	b := findTerraform(t)
	dir := workdir(t, `
resource "terraform_data" "a" {
  input = "hello"
}

output "a" {
  value = terraform_data.a.output
}
`)
	r := &Runner{RunLog: NewRunLog(t.TempDir(), time.Now(), nil)}
	initDir(t, r, b, dir)

	cmd := b.Command(dir, PlanOptions{Out: "dev.tfplan"})
	cmd.EnvName = "dev"
	var msgs []ui.Message
	res, err := r.Stream(context.Background(), cmd, func(m *ui.Message) {
		c := *m
		c.Raw = nil
		msgs = append(msgs, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	var sawCreate bool
	var summary *ui.ChangeSummary
	for _, m := range msgs {
		if m.Type == ui.TypePlannedChange && m.Change.Resource.Addr == "terraform_data.a" && m.Change.Action == ui.ActionCreate {
			sawCreate = true
		}
		if m.Type == ui.TypeChangeSummary {
			summary = m.Changes
		}
		if m.Level == ui.LevelRaw {
			t.Errorf("undecoded line %q", m.Text)
		}
	}
	if msgs[0].Type != ui.TypeVersion || !sawCreate || summary == nil || summary.Add != 1 {
		t.Errorf("plan stream = %+v", msgs)
	}
	logged, err := os.ReadFile(res.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(logged, []byte("\n")); n != len(msgs) || res.Messages != len(msgs) {
		t.Errorf("run log has %d lines, result %d, callback saw %d messages", n, res.Messages, len(msgs))
	}

	show := b.Command(dir, ShowOptions{PlanFile: "dev.tfplan"})
	show.EnvName = "dev"
	out, err := r.Output(context.Background(), show)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`"format_version"`)) || !bytes.Contains(out, []byte(`"terraform_data.a"`)) {
		t.Errorf("show -json output = %.200s", out)
	}
	entries, _ := os.ReadDir(filepath.Join(r.RunLog.Dir(), "dev"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "init.jsonl plan.jsonl" {
		t.Errorf("run log files = %v, want init and plan only (show is never logged)", names)
	}
}

func TestTerraformExitErrorCarriesDiagnostics(t *testing.T) {
	b := findTerraform(t)
	dir := workdir(t, `
output "broken" {
  value = terraform_data.nope.id
}
`)
	r := &Runner{}
	initDir(t, r, b, dir)
	_, err := r.Stream(context.Background(), b.Command(dir, PlanOptions{}), nil)
	var ee *ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("error = %v, want *ExitError", err)
	}
	if ee.ExitCode != 1 || len(ee.Diagnostics) != 1 {
		t.Fatalf("ExitError = %+v", ee)
	}
	d := ee.Diagnostics[0]
	if d.Summary != "Reference to undeclared resource" || d.Range == nil || d.Range.Start.Line != 3 || d.Snippet == nil {
		t.Errorf("diagnostic = %+v", d)
	}
	if !strings.Contains(err.Error(), "terraform plan exited with code 1: Reference to undeclared resource") || !strings.Contains(err.Error(), "(main.tf:3,11)") {
		t.Errorf("error = %q", err)
	}
	if strings.Contains(ee.Stderr, "[TRACE]") {
		t.Errorf("TF_LOG leaked into the child: stderr %q", ee.Stderr)
	}
}

// TestTerraformCancelSendsInterrupt cancels an apply whose provisioner
// sleeps: terraform must get SIGINT, stop by itself well inside the grace
// period, and the error must be the context's.
func TestTerraformCancelSendsInterrupt(t *testing.T) {
	b := findTerraform(t)
	dir := workdir(t, `
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`)
	r := &Runner{GracePeriod: 45 * time.Second}
	initDir(t, r, b, dir)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got collector
	start := time.Now()
	res, err := r.Stream(ctx, b.Command(dir, ApplyOptions{}), func(m *ui.Message) {
		got.add(m)
		if m.Type == ui.TypeProvisionStart {
			cancel()
		}
	})
	elapsed := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if res.ExitCode != 1 {
		t.Errorf("exit code = %d, want 1: terraform should stop by itself, not be killed", res.ExitCode)
	}
	if elapsed > 30*time.Second {
		t.Errorf("apply took %v to stop", elapsed)
	}
	if !strings.Contains(strings.Join(got.texts, "\n"), "Interrupt received") {
		t.Errorf("no interrupt notice in %q", got.texts)
	}
}
