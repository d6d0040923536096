package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/infractl/infractl/internal/testenv"
)

// TestS3EndToEnd drives the S3 story through the CLI against moto and the
// real terraform s3 backend: bootstrap, backends, applies, locks while an
// apply runs, history, rollback, unlock.
func TestS3EndToEnd(t *testing.T) {
	moto := testenv.Moto(t)
	h := newHarness(t, map[string]string{
		"environments/dev/main.tf": tfMain(`resource "localfs_file" "cfg" {
  path    = "cfg.txt"
  content = "v1\n"
}
`),
	})
	for _, kv := range moto.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}

	// The environment starts with local state, as before any bucket.
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")

	bootstrap := []string{"bootstrap", "s3", "--bucket", "acme-tfstate", "--region", moto.Region, "--table", "tflocks", "--endpoint", moto.Endpoint}
	out := h.must(0, append(bootstrap, "--write-backends", "--skip-aws-checks")...)
	for _, want := range []string{"created", "dev", "backend.tf"} {
		if !strings.Contains(out, want) {
			t.Errorf("bootstrap output lacks %q:\n%s", want, out)
		}
	}
	if out := h.must(0, bootstrap...); !strings.Contains(out, "Nothing changed") {
		t.Errorf("second bootstrap:\n%s", out)
	}
	backend := h.read("environments/dev/backend.tf")
	for _, want := range []string{`key            = "dev/terraform.tfstate"`, `use_lockfile   = true`, `encrypt        = true`, `dynamodb_table = "tflocks"`} {
		if !strings.Contains(strings.Join(strings.Fields(backend), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("backend.tf lacks %s:\n%s", want, backend)
		}
	}
	// moto applies the TLS-only Deny to plain-HTTP requests too (it cannot
	// tell), so the tests talk to the bucket without it.
	dropBucketPolicy(t, moto, "acme-tfstate")
	h.must(0, "init", "dev", "--migrate-state")

	for _, content := range []string{"v2", "v3"} {
		h.write("environments/dev/main.tf", tfMain(`resource "localfs_file" "cfg" {
  path    = "cfg.txt"
  content = "`+content+`\n"
}
`))
		h.must(2, "plan", "dev")
		h.must(0, "apply", "dev")
	}
	var hist struct {
		Items []struct {
			ID      string `json:"version_id"`
			Serial  uint64 `json:"serial"`
			Current bool   `json:"current"`
		} `json:"items"`
	}
	h.mustJSON(0, &hist, "state", "history", "dev")
	if len(hist.Items) != 3 || !hist.Items[0].Current || hist.Items[0].Serial <= hist.Items[2].Serial {
		t.Fatalf("history after the migration and two applies: %+v", hist.Items)
	}
	if out := h.must(0, "state", "diff", "dev", hist.Items[2].ID, "current"); !strings.Contains(out, "~ localfs_file.cfg (content") {
		t.Errorf("diff:\n%s", out)
	}

	// A slow apply holds the lock: locks shows it in both places.
	t.Setenv("LOCALFS_READ_DELAY", "4s")
	done := make(chan int, 1)
	go func() {
		_, _, code := h.run("plan", "dev")
		done <- code
	}()
	var lockOut string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if lockOut = h.must(0, "locks", "dev"); strings.Contains(lockOut, "held") {
			break
		}
	}
	for _, re := range []string{`dev\s+[0-9a-f-]{36}\s+Plan\s+\S+\s+.*s3-lockfile\s+held`, `dev\s+[0-9a-f-]{36}\s+Plan\s+\S+\s+.*dynamodb\s+held`} {
		if !regexp.MustCompile(re).MatchString(lockOut) {
			t.Errorf("locks while a plan runs lacks %s:\n%s", re, lockOut)
		}
	}
	lockID := regexp.MustCompile(`dev\s+([0-9a-f-]{36})\s+Plan`).FindStringSubmatch(lockOut)
	if lockID == nil {
		t.Fatalf("no lock ID in:\n%s", lockOut)
	}
	out, errOut, code := h.run("unlock", "dev")
	if code != 1 || !strings.Contains(errOut, "name the lock to remove with --lock-id") || !strings.Contains(out, "Lock on dev (s3-lockfile): ID "+lockID[1]) {
		t.Errorf("unlock without --lock-id: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = h.run("unlock", "dev", "--lock-id", lockID[1])
	if code != 1 || !strings.Contains(errOut, "younger than --stale-after") {
		t.Errorf("unlock of a fresh lock without --force: exit %d\n%s", code, errOut)
	}
	if c := <-done; c != 0 {
		t.Errorf("the slow plan exited %d", c)
	}
	t.Setenv("LOCALFS_READ_DELAY", "")

	// Roll back to the first version (content v1). Terraform reads it
	// without a checksum error (the DynamoDB digest was updated) and, when
	// refreshing, finds the file on disk still says v3: one drifted
	// resource, which the configuration (v3) already matches.
	h.must(0, "state", "rollback", "dev", "--to", hist.Items[2].ID)
	var p planJSON
	h.mustJSON(0, &p, "plan", "dev")
	if e := p.Environments[0]; e.Drift != 1 || e.Error != "" {
		t.Errorf("plan after rollback: %+v, want one drifted resource and no error", e)
	}
	backups, _ := filepath.Glob(filepath.Join(h.root, ".infractl/backups/dev-serial*.tfstate"))
	if len(backups) != 1 {
		t.Errorf("backups after rollback: %v", backups)
	}
}

func dropBucketPolicy(t testing.TB, moto testenv.MotoServer, bucket string) {
	t.Helper()
	c := s3.New(s3.Options{
		Region:       moto.Region,
		BaseEndpoint: awsv2.String(moto.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(moto.AccessKey, moto.SecretKey, ""),
	})
	if _, err := c.DeleteBucketPolicy(context.Background(), &s3.DeleteBucketPolicyInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
}
