package envops

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
)

func loadEnv(t *testing.T) *estate.Environment {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "environments", "dev")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`resource "terraform_data" "x" {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return e.Environments[0]
}

func TestSavedPlan(t *testing.T) {
	env := loadEnv(t)
	if _, err := SavedPlan(env); !errors.Is(err, ErrNoSavedPlan) || !strings.Contains(err.Error(), "run `infractl plan dev` first") {
		t.Fatalf("no plan: %v", err)
	}
	hash, err := env.ConfigHash()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(PlanPath(env), []byte("plan"), 0o600)
	if _, err := SavedPlan(env); !errors.Is(err, ErrNoSavedPlan) || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("plan without record: %v", err)
	}
	meta := PlanMeta{Environment: "dev", ConfigHash: hash, CreatedAt: time.Now(), Summary: &plan.Summary{Name: "dev"}}
	if err := writeJSON(planMetaPath(env), meta); err != nil {
		t.Fatal(err)
	}
	got, err := SavedPlan(env)
	if err != nil || got.ConfigHash != hash {
		t.Fatalf("valid plan: %v %+v", err, got)
	}
	os.WriteFile(filepath.Join(env.Dir, "extra.tfvars"), []byte("a = 1\n"), 0o644)
	os.WriteFile(filepath.Join(env.Dir, "main.tf"), []byte(`resource "terraform_data" "y" {}`), 0o644)
	if _, err := SavedPlan(env); !errors.Is(err, ErrStalePlan) || !strings.Contains(err.Error(), "run `infractl plan dev` again") {
		t.Fatalf("edited config: %v", err)
	}
	if err := removeSavedPlan(env); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(PlanPath(env)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("plan file still there: %v", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	p := filepath.Join(dir, "f.json")
	if err := writeFileAtomic(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	info, _ := os.Stat(p)
	dinfo, _ := os.Stat(dir)
	if string(b) != "two" || info.Mode().Perm() != 0o600 || dinfo.Mode().Perm() != 0o700 {
		t.Errorf("content %q mode %o dir mode %o", b, info.Mode().Perm(), dinfo.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteBackupRefusesInvalidState(t *testing.T) {
	env := loadEnv(t)
	s := &Service{Root: t.TempDir(), Now: func() time.Time { return time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC) }}
	if _, err := s.writeBackup(env, "", []byte(`{"version":3}`)); err == nil || !strings.Contains(err.Error(), "not a valid v4 state") {
		t.Fatalf("v3 body: %v", err)
	}
	body := []byte(`{"version":4,"terraform_version":"1.11.4","serial":7,"lineage":"l-1","outputs":{},"resources":[],"check_results":null}`)
	b, err := s.writeBackup(env, "", body)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(s.Root, DefaultBackupDir, "dev-serial7-20261125T170000.000000000Z.tfstate")
	if b.Path != want || b.Serial != 7 || b.Lineage != "l-1" {
		t.Errorf("backup %+v, want path %s", b, want)
	}
}

func TestWorkspace(t *testing.T) {
	env := loadEnv(t)
	t.Setenv("TF_WORKSPACE", "")
	if got := Workspace(env); got != "default" {
		t.Errorf("no selection: %q", got)
	}
	os.MkdirAll(filepath.Join(env.Dir, ".terraform"), 0o755)
	os.WriteFile(filepath.Join(env.Dir, ".terraform", "environment"), []byte("blue\n"), 0o644)
	if got := Workspace(env); got != "blue" {
		t.Errorf("selected workspace: %q, want blue", got)
	}
	t.Setenv("TF_WORKSPACE", "green")
	if got := Workspace(env); got != "green" {
		t.Errorf("TF_WORKSPACE: %q, want green", got)
	}
}
