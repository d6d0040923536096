package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// runStatic runs infractl in-process on an estate for commands that never
// start terraform (lint, env diff).
func runStatic(t *testing.T, root string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"--chdir", root}, args...), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

var (
	referenceEstate = filepath.Join("..", "..", "examples", "ml-platform")
	seedEstate      = filepath.Join("..", "lint", "testdata", "fixtures", "seed")
)

func TestLintReferenceEstateIsClean(t *testing.T) {
	out, errOut, code := runStatic(t, referenceEstate, "lint", "--all")
	if code != ExitOK || !strings.Contains(out, "0 errors, 0 warnings, 0 notes in 3 environments") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// No arguments lints everything too.
	if out2, _, code := runStatic(t, referenceEstate, "lint"); code != ExitOK || out2 != out {
		t.Errorf("lint without arguments: exit %d\n%s", code, out2)
	}
}

func TestLintSeedFailsWithFindings(t *testing.T) {
	out, errOut, code := runStatic(t, seedEstate, "lint", "--all")
	if code != ExitError {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"environments/prod/backend.tf:19:5: error IFX004 unsupported-backend-argument: versioning",
		"fix: Remove it: versioning is a property of the bucket",
		"IFX005 deprecated-dynamodb-lock",
		"IFX009 overlapping-cidr",
		"2 errors, 6 warnings",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if errOut != "" {
		t.Errorf("findings are not errors of the command; stderr: %s", errOut)
	}
}

func TestLintFormats(t *testing.T) {
	var report struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Severity string `json:"severity"`
			Location struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
		ExitCode int `json:"exit_code"`
	}
	out, _, code := runStatic(t, seedEstate, "lint", "prod", "--format", "json")
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != ExitError || report.ExitCode != 1 || len(report.Findings) == 0 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	// -o is honoured when --format is absent, and --format wins over it.
	if out, _, _ := runStatic(t, seedEstate, "lint", "-o", "sarif"); !strings.Contains(out, `"version": "2.1.0"`) {
		t.Errorf("-o sarif did not give SARIF:\n%.300s", out)
	}
	if out, _, _ := runStatic(t, seedEstate, "lint", "-o", "json", "--format", "text"); !strings.Contains(out, "error IFX004") {
		t.Errorf("--format text did not win over -o json:\n%.300s", out)
	}
	if _, errOut, code := runStatic(t, seedEstate, "lint", "--format", "xml"); code != ExitError || !strings.Contains(errOut, "text, json or sarif") {
		t.Errorf("--format xml: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runStatic(t, seedEstate, "lint", "qa"); code != ExitError || !strings.Contains(errOut, `unknown environment "qa"`) {
		t.Errorf("unknown environment: exit %d, %s", code, errOut)
	}
}

func TestRepoPrefix(t *testing.T) {
	root := t.TempDir()
	writeTestFile(t, filepath.Join(root, ".git", "HEAD"), "ref: refs/heads/main\n")
	writeTestFile(t, filepath.Join(root, "infra", "envs", "x.tf"), "")
	if got := repoPrefix(filepath.Join(root, "infra")); got != "infra" {
		t.Errorf("repoPrefix = %q, want infra", got)
	}
	if got := repoPrefix(root); got != "" {
		t.Errorf("repoPrefix at the work tree root = %q", got)
	}
}
