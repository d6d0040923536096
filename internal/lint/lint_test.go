package lint

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/infractl/infractl/internal/estate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureRules lists the rules each fixture must trigger, beyond the one
// its name starts with.
var fixtureRules = map[string][]string{
	"seed": {RuleUnsupportedBackend, RuleDeprecatedDynamoDB, RuleUnpinnedProvider, RuleOverlappingCIDR, RuleUndeclaredTFVar},
}

func fixtures(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

func runFixture(t *testing.T, name string) *Report {
	t.Helper()
	e, err := estate.Load(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(e, Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func render(t *testing.T, r *Report) map[string][]byte {
	t.Helper()
	var text, js, sarif bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteSARIF(&sarif, r, SARIFOptions{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{"txt": text.Bytes(), "json": js.Bytes(), "sarif": sarif.Bytes()}
}

// TestFixtures runs every fixture estate, checks that it triggers the rule
// it is named after (ifx004-... triggers IFX004; "clean" triggers nothing)
// and compares the three output formats with the golden files.
func TestFixtures(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			r := runFixture(t, name)
			var want []string
			if id, _, ok := strings.Cut(name, "-"); ok && strings.HasPrefix(id, "ifx") {
				want = append(want, strings.ToUpper(id))
			}
			want = append(want, fixtureRules[name]...)
			got := map[string]bool{}
			for _, f := range r.Findings {
				got[f.RuleID] = true
			}
			for _, id := range want {
				if !got[id] {
					t.Errorf("fixture %s: no %s finding; got %v", name, id, r.Findings)
				}
			}
			if name == "clean" && len(r.Findings) > 0 {
				t.Errorf("clean fixture has findings: %v", r.Findings)
			}
			for ext, out := range render(t, r) {
				golden := filepath.Join("testdata", "golden", name+"."+ext)
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, out, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(out, want) {
					t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s", golden, out)
				}
			}
		})
	}
}

// TestReferenceEstateHasNoErrors lints examples/ml-platform, shared roots
// included, and wants no finding at all: it is the estate users copy.
func TestReferenceEstateHasNoErrors(t *testing.T) {
	e, err := estate.Load(filepath.Join("..", "..", "examples", "ml-platform"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(e, Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.HasErrors() {
		var b bytes.Buffer
		WriteText(&b, r)
		t.Fatalf("examples/ml-platform has lint errors:\n%s", b.String())
	}
	if len(r.Findings) > 0 {
		var b bytes.Buffer
		WriteText(&b, r)
		t.Errorf("examples/ml-platform has findings:\n%s", b.String())
	}
	if len(r.Environments) != 3 || r.Files < 40 {
		t.Errorf("linted %v, %d files; want the three environments and the modules and shared roots", r.Environments, r.Files)
	}
}

// TestSARIFValidatesAgainstSchema validates every fixture's SARIF output
// against the OASIS SARIF 2.1.0 schema shipped in testdata.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range fixtures(t) {
		out := render(t, runFixture(t, name))["sarif"]
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: SARIF output is not valid SARIF 2.1.0: %v", name, err)
		}
	}
	// The validator must catch a broken log, or the test proves nothing.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"fatal","message":{"text":"x"}}]}]}`))
	if schema.Validate(bad) == nil {
		t.Error("an invalid SARIF log validated")
	}
}

// TestSARIFForCodeScanning checks what GitHub code scanning needs beyond
// the schema: one run named infractl, every rule described, results with
// a known rule, a relative URI, a start line and a fingerprint.
func TestSARIFForCodeScanning(t *testing.T) {
	r := runFixture(t, "seed")
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, r, SARIFOptions{ToolVersion: "1.2.3", URIPrefix: "infra/"}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID                   string
						ShortDescription     struct{ Text string }
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID              string
				RuleIndex           int
				Level               string
				Locations           []struct{ PhysicalLocation sarifPhysicalLocation }
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "infractl" {
		t.Fatalf("want one run of infractl, got %+v", log.Runs)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(Rules()) {
		t.Errorf("%d rules in the log, want %d", len(run.Tool.Driver.Rules), len(Rules()))
	}
	if len(run.Results) == 0 {
		t.Fatal("no results")
	}
	seen := map[string]bool{}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
		}
		loc := res.Locations[0].PhysicalLocation
		if !strings.HasPrefix(loc.ArtifactLocation.URI, "infra/environments/") || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine < 1 {
			t.Errorf("bad location %+v", loc)
		}
		fp := res.PartialFingerprints[FingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("fingerprint %q missing or duplicated", fp)
		}
		seen[fp] = true
	}
}

// TestFingerprintsIgnoreLineMoves: inserting lines above a finding keeps
// its fingerprint, so code scanning keeps one alert.
func TestFingerprintsIgnoreLineMoves(t *testing.T) {
	root := t.TempDir()
	copyDir(t, filepath.Join("testdata", "fixtures", "ifx004-unsupported-backend-argument"), root)
	fingerprints := func() []string {
		e, err := estate.Load(root)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(e, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, f := range r.Findings {
			fps = append(fps, f.Fingerprint)
		}
		slices.Sort(fps)
		return fps
	}
	before := fingerprints()
	p := filepath.Join(root, "environments", "prod", "backend.tf")
	src, _ := os.ReadFile(p)
	if err := os.WriteFile(p, append([]byte("# a comment\n# another\n\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	if after := fingerprints(); !slices.Equal(before, after) || len(before) == 0 {
		t.Errorf("fingerprints changed with line numbers: %v -> %v", before, after)
	}
}

// TestSecretsNeverPrinted: no output format contains a secret of the
// secrets fixture, only its first four characters.
func TestSecretsNeverPrinted(t *testing.T) {
	secrets := []string{
		"Zq8#vLw2!pR5tY9k", "ghp_0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R", "s8Df7Gh6Jk5Lm4Nb3Vc2",
		"tK9#mP2$vX7qL4wZ", "AKIAQ3EGUXRT5WCVB2MZ", "xoxb-2048-1024-Zf7Kq9LmN3pR",
	}
	for ext, out := range render(t, runFixture(t, "ifx010-secret-literal")) {
		for _, s := range secrets {
			if bytes.Contains(out, []byte(s)) || bytes.Contains(out, []byte(s[:8])) {
				t.Errorf("%s output contains the secret %s…", ext, s[:4])
			}
		}
	}
}

// TestSelection: linting one environment reports its own findings and the
// cross-environment ones that involve it, and nothing about the others.
func TestSelection(t *testing.T) {
	e, err := estate.Load(filepath.Join("testdata", "fixtures", "seed"))
	if err != nil {
		t.Fatal(err)
	}
	envs, err := e.Select([]string{"staging"}, false)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(e, Options{Environments: envs})
	if err != nil {
		t.Fatal(err)
	}
	var cidr bool
	for _, f := range r.Findings {
		involves := f.Environment == "staging"
		for _, loc := range f.locations() {
			involves = involves || strings.HasPrefix(loc.File, "environments/staging/")
		}
		if !involves {
			t.Errorf("finding about another environment: %+v", f)
		}
		cidr = cidr || f.RuleID == RuleOverlappingCIDR
	}
	if !cidr {
		t.Error("the overlap between staging and prod is missing when linting staging")
	}
	if slices.Contains(r.Environments, "prod") || r.Files != 7 {
		t.Errorf("environments %v, %d files; want staging's 4 files and the 3 modules it calls", r.Environments, r.Files)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
