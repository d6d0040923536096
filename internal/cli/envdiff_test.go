package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvDiffReferenceEstate(t *testing.T) {
	md, errOut, code := runStatic(t, referenceEstate, "env", "diff", "prod", "staging", "-o", "markdown")
	if code != ExitOK || !strings.HasPrefix(md, "# How staging differs from prod\n") {
		t.Fatalf("exit %d\n%s%s", code, md, errOut)
	}
	for _, want := range []string{"| `node_instance_types` | `[\"m6i.xlarge\"]` | `[\"m6i.large\"]` |", "expected to differ", "22 other variable values are identical"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	var d struct {
		A, B        string
		Differences int
		Sections    []struct {
			ID   string
			Rows []struct{ Name, Change string }
		}
	}
	out, _, code := runStatic(t, referenceEstate, "env", "diff", "prod", "staging", "-o", "json")
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != ExitOK || d.A != "prod" || d.B != "staging" || d.Differences != 28 {
		t.Fatalf("json: exit %d, %v, %+v", code, err, d)
	}
	text, _, _ := runStatic(t, referenceEstate, "env", "diff", "prod", "staging")
	if !strings.HasPrefix(text, "staging compared with prod\n") {
		t.Errorf("text output:\n%s", text)
	}
}

func TestEnvDiffErrors(t *testing.T) {
	if _, errOut, code := runStatic(t, referenceEstate, "env", "diff", "prod", "qa"); code != ExitError || !strings.Contains(errOut, `unknown environment "qa"`) {
		t.Errorf("unknown environment: exit %d, %s", code, errOut)
	}
	if _, errOut, code := runStatic(t, referenceEstate, "env", "diff", "prod", "staging", "-o", "sarif"); code != ExitError || !strings.Contains(errOut, "not supported") {
		t.Errorf("-o sarif: exit %d, %s", code, errOut)
	}
	root := t.TempDir()
	writeTestFile(t, filepath.Join(root, "environments", "a", "main.tf"), "terraform {}\n")
	writeTestFile(t, filepath.Join(root, "environments", "b", "main.tf"), "terraform {\n")
	if _, errOut, code := runStatic(t, root, "env", "diff", "a", "b"); code != ExitError || !strings.Contains(errOut, "environment b cannot be read") {
		t.Errorf("broken environment: exit %d, %s", code, errOut)
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
