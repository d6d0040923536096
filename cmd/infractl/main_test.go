package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/testenv"
)

// buildInfractl builds this command into a temporary directory: the demo
// needs the real binary, since it is also the demo's provider.
func buildInfractl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "infractl")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestDemo runs `infractl demo --no-wait` end to end, as a user would on a
// fresh machine: real terraform, the embedded state server, the provider
// inside the binary.
func TestDemo(t *testing.T) {
	tf := testenv.Terraform(t)
	bin := buildInfractl(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "demo", "--no-wait", "--dir", t.TempDir())
	cmd.Env = append(os.Environ(), "INFRACTL_TF_BINARY="+tf, "NO_COLOR=1", "TF_CLI_CONFIG_FILE=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("infractl demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	got := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^prod\s+applied\s+2\s+0\s+0`),                            // first apply
		regexp.MustCompile(`(?m)^prod\s+applied\s+0\s+1\s+0`),                            // the roll-out
		regexp.MustCompile(`(?m)^prod\s+[0-9a-f-]{36}\s+Apply\s+\S+@\S+.*server\s+held`), // locks shows the holder
		regexp.MustCompile(`Error: Error acquiring the state lock`),
		regexp.MustCompile(`HTTP remote state already locked: ID=[0-9a-f-]{36}`),
		regexp.MustCompile(`(?m)^prod\s+drift\s+1\s+0\s+0`),
		regexp.MustCompile(`localfs_file\.model_config\s+update\s+content`),
		regexp.MustCompile(`(?m)^2\s+2\s+.*\(current\)`),
		regexp.MustCompile(`~ localfs_file\.model_config \(content`),
	} {
		if !want.MatchString(got) {
			t.Errorf("demo output lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", got)
	}
	if strings.Contains(got, "registry.example.internal/churn-model") {
		t.Error("the demo printed attribute values; only paths should show")
	}
}

// TestDemoServesUntilInterrupted checks the end of the demo: it keeps the
// state server up, prints its URL, and stops cleanly on Ctrl-C.
func TestDemoServesUntilInterrupted(t *testing.T) {
	tf := testenv.Terraform(t)
	bin := buildInfractl(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "demo", "--dir", t.TempDir())
	cmd.Env = append(os.Environ(), "INFRACTL_TF_BINARY="+tf, "NO_COLOR=1", "TF_CLI_CONFIG_FILE=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := regexp.MustCompile(`keeps running at (http://127\.0\.0\.1:\d+)`)
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	var base string
	for base == "" {
		n, err := stdout.Read(buf)
		seen.Write(buf[:n])
		if m := url.FindStringSubmatch(seen.String()); m != nil && strings.Contains(seen.String(), "Press Ctrl-C") {
			base = m[1]
		}
		if err != nil {
			t.Fatalf("demo ended before serving: %v\nstdout:\n%s\nstderr:\n%s", err, seen.String(), errb.String())
		}
	}
	resp, err := http.Get(base + "/v1/states")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, env := range []string{"ml-platform/dev", "ml-platform/staging", "ml-platform/prod"} {
		if !strings.Contains(string(body), `"`+env+`"`) {
			t.Errorf("GET /v1/states lacks %s: %s", env, body)
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Errorf("demo after Ctrl-C: %v\nstderr:\n%s", err, errb.String())
	}
}
