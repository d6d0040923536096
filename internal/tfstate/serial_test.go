package tfstate

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestBumpSerialKeepsEverythingElse(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			body := readFixture(t, name)
			m := mustInspect(t, body)
			got, err := BumpSerial(body, m.Serial+1, m.Lineage)
			if err != nil {
				t.Fatal(err)
			}
			want := bytes.Replace(body,
				[]byte(`"serial": `+strconv.FormatUint(m.Serial, 10)+`,`),
				[]byte(`"serial": `+strconv.FormatUint(m.Serial+1, 10)+`,`), 1)
			if !bytes.Equal(got, want) {
				t.Errorf("BumpSerial changed more than the serial:\n%s", got)
			}
			gm := mustInspect(t, got)
			m.Serial++
			m.Size = gm.Size
			if gm != m {
				t.Errorf("Meta after bump = %+v, want %+v", gm, m)
			}
		})
	}
}

func TestBumpSerial(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		serial  uint64
		lineage string
		want    string
		err     error
	}{
		{
			name:   "compact body comes out indented",
			body:   `{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"l","outputs":{},"resources":[],"check_results":null}`,
			serial: 18446744073709551615,
			want: `{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 18446744073709551615,
  "lineage": "l",
  "outputs": {},
  "resources": [],
  "check_results": null
}
`,
		},
		{
			name:   "unknown fields, escapes and order kept",
			body:   "\n {\"lineage\":\"l\",\"x\":\"<\\u003e\",\"serial\":0,\"version\":4}\n\n",
			serial: 7,
			want:   "{\n  \"lineage\": \"l\",\n  \"x\": \"<\\u003e\",\n  \"serial\": 7,\n  \"version\": 4\n}\n",
		},
		{
			name:    "lineage mismatch",
			body:    minimal(""),
			serial:  4,
			lineage: "other",
			err:     ErrLineageMismatch,
		},
		{
			name:   "invalid state",
			body:   `{"version": 3, "serial": 1, "lineage": "l"}`,
			serial: 4,
			err:    ErrInvalidState,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BumpSerial([]byte(tt.body), tt.serial, tt.lineage)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("BumpSerial =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestBumpSerialAcceptedByTerraform rolls v1 back over v2 the way the S3
// tooling does (serial = current + 1) and pushes it with the real
// terraform state push, without -force.
func TestBumpSerialAcceptedByTerraform(t *testing.T) {
	tf := terraformOrSkip(t)
	current := readFixture(t, "v2")
	cm := mustInspect(t, current)
	rolled, err := BumpSerial(readFixture(t, "v1"), cm.Serial+1, cm.Lineage)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPush(cm, mustInspect(t, rolled), false, false); err != nil {
		t.Fatalf("CheckPush refuses the rollback: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), current, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rollback.tfstate"), rolled, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tf, "state", "push", "-no-color", "-lock=false", "rollback.tfstate")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform state push: %v\n%s", err, out)
	}
	stored, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	got := Diff(parseFixture(t, "v1"), mustParse(t, stored), DiffOptions{})
	if len(got.Added)+len(got.Removed)+len(got.Changed) != 0 || !strings.Contains(string(stored), `"env": {`) {
		t.Errorf("stored state is not v1's content: %+v", got)
	}
}

func mustParse(t *testing.T, b []byte) *State {
	t.Helper()
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
