package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/testenv"
)

// Real terraform (testenv.Terraform: skipped when missing, failing under
// INFRACTL_REQUIRE_INTEGRATION=1) against the real server, started
// in-process on 127.0.0.1:0. The resources are terraform_data, built into
// terraform, so nothing is downloaded.

// tfDir is a terraform working directory.
type tfDir struct {
	t   *testing.T
	bin string
	dir string
}

func newTFDir(t *testing.T, mainTF string) *tfDir {
	t.Helper()
	bin := testenv.Terraform(t)
	return &tfDir{t: t, bin: bin, dir: testenv.TempEstate(t, map[string]string{"main.tf": mainTF})}
}

// backendBlock is the http backend of state name on the server at url.
func backendBlock(url, name string) string {
	return fmt.Sprintf(`terraform {
  backend "http" {
    address        = "%[1]s/v1/states/%[2]s"
    lock_address   = "%[1]s/v1/states/%[2]s/lock"
    unlock_address = "%[1]s/v1/states/%[2]s/lock"
    retry_wait_min = 0
  }
}
`, url, name)
}

// tfEnv is this process's environment without variables that would change
// terraform's behaviour behind the test's back, plus automation settings.
func tfEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"TF_CLI_ARGS_init=-no-color", "TF_CLI_ARGS_plan=-no-color", "TF_CLI_ARGS_apply=-no-color",
		"TF_CLI_ARGS_destroy=-no-color", "TF_CLI_ARGS_force-unlock=-no-color")
}

func (d *tfDir) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, d.bin, args...)
	cmd.Dir = d.dir
	cmd.Env = tfEnv()
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs terraform and returns its combined output and exit code.
func (d *tfDir) run(args ...string) (string, int) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := d.command(ctx, args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		d.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		return "", -1
	}
}

