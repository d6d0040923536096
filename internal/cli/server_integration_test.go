package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/server/client"
	"github.com/infractl/infractl/internal/statestore"
)

// startServer runs an infractl state server in-process on a free port.
func startServer(t *testing.T) *server.Server {
	t.Helper()
	srv, err := server.New(server.Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	return srv
}

func httpBackend(url, name string) string {
	state := url + "/v1/states/" + name
	return `terraform {
  backend "http" {
    address        = "` + state + `"
    lock_address   = "` + state + `/lock"
    unlock_address = "` + state + `/lock"
  }
}
`
}

func TestStateCommandsOnTheServer(t *testing.T) {
	srv := startServer(t)
	h := newHarness(t, map[string]string{
		"environments/prod/backend.tf": httpBackend(srv.URL(), "ml/prod"),
		"environments/prod/main.tf":    `resource "terraform_data" "a" { input = "one" }`,
	})
	h.must(2, "plan", "prod")
	h.must(0, "apply", "prod")
	h.write("environments/prod/main.tf", `resource "terraform_data" "a" { input = "one" }
resource "terraform_data" "b" { input = "two" }
`)
	h.must(2, "plan", "prod")
	h.must(0, "apply", "prod")

	var hist struct {
		Items []struct {
			ID        string `json:"version_id"`
			Serial    uint64 `json:"serial"`
			Resources int    `json:"resources"`
			Current   bool   `json:"current"`
		} `json:"items"`
	}
	h.mustJSON(0, &hist, "state", "history", "prod")
	if len(hist.Items) != 2 || !hist.Items[0].Current || hist.Items[0].Resources != 2 || hist.Items[1].Resources != 1 {
		t.Fatalf("history: %+v", hist.Items)
	}
	first := hist.Items[1].ID
	if out := h.must(0, "state", "diff", "prod", first, "current"); !strings.Contains(out, "+ terraform_data.b") {
		t.Errorf("diff:\n%s", out)
	}

	var dj struct {
		Environment string `json:"environment"`
		From        struct {
			ID     string `json:"version_id"`
			Serial uint64 `json:"serial"`
		} `json:"from"`
		To struct {
			ID     string `json:"version_id"`
			Serial uint64 `json:"serial"`
		} `json:"to"`
		Diff struct {
			Added []struct {
				Address string `json:"address"`
			} `json:"added"`
		} `json:"diff"`
	}
	h.mustJSON(0, &dj, "state", "diff", "prod", first, "current")
	if dj.From.ID != first || dj.To.ID != "current" || dj.To.Serial <= dj.From.Serial || len(dj.Diff.Added) != 1 || dj.Diff.Added[0].Address != "terraform_data.b" {
		t.Errorf("diff -o json: %+v", dj)
	}

	out := h.must(0, "state", "rollback", "prod", "--to", first)
	if !regexp.MustCompile(`Backed up the state before the rollback \(serial \d+\) to .*/\.infractl/backups/prod-serial\d+-`).MatchString(out) {
		t.Errorf("rollback output:\n%s", out)
	}
	// Terraform reads the rolled-back state without complaint and wants b back.
	var p planJSON
	h.mustJSON(2, &p, "plan", "prod")
	if e := p.Environments[0]; e.Add != 1 || e.Destroy != 0 {
		t.Errorf("plan after rollback: add %d destroy %d, want add 1 (terraform_data.b)", e.Add, e.Destroy)
	}

	// A lock held by someone else: shown, flagged stale, and only broken
	// with the right ID.
	c, err := client.New(srv.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	holder := statestore.LockInfo{ID: "11111111-2222-3333-4444-555555555555", Operation: "OperationTypeApply", Who: "ci@runner-7", Version: "1.11.4", Created: time.Now().Add(-3 * time.Hour)}
	if err := c.Lock(context.Background(), "ml/prod", holder); err != nil {
		t.Fatal(err)
	}
	out = h.must(0, "locks", "--all")
	if !regexp.MustCompile(`prod\s+11111111-2222-3333-4444-555555555555\s+Apply\s+ci@runner-7\s+.*server\s+STALE`).MatchString(out) {
		t.Errorf("locks:\n%s", out)
	}
	_, errOut, code := h.run("unlock", "prod", "--lock-id", "wrong")
	if code != 1 || !strings.Contains(errOut, "no lock on prod has ID wrong (held: 11111111-2222-3333-4444-555555555555)") {
		t.Errorf("unlock with a wrong ID: exit %d\n%s", code, errOut)
	}
	h.must(0, "unlock", "prod", "--lock-id", holder.ID)
	log, err := os.ReadFile(filepath.Join(h.root, ".infractl/unlocks.log"))
	if err != nil || !strings.Contains(string(log), holder.ID) {
		t.Errorf("unlocks.log: %s %v", log, err)
	}
	if out := h.must(0, "locks", "prod"); !strings.Contains(out, "unlocked") {
		t.Errorf("locks after unlock:\n%s", out)
	}
}
