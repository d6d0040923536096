package envdiff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func compare(t *testing.T, root, a, b string) *Diff {
	t.Helper()
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	ea, err := e.Env(a)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := e.Env(b)
	if err != nil {
		t.Fatal(err)
	}
	if ea.Err != nil || eb.Err != nil {
		t.Fatalf("invalid fixture: %v %v", ea.Err, eb.Err)
	}
	return Compare(ea, eb)
}

func outputs(t *testing.T, d *Diff) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for ext, write := range map[string]func(*bytes.Buffer, *Diff) error{
		"txt":  func(b *bytes.Buffer, d *Diff) error { return WriteText(b, d) },
		"md":   func(b *bytes.Buffer, d *Diff) error { return WriteMarkdown(b, d) },
		"json": func(b *bytes.Buffer, d *Diff) error { return WriteJSON(b, d) },
	} {
		var b bytes.Buffer
		if err := write(&b, d); err != nil {
			t.Fatal(err)
		}
		out[ext] = b.Bytes()
	}
	return out
}

func checkGolden(t *testing.T, name string, out map[string][]byte) {
	t.Helper()
	for ext, got := range out {
		golden := filepath.Join("testdata", "golden", name+"."+ext)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s", golden, got)
		}
	}
}

// TestReferenceEstate diffs prod and staging of examples/ml-platform: the
// document the seed's exercise asks for.
func TestReferenceEstate(t *testing.T) {
	d := compare(t, filepath.Join("..", "..", "examples", "ml-platform"), "prod", "staging")
	checkGolden(t, "ml-platform-prod-staging", outputs(t, d))
	for _, s := range d.Sections {
		if s.ID != "variables" && s.Differences() != 0 {
			t.Errorf("%s: %d differences; main.tf, versions and modules are identical in the reference estate", s.ID, s.Differences())
		}
	}
}

// TestEverySection covers each kind of difference in one fixture.
func TestEverySection(t *testing.T) {
	d := compare(t, filepath.Join("testdata", "estate"), "prod", "staging")
	checkGolden(t, "prod-staging", outputs(t, d))

	rows := map[string]map[string]Row{}
	for _, s := range d.Sections {
		rows[s.ID] = map[string]Row{}
		for _, r := range s.Rows {
			rows[s.ID][r.Name] = r
		}
	}
	for _, c := range []struct {
		section, name string
		change        Change
	}{
		{"variables", "cidr", Changed},
		{"variables", "replicas", Changed}, // tfvars 3 in prod, default 2 in staging
		{"variables", "db_password", Changed},
		{"variables", "models.api.image", Changed},
		{"variables", "models.worker", Changed},
		{"variables", "tags.cost-center", Changed},
		{"variables", "alarm_email", OnlyA},
		{"variables", "debug", OnlyB},
		{"modules", "vpc", Changed},
		{"modules", "labels", Changed},
		{"modules", "waf", OnlyA},
		{"backend", "key", Expected},
		{"backend", "kms_key_id", OnlyA},
		{"backend", "assume_role.role_arn", Changed},
		{"versions", "terraform required_version", Changed},
		{"versions", "provider random", OnlyA},
		{"resources", "aws_cloudwatch_metric_alarm.p99", OnlyA},
		{"resources", "aws_s3_bucket.scratch", OnlyB},
		{"data_sources", "data.aws_region.current", OnlyB},
	} {
		r, ok := rows[c.section][c.name]
		if !ok || r.Change != c.change {
			t.Errorf("%s %s: got %+v (present %v), want change %s", c.section, c.name, r, ok, c.change)
		}
	}
	if _, ok := rows["variables"]["api_key"]; ok {
		t.Error("api_key is the same in both and must not be listed")
	}
	for ext, out := range outputs(t, d) {
		for _, secret := range []string{"password-never-shown", "same-key-in-both", "backend-secret-not-shown"} {
			if strings.Contains(string(out), secret) {
				t.Errorf("%s output shows a sensitive value (%s)", ext, secret)
			}
		}
	}
}

// TestSameStateIsFlagged: a state key that does not differ is called out.
func TestSameStateIsFlagged(t *testing.T) {
	root := t.TempDir()
	for _, env := range []string{"a", "b"} {
		dir := filepath.Join(root, "environments", env)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		src := "terraform {\n  backend \"s3\" {\n    bucket = \"x\"\n    key    = \"a/terraform.tfstate\"\n    region = \"eu-west-1\"\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := compare(t, root, "a", "b")
	for _, s := range d.Sections {
		if s.ID == "backend" {
			if len(s.Rows) != 1 || s.Rows[0].Change != SameState {
				t.Errorf("backend rows %+v, want the key flagged as the same state", s.Rows)
			}
		}
	}
}