// must runs terraform and fails the test unless it exits 0.
func (d *tfDir) must(args ...string) string {
	d.t.Helper()
	out, code := d.run(args...)
	if code != 0 {
		d.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

func (d *tfDir) write(name, content string) {
	d.t.Helper()
	if err := os.WriteFile(filepath.Join(d.dir, name), []byte(content), 0o644); err != nil {
		d.t.Fatal(err)
	}
}

// versions lists a state's history through the client, newest first.
func (ts *testServer) versions(t *testing.T, name string) []api.Version {
	t.Helper()
	vs, err := ts.client.AllVersions(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// checkSerialsIncrease fails unless the history's serials strictly
// increase from oldest to newest (so no version was lost or reordered).
func checkSerialsIncrease(t *testing.T, vs []api.Version) {
	t.Helper()
	for i := 1; i < len(vs); i++ {
		if vs[i].Serial >= vs[i-1].Serial {
			t.Errorf("serials not strictly increasing: version %d has serial %d, the newer one %d", i, vs[i].Serial, vs[i-1].Serial)
		}
	}
}

func TestTerraformInitPlanApplyDestroy(t *testing.T) {
	ts := startServer(t, server.Config{})
	d := newTFDir(t, backendBlock(ts.URL(), "ml-platform/dev")+`
resource "terraform_data" "a" { input = "one" }
resource "terraform_data" "b" { input = "two" }
`)
	d.must("init", "-input=false")
	out := d.must("plan", "-input=false")
	if !strings.Contains(out, "2 to add") {
		t.Errorf("plan:\n%s", out)
	}
	if vs := ts.versions(t, "ml-platform/dev"); len(vs) != 0 {
		t.Errorf("plan wrote %d versions", len(vs))
	}
	d.must("apply", "-input=false", "-auto-approve")

	body, err := ts.client.Get(context.Background(), "ml-platform/dev")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Serial    uint64            `json:"serial"`
		Resources []json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(body, &st); err != nil || len(st.Resources) != 2 {
		t.Fatalf("state after apply: %v, %d resources", err, len(st.Resources))
	}
	vs := ts.versions(t, "ml-platform/dev")
	if len(vs) == 0 || !vs[0].Current || vs[0].Serial != st.Serial || vs[0].Resources != 2 || vs[0].TerraformVersion == "" {
		t.Fatalf("history after apply: %+v", vs)
	}
	if vs[0].LockID == "" || vs[0].Who == "" {
		t.Errorf("the apply's version does not record its lock: %+v", vs[0])
	}
	out = d.must("plan", "-input=false", "-detailed-exitcode")
	if !strings.Contains(out, "No changes") {
		t.Errorf("plan after apply:\n%s", out)
	}
	d.must("destroy", "-input=false", "-auto-approve")
	after := ts.versions(t, "ml-platform/dev")
	checkSerialsIncrease(t, after)
	if len(after) <= len(vs) || after[0].Resources != 0 {
		t.Errorf("destroy left history %+v", after)
	}
	locks, err := ts.client.Locks(context.Background())
	if err != nil || len(locks) != 0 {
		t.Errorf("locks after the runs: %v, %v", locks, err)
	}
}

func TestTerraformMigrateStateIntoTheServer(t *testing.T) {
	ts := startServer(t, server.Config{})
	resources := `
resource "terraform_data" "a" { input = "one" }
`
	d := newTFDir(t, resources)
	d.must("init", "-input=false")
	d.must("apply", "-input=false", "-auto-approve")
	local, err := os.ReadFile(filepath.Join(d.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var localState struct {
		Resources []struct {
			Instances []struct {
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(local, &localState); err != nil || len(localState.Resources) != 1 {
		t.Fatalf("local state: %v", err)
	}
	id := localState.Resources[0].Instances[0].Attributes.ID

	d.write("main.tf", backendBlock(ts.URL(), "migrated")+resources)
	out := d.must("init", "-input=false", "-migrate-state", "-force-copy")
	if !strings.Contains(out, "Successfully configured the backend \"http\"") {
		t.Errorf("init -migrate-state:\n%s", out)
	}
	// Terraform 1.11 gives a migrated state a new lineage when the
	// destination is empty (the http backend writes it as a new state);
	// the server keeps what it is sent: the same resources.
	vs := ts.versions(t, "migrated")
	if len(vs) != 1 || vs[0].Resources != 1 || vs[0].LockID == "" {
		t.Fatalf("history after migration: %+v", vs)
	}
	body, err := ts.client.Get(context.Background(), "migrated")
	if err != nil || !strings.Contains(string(body), `"id": "`+id+`"`) {
		t.Fatalf("migrated state lacks resource %s (err %v)", id, err)
	}
	out = d.must("plan", "-input=false", "-detailed-exitcode")
	if !strings.Contains(out, "No changes") {
		t.Errorf("plan after migration:\n%s", out)
	}
}

func TestTerraformConcurrentApplies(t *testing.T) {
	ts := startServer(t, server.Config{})
	const name = "shared/prod"
	mainTF := backendBlock(ts.URL(), name) + `
resource "terraform_data" "slow" {
  input = "v1"
  provisioner "local-exec" { command = "sleep 4" }
}
`
	first := newTFDir(t, mainTF)
	second := newTFDir(t, mainTF)
	first.must("init", "-input=false")
	second.must("init", "-input=false")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := first.command(ctx, "apply", "-input=false", "-auto-approve")
	var firstOut strings.Builder
	cmd.Stdout, cmd.Stderr = &firstOut, &firstOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	holder := waitForLock(t, ts, name)
	if holder.Operation != "OperationTypeApply" || holder.Who == "" {
		t.Errorf("held lock: %+v", holder)
	}

	out, code := second.run("apply", "-input=false", "-auto-approve", "-lock-timeout=0s")
	if code == 0 {
		t.Fatalf("the second apply succeeded while the first held the lock:\n%s", out)
	}
	if !strings.Contains(out, "Error acquiring the state lock") || !strings.Contains(out, "ID="+holder.ID) {
		t.Errorf("the second apply's error does not name the holder %s:\n%s", holder.ID, out)
	}

	if err := cmd.Wait(); err != nil {
		t.Fatalf("the first apply failed: %v\n%s", err, firstOut.String())
	}
	vs := ts.versions(t, name)
	checkSerialsIncrease(t, vs)
	if len(vs) == 0 || vs[0].Resources != 1 || vs[0].LockID != holder.ID {
		t.Errorf("history after the applies: %+v", vs)
	}
	second.must("plan", "-input=false", "-detailed-exitcode") // sees the first's resource: no changes
}

// waitForLock polls until the state is locked and returns the lock.
func waitForLock(t *testing.T, ts *testServer, name string) *api.Lock {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		l, err := ts.client.HeldLock(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if l != nil {
			return l
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("state %s was never locked", name)
	return nil
}

func TestTerraformForceUnlock(t *testing.T) {
	ts := startServer(t, server.Config{})
	d := newTFDir(t, backendBlock(ts.URL(), "dev")+`
resource "terraform_data" "a" { input = "one" }
`)
	d.must("init", "-input=false")
	// A crashed run left its lock behind.
	if err := ts.client.Lock(context.Background(), "dev", lockInfo("crashed-run-lock")); err != nil {
		t.Fatal(err)
	}
	out, code := d.run("plan", "-input=false", "-lock-timeout=0s")
	if code == 0 || !strings.Contains(out, "Error acquiring the state lock") || !strings.Contains(out, "ID=crashed-run-lock") {
		t.Fatalf("plan on a locked state (exit %d) does not name the holder:\n%s", code, out)
	}
	out = d.must("force-unlock", "-force", "crashed-run-lock")
	if !strings.Contains(out, "Terraform state has been successfully unlocked!") {
		t.Errorf("force-unlock:\n%s", out)
	}
	lines := ts.logs.lines(t, "force-unlock removed a held lock")
	if len(lines) != 1 || lines[0]["lock_id"] != "crashed-run-lock" || lines[0]["who"] != "root@vm" {
		t.Errorf("force-unlock log lines: %v", lines)
	}
	d.must("apply", "-input=false", "-auto-approve")
}

func TestTerraformLineageAndSerialRefusals(t *testing.T) {
	ts := startServer(t, server.Config{})
	d := newTFDir(t, backendBlock(ts.URL(), "dev")+`
resource "terraform_data" "a" { input = "one" }
`)
	d.must("init", "-input=false")
	d.must("apply", "-input=false", "-auto-approve")
	cur := ts.versions(t, "dev")[0]

	// Terraform's own check refuses a push of another lineage; with
	// -force the push reaches the server, which refuses it too.
	d.write("other.tfstate", string(stateBody("other-lineage", cur.Serial+10, 1)))
	out, code := d.run("state", "push", "other.tfstate")
	if code == 0 || !strings.Contains(out, "lineage") {
		t.Errorf("state push of another lineage (exit %d):\n%s", code, out)
	}
	out, code = d.run("state", "push", "-force", "other.tfstate")
	if code == 0 || !strings.Contains(out, "409") {
		t.Errorf("state push -force of another lineage (exit %d), want the server's 409:\n%s", code, out)
	}

	// A lower serial of the same lineage: the same, for serials.
	d.write("old.tfstate", string(stateBody(cur.Lineage, 0, 1)))
	out, code = d.run("state", "push", "-force", "old.tfstate")
	if code == 0 || !strings.Contains(out, "409") {
		t.Errorf("state push -force of an older serial (exit %d), want the server's 409:\n%s", code, out)
	}
	if now := ts.versions(t, "dev")[0]; now.Serial != cur.Serial || now.Lineage != cur.Lineage {
		t.Errorf("a refused push changed the state: %+v, was %+v", now, cur)
	}
	// The refusal is in the server's access log with its explanation.
	found := false
	for _, l := range ts.logs.lines(t, "request") {
		if l["status"] == float64(409) && strings.Contains(fmt.Sprint(l["error"]), `unrelated state with lineage "`+cur.Lineage+`"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no logged 409 explains the lineage refusal:\n%s", ts.logs)
	}
}

func TestTerraformRollbackThenPlan(t *testing.T) {
	ts := startServer(t, server.Config{})
	base := backendBlock(ts.URL(), "app/prod") + `
resource "terraform_data" "a" { input = "one" }
`
	d := newTFDir(t, base)
	d.must("init", "-input=false")
	d.must("apply", "-input=false", "-auto-approve")
	good := ts.versions(t, "app/prod")[0]

	d.write("main.tf", base+`resource "terraform_data" "b" { input = "two" }
`)
	d.must("apply", "-input=false", "-auto-approve")
	bad := ts.versions(t, "app/prod")[0]

	v, err := ts.client.Rollback(context.Background(), "app/prod", good.Serial, "test")
	if err != nil {
		t.Fatal(err)
	}
	if v.Serial != bad.Serial+1 || v.Lineage != good.Lineage || v.RolledBackFrom == nil || *v.RolledBackFrom != good.Serial || v.Resources != 1 || !v.Current {
		t.Errorf("rollback version: %+v (good %d, bad %d)", v, good.Serial, bad.Serial)
	}
	// Terraform accepts the restored state as newer and wants b back.
	out, code := d.run("plan", "-input=false", "-detailed-exitcode")
	if code != 2 || !strings.Contains(out, "terraform_data.b will be created") || !strings.Contains(out, "1 to add, 0 to change, 0 to destroy") {
		t.Errorf("plan after rollback (exit %d):\n%s", code, out)
	}
	d.must("apply", "-input=false", "-auto-approve")
	checkSerialsIncrease(t, ts.versions(t, "app/prod"))
}
