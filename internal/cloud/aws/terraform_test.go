package aws

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/provider/localfs"
	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/testenv"
	"github.com/infractl/infractl/internal/tfstate"
)

// tfEnv is one environment of a test estate driven by real terraform
// against moto with the s3 backend WriteBackends wrote.
type tfEnv struct {
	t   *testing.T
	p   testenv.ProviderSetup
	env []string
	dir string
	cfg Config
}

// newTFEnv bootstraps a bucket (and table), writes an estate with one
// environment "app" holding one localfs file, writes its backend with
// WriteBackends and runs terraform init.
func newTFEnv(t *testing.T, withTable, lockfile bool) *tfEnv {
	t.Helper()
	p := testenv.Provider(t)
	m := testenv.Moto(t)
	clearAWSEnv(t)
	conn := motoConnection(t)
	ctx := context.Background()
	opts := BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate")}
	if withTable {
		opts.Table = uniqueName("tflocks")
	}
	if _, err := Bootstrap(ctx, opts); err != nil {
		t.Fatal(err)
	}
	dropTLSPolicy(t, conn, opts.Bucket)

	root := testenv.TempEstate(t, map[string]string{
		"environments/app/main.tf": localfs.RequiredProviders + `
variable "content" {
  type = string
}

resource "localfs_file" "a" {
  path    = "a.txt"
  content = var.content
}
`,
	})
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteBackends(e, BackendsOptions{
		Bucket: opts.Bucket, Region: m.Region, Table: opts.Table,
		Endpoints:    Endpoints{S3: m.Endpoint, DynamoDB: m.Endpoint},
		UsePathStyle: true, SkipAWSChecks: true,
	}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "environments", "app")
	if !lockfile {
		path := filepath.Join(dir, BackendFileName)
		b, _ := os.ReadFile(path)
		b = bytes.Replace(b, []byte("use_lockfile   = true"), []byte("use_lockfile   = false"), 1)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Read the configuration back the way the CLI will.
	e, err = estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := e.Env("app")
	cfg, err := FromBackend(app.Backend)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.UseLockfile != lockfile || (cfg.Table != "") != withTable || cfg.Key != "app/terraform.tfstate" {
		t.Fatalf("config read back = %+v", cfg)
	}
	// FromBackend has no credentials (they come from the environment);
	// the Go side uses moto's explicitly.
	cfg.Connection = conn
	cfg.Endpoints.STS = ""

	env := append(p.Environ(), m.Env...)
	env = append(env, "LOCALFS_ROOT="+t.TempDir())
	te := &tfEnv{t: t, p: p, env: env, dir: dir, cfg: cfg}
	te.must("init", "-input=false", "-no-color")
	return te
}

// command is terraform args in the environment, in its own process group
// so a test can kill it together with its provider.
func (te *tfEnv) command(ctx context.Context, extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, te.p.Terraform, args...)
	cmd.Dir = te.dir
	cmd.Env = append(append([]string{}, te.env...), extraEnv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func (te *tfEnv) run(args ...string) (string, error) {
	te.t.Helper()
	out, err := te.command(context.Background(), nil, args...).CombinedOutput()
	return string(out), err
}

func (te *tfEnv) must(args ...string) string {
	te.t.Helper()
	out, err := te.run(args...)
	if err != nil {
		te.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (te *tfEnv) apply(content string) {
	te.t.Helper()
	te.must("apply", "-input=false", "-no-color", "-auto-approve", "-var", "content="+content)
}

// startSlowApply starts an apply whose refresh takes delay, and waits until
// it holds the state lock; it returns the running command and the locks.
func (te *tfEnv) startSlowApply(delay time.Duration, content string) (*exec.Cmd, *bytes.Buffer, []remotestate.Lock) {
	te.t.Helper()
	cmd := te.command(context.Background(), []string{"LOCALFS_READ_DELAY=" + delay.String()},
		"apply", "-input=false", "-no-color", "-auto-approve", "-var", "content="+content)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		te.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		locks, err := Locks(context.Background(), te.cfg)
		if err != nil {
			te.t.Fatal(err)
		}
		if len(locks) > 0 && locks[0].ID != "" {
			return cmd, &out, locks
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
	te.t.Fatalf("the slow apply never took the lock:\n%s", out.String())
	return nil, nil, nil
}

func TestTerraformS3Backend(t *testing.T) {
	for _, tc := range []struct {
		name            string
		table, lockfile bool
		sources         []string
	}{
		{"use_lockfile", false, true, []string{SourceLockfile}},
		{"dynamodb_table", true, false, []string{SourceDynamoDB}},
		{"both", true, true, []string{SourceLockfile, SourceDynamoDB}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			te := newTFEnv(t, tc.table, tc.lockfile)
			ctx := context.Background()
			b := openTest(t, te.cfg)

			// History after three applies: three versions, serials increasing.
			for _, content := range []string{"v1", "v2", "v3"} {
				te.apply(content)
			}
			versions, err := b.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(versions) != 3 {
				t.Fatalf("history after three applies: %+v", versions)
			}
			for i := 1; i < len(versions); i++ {
				if versions[i-1].Serial <= versions[i].Serial || versions[i].Lineage != versions[0].Lineage {
					t.Errorf("versions not newest first with increasing serials: %+v", versions)
				}
			}
			if !versions[0].Current || versions[0].Resources != 1 || versions[0].TerraformVersion == "" {
				t.Errorf("current version = %+v", versions[0])
			}
			if tc.table {
				body, _ := b.Body(ctx, "")
				sum := md5.Sum(body)
				if d, _ := b.Digest(ctx); d != hex.EncodeToString(sum[:]) {
					t.Fatalf("terraform's digest %q is not the MD5 of its state: the test reads the wrong item", d)
				}
			}

			// Two concurrent applies: the second fails on the lock, and
			// Locks shows the first one's holder meanwhile.
			first, firstOut, locks := te.startSlowApply(4*time.Second, "v3")
			if len(locks) != len(tc.sources) {
				// Terraform takes the lock file first: look again once.
				time.Sleep(200 * time.Millisecond)
				locks, _ = Locks(ctx, te.cfg)
			}
			if len(locks) != len(tc.sources) {
				t.Fatalf("locks during apply = %+v, want sources %v", locks, tc.sources)
			}
			for i, l := range locks {
				if l.Source != tc.sources[i] || l.Operation != "OperationTypeApply" || l.Who == "" || l.Problem != "" ||
					l.Path != te.cfg.LockID() || l.Version == "" || l.Age(time.Now()) > time.Minute {
					t.Errorf("lock %d during apply = %+v", i, l)
				}
			}
			out, err := te.run("apply", "-input=false", "-no-color", "-auto-approve", "-var", "content=v3")
			if err == nil || !strings.Contains(out, "Error acquiring the state lock") || !strings.Contains(out, locks[0].ID) {
				t.Errorf("concurrent apply: err %v\n%s", err, out)
			}
			if err := first.Wait(); err != nil {
				t.Fatalf("the first apply failed: %v\n%s", err, firstOut)
			}
			if locks, _ := Locks(ctx, te.cfg); len(locks) != 0 {
				t.Fatalf("locks after the apply: %+v", locks)
			}

			// A killed apply leaves its lock: unlock refuses a wrong ID,
			// then removes it by its ID, and terraform works again.
			killed, _, locks := te.startSlowApply(30*time.Second, "v3")
			time.Sleep(300 * time.Millisecond) // both locks taken
			_ = syscall.Kill(-killed.Process.Pid, syscall.SIGKILL)
			_ = killed.Wait()
			locks, err = Locks(ctx, te.cfg)
			if err != nil || len(locks) != len(tc.sources) {
				t.Fatalf("locks after kill: %+v, %v", locks, err)
			}
			var mismatch *LockMismatchError
			if _, err := b.Unlock(ctx, "not-the-id"); !errors.As(err, &mismatch) {
				t.Fatalf("unlock with a wrong ID: %v", err)
			}
			removed, err := b.Unlock(ctx, locks[0].ID)
			if err != nil || len(removed) != len(tc.sources) {
				t.Fatalf("unlock: %+v, %v", removed, err)
			}
			te.must("plan", "-input=false", "-no-color", "-var", "content=v3")

			// Lineage refusal: a foreign state stored as a version (the
			// current state put back on top, digest kept right) is refused.
			current, _ := b.Body(ctx, "")
			curMeta, _ := tfstate.Inspect(current)
			foreign := putState(t, b, stateBody(curMeta.Serial+5, lineageB, 1))
			putState(t, b, current)
			if tc.table {
				sum := md5.Sum(current)
				if err := b.putDigest(ctx, hex.EncodeToString(sum[:])); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.Rollback(ctx, foreign, remotestate.RollbackOptions{}); !errors.Is(err, tfstate.ErrLineageMismatch) {
				t.Fatalf("rollback to another lineage: %v", err)
			}

			// Rollback to the first version: the next plan reads the old
			// state without a checksum error and shows the way back.
			oldest := versions[len(versions)-1]
			var backup []byte
			b.Backup = func(_ remotestate.Version, body []byte) error { backup = body; return nil }
			v, err := b.Rollback(ctx, oldest.ID, remotestate.RollbackOptions{Who: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if v.Serial != curMeta.Serial+1 || v.Lineage != oldest.Lineage || string(backup) != string(current) {
				t.Errorf("rolled back to %+v (current was serial %d)", v, curMeta.Serial)
			}
			out = te.must("plan", "-input=false", "-no-color", "-refresh=false", "-var", "content=v3")
			if !strings.Contains(out, `"v1" -> "v3"`) || strings.Contains(out, "checksum") {
				t.Errorf("plan after rollback does not show v1 -> v3:\n%s", out)
			}
			out = te.must("plan", "-input=false", "-no-color", "-var", "content=v3")
			if strings.Contains(out, "checksum") {
				t.Errorf("plan after rollback:\n%s", out)
			}
			// Terraform carries on from the rolled-back state. (Applying
			// "v1" would write nothing: the state already says v1.)
			te.apply("v2")
			if versions, _ := b.Versions(ctx); versions[0].Serial <= v.Serial {
				t.Errorf("terraform did not write on top of the rollback: %+v", versions[0])
			}
		})
	}
}

// TestTerraformNeedsTheDigest is the negative control for the rollback's
// digest update: a state written without it fails terraform's checksum
// check, so the rollback test above would notice a missing update.
func TestTerraformNeedsTheDigest(t *testing.T) {
	if testing.Short() {
		t.Skip("terraform retries the checksum for 10 s")
	}
	te := newTFEnv(t, true, true)
	te.apply("v1")
	b := openTest(t, te.cfg)
	body, err := b.Body(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := tfstate.Inspect(body)
	bumped, err := tfstate.BumpSerial(body, m.Serial+1, m.Lineage)
	if err != nil {
		t.Fatal(err)
	}
	putState(t, b, bumped)
	out, err := te.run("plan", "-input=false", "-no-color", "-var", "content=v1")
	if err == nil || !strings.Contains(out, "checksum") {
		t.Fatalf("plan over a state without its digest: %v\n%s", err, out)
	}
	sum := md5.Sum(bumped)
	if !strings.Contains(out, hex.EncodeToString(sum[:])) {
		t.Errorf("terraform's message does not name the MD5 we compute:\n%s", out)
	}
}
