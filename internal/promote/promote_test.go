package promote

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const mainTF = `variable "image_tag" {
  type = string
}

variable "chart" {
  type    = string
  default = "1.0.0"
}

variable "token" {
  type      = string
  sensitive = true
}

variable "replicas" {
  type = number
}

module "vpc" {
  source = "git::https://example.com/modules.git//vpc?ref=v1.2.0"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.1.0"
}

module "fork" {
  source = "git::https://example.com/%s.git?ref=v1"
}

module "local" {
  source = "../../modules/x"
}
`

func estateFixture(t *testing.T) *estate.Estate {
	t.Helper()
	root := writeTree(t, map[string]string{
		"infractl.hcl": `environment "dev" {}
environment "staging" {
  depends_on = ["dev"]
}
promote {
  variables = ["image_tag", "chart", "token", "missing"]
}
`,
		"environments/dev/main.tf":              strings.Replace(mainTF, "%s", "a", 1) + "module \"extra\" {\n  source = \"hashicorp/consul/aws\"\n}\n",
		"environments/dev/terraform.tfvars":     "image_tag = \"1.5.0\"\nchart     = \"2.0.0\"\ntoken     = \"s3cret\"\nreplicas  = 1\n",
		"environments/staging/main.tf":          strings.Replace(strings.Replace(strings.Replace(mainTF, "%s", "b", 1), "ref=v1.2.0", "ref=v1.1.0", 1), `"21.1.0"`, `"21.0.0"`, 1),
		"environments/staging/terraform.tfvars": "# staging\nimage_tag = \"1.4.2\" # tested\nreplicas  = 2\ntoken     = \"s3cret\"\n",
		"environments/staging/z.auto.tfvars":    "image_tag = \"1.4.3\"\n",
		"modules/x/main.tf":                     "",
	})
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func envs(t *testing.T, e *estate.Estate) (*estate.Environment, *estate.Environment) {
	t.Helper()
	from, err := e.Env("dev")
	if err != nil {
		t.Fatal(err)
	}
	to, err := e.Env("staging")
	if err != nil {
		t.Fatal(err)
	}
	return from, to
}

func TestDiffAndWrite(t *testing.T) {
	e := estateFixture(t)
	from, to := envs(t, e)
	cs, err := Diff(e, from, to, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs.Changes {
		got = append(got, c.Label()+" "+c.File+" "+c.Before+" -> "+c.After)
	}
	want := []string{
		`image_tag environments/staging/z.auto.tfvars "1.4.3" -> "1.5.0"`,
		`chart environments/staging/terraform.tfvars "1.0.0" -> "2.0.0"`,
		`module.vpc source environments/staging/main.tf "git::https://example.com/modules.git//vpc?ref=v1.1.0" -> "git::https://example.com/modules.git//vpc?ref=v1.2.0"`,
		`module.eks version environments/staging/main.tf "21.0.0" -> "21.1.0"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(cs.Unchanged, []string{"token"}) {
		t.Errorf("Unchanged = %v", cs.Unchanged)
	}
	var skipped []string
	for _, s := range cs.Skipped {
		skipped = append(skipped, s.Name)
	}
	if !slices.Equal(skipped, []string{"missing", "module.fork", "module.extra"}) {
		t.Errorf("Skipped = %+v", cs.Skipped)
	}

	if err := Write(e, cs); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cs.Written, []string{"environments/staging/main.tf", "environments/staging/terraform.tfvars", "environments/staging/z.auto.tfvars"}) {
		t.Errorf("Written = %v", cs.Written)
	}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(e.Root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got, want := read("environments/staging/terraform.tfvars"), "# staging\nimage_tag = \"1.4.2\" # tested\nreplicas  = 2\ntoken     = \"s3cret\"\n\nchart = \"2.0.0\"\n"; got != want {
		t.Errorf("terraform.tfvars:\n%s\nwant\n%s", got, want)
	}
	if got := read("environments/staging/z.auto.tfvars"); got != "image_tag = \"1.5.0\"\n" {
		t.Errorf("z.auto.tfvars: %q", got)
	}
	wantMain := strings.Replace(strings.Replace(mainTF, "%s", "b", 1), `"21.1.0"`, `"21.1.0"`, 1)
	if got := read("environments/staging/main.tf"); got != wantMain {
		t.Errorf("main.tf:\n%s\nwant\n%s", got, wantMain)
	}

	// Promoting again changes nothing.
	e2, err := estate.Load(e.Root)
	if err != nil {
		t.Fatal(err)
	}
	from, to = envs(t, e2)
	cs, err = Diff(e2, from, to, Options{})
	if err != nil || len(cs.Changes) != 0 {
		t.Errorf("second Diff: %v %+v", err, cs.Changes)
	}
}

func TestDiffOnly(t *testing.T) {
	e := estateFixture(t)
	from, to := envs(t, e)
	cs, err := Diff(e, from, to, Options{Only: []string{"chart", "module.eks"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Changes) != 2 || cs.Changes[0].Name != "chart" || cs.Changes[1].Name != "eks" || len(cs.Skipped) != 0 {
		t.Errorf("--only chart,module.eks: %+v skipped %+v", cs.Changes, cs.Skipped)
	}
	cs, err = Diff(e, from, to, Options{Only: []string{"vpc"}})
	if err != nil || len(cs.Changes) != 1 || cs.Changes[0].Label() != "module.vpc source" {
		t.Errorf("--only vpc: %v %+v", err, cs)
	}
	for _, tc := range []struct {
		only []string
		want string
	}{
		{[]string{"replicas"}, "--only replicas: not a promotable variable (promotable: image_tag, chart, token, missing) nor a module call of staging"},
		{[]string{"module.nope"}, `--only module.nope: staging has no module call "nope"`},
	} {
		if _, err := Diff(e, from, to, Options{Only: tc.only}); err == nil || err.Error() != tc.want {
			t.Errorf("--only %v: %v, want %q", tc.only, err, tc.want)
		}
	}
	if _, err := Diff(e, from, from, Options{}); err == nil {
		t.Error("promoting an environment to itself")
	}
}

func TestSplitRef(t *testing.T) {
	for _, tc := range []struct{ in, base, ref string }{
		{"git::https://h/r.git//m?ref=v1.2", "git::https://h/r.git//m", "v1.2"},
		{"github.com/o/r?ref=abc&depth=1", "github.com/o/r?depth=1", "abc"},
		{"hashicorp/consul/aws", "hashicorp/consul/aws", ""},
		{"git@github.com:o/r.git?ref=v2", "git@github.com:o/r.git", "v2"},
	} {
		base, ref, ok := splitRef(tc.in)
		if !ok || base != tc.base || ref != tc.ref {
			t.Errorf("splitRef(%q) = %q %q %v, want %q %q", tc.in, base, ref, ok, tc.base, tc.ref)
		}
	}
}

// fakeRecords serves LastApply from a map; a missing name is an error.
type fakeRecords map[string]*envops.ApplyRecord

func (f fakeRecords) LastApply(env string) (*envops.ApplyRecord, error) {
	if r, ok := f[env]; ok {
		return r, nil
	}
	return nil, fs.ErrNotExist
}

func TestCheck(t *testing.T) {
	e := estateFixture(t)
	from, _ := envs(t, e)
	hash, err := from.ConfigHash()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		rec  *envops.ApplyRecord
		want string
	}{
		{"applied", &envops.ApplyRecord{Status: "applied", ConfigHash: hash, AppliedAt: at}, ""},
		{"no changes", &envops.ApplyRecord{Status: "no-changes", ConfigHash: hash, AppliedAt: at}, ""},
		{"missing", nil, "promotion refused: dev has no apply recorded by infractl (file does not exist): apply it with `infractl plan dev && infractl apply dev` first"},
		{"failed", &envops.ApplyRecord{Status: "error", ConfigHash: hash, AppliedAt: at, Error: "boom"}, "promotion refused: the last apply of dev (2026-11-25 10:00:00 UTC) ended error: boom; fix it and apply dev again before promoting from it"},
		{"refused", &envops.ApplyRecord{Status: "refused", ConfigHash: hash, AppliedAt: at}, "ended refused"},
		{"stale", &envops.ApplyRecord{Status: "applied", ConfigHash: "other", AppliedAt: at}, "promotion refused: dev's configuration changed after its last apply (2026-11-25 10:00:00 UTC)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			records := fakeRecords{}
			if tc.rec != nil {
				records["dev"] = tc.rec
			}
			_, err := Check(records, from)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrRefused)):
				t.Errorf("Check: %v, want ErrRefused with %q", err, tc.want)
			}
		})
	}
}

func TestWriteRestoresOnInvalidResult(t *testing.T) {
	e := estateFixture(t)
	from, to := envs(t, e)
	cs, err := Diff(e, from, to, Options{Only: []string{"chart"}})
	if err != nil {
		t.Fatal(err)
	}
	// Break staging after the diff: a duplicate variable in its tfvars'
	// target file makes the result invalid.
	tfvars := filepath.Join(e.Root, "environments/staging/terraform.tfvars")
	before := "image_tag = \"1.4.2\"\nreplicas  = 2\n"
	os.WriteFile(tfvars, []byte(before), 0o644)
	os.WriteFile(filepath.Join(e.Root, "environments/staging/broken.tf"), []byte("variable \"chart\" {}\n"), 0o644)
	if err := Write(e, cs); err == nil || !strings.Contains(err.Error(), "staging does not load after the promotion, so nothing was changed") {
		t.Fatalf("Write: %v", err)
	}
	if b, _ := os.ReadFile(tfvars); string(b) != before {
		t.Errorf("terraform.tfvars not restored: %q", b)
	}
}

func TestWriteText(t *testing.T) {
	cs := &ChangeSet{
		From: "dev", To: "staging",
		FromApply: &envops.ApplyRecord{AppliedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), ConfigHash: "0123456789abcdef"},
		Changes: []Change{
			{Kind: "variable", Name: "image_tag", File: "environments/staging/terraform.tfvars", Line: 2, Before: `"1.4.2"`, After: `"1.5.0"`},
			{Kind: "variable", Name: "token", File: "environments/staging/terraform.tfvars", Before: `"a"`, After: `"b"`, Sensitive: true},
			{Kind: "module", Name: "eks", Argument: "version", File: "environments/staging/main.tf", Line: 9, After: `"21.1.0"`},
		},
		Unchanged: []string{"chart"},
		Skipped:   []Skip{{"module.fork", "its source differs"}},
		Written:   []string{"environments/staging/main.tf", "environments/staging/terraform.tfvars"},
	}
	var b strings.Builder
	if err := cs.WriteText(&b, false); err != nil {
		t.Fatal(err)
	}
	want := `Promote dev -> staging (from dev as applied 2026-11-25T10:00:00Z, configuration 0123456789ab)

~ image_tag  (environments/staging/terraform.tfvars:2)
    - "1.4.2"
    + "1.5.0"

~ token  (environments/staging/terraform.tfvars)
    - (sensitive)
    + (sensitive)

~ module.eks version  (environments/staging/main.tf:9)
    - (not set)
    + "21.1.0"

Already the same: chart

Not promoted:
  module.fork: its source differs

Wrote environments/staging/main.tf, environments/staging/terraform.tfvars.
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	(&ChangeSet{From: "dev", To: "staging", Unchanged: []string{"image_tag"}}).WriteText(&b, true)
	if want := "Promote dev -> staging\n\nNothing to promote: staging already has dev's image_tag.\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
