package tfstate

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		name          string
		resources     int
		instances     int
		dataResources int
		outputs       int
	}{
		{"v1", 6, 9, 1, 5},
		{"v2", 6, 9, 1, 5},
		{"v3-tainted", 6, 9, 1, 5},
		{"v4-deposed", 6, 9, 1, 5},
		{"empty", 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := readFixture(t, tt.name)
			s, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Meta()
			if got.Version != 4 || got.TerraformVersion != "1.11.4" || got.Lineage == "" || got.Size != int64(len(b)) {
				t.Errorf("header = %+v", got)
			}
			if got.Resources != tt.resources || got.Instances != tt.instances ||
				got.DataResources != tt.dataResources || got.Outputs != tt.outputs {
				t.Errorf("counts = %d resources, %d instances, %d data, %d outputs; want %d, %d, %d, %d",
					got.Resources, got.Instances, got.DataResources, got.Outputs,
					tt.resources, tt.instances, tt.dataResources, tt.outputs)
			}
			if gotEmpty, want := s.IsEmpty(), tt.name == "empty"; gotEmpty != want {
				t.Errorf("IsEmpty = %v, want %v", gotEmpty, want)
			}
		})
	}
}

func TestParseModel(t *testing.T) {
	s := parseFixture(t, "v4-deposed")
	byAddr := map[string]Instance{}
	for _, r := range s.Resources {
		for _, in := range r.Instances {
			byAddr[r.InstanceAddress(in.IndexKey)+"/"+in.Deposed] = in
		}
	}
	for _, addr := range []string{
		"data.terraform_remote_state.base/",
		"terraform_data.counted[0]/",
		`terraform_data.each["beta gamma"]/`,
		`module.net.terraform_data.subnet["private"]/`,
	} {
		if _, ok := byAddr[addr]; !ok {
			t.Errorf("no instance %s", addr)
		}
	}
	if got := byAddr["terraform_data.counted[1]/"].Status; got != StatusTainted {
		t.Errorf("counted[1] status = %q, want tainted", got)
	}
	var deposed int
	for key, in := range byAddr {
		if in.Deposed != "" {
			deposed++
			if !strings.HasPrefix(key, "terraform_data.cbd/") || !in.CreateBeforeDestroy {
				t.Errorf("unexpected deposed object %s", key)
			}
		}
	}
	if deposed != 1 {
		t.Errorf("deposed objects = %d, want 1", deposed)
	}
	if k := byAddr["terraform_data.counted[0]/"].IndexKey; k != 0 {
		t.Errorf("count index key = %#v, want int 0", k)
	}
	if !s.Outputs["db_password"].Sensitive || s.Outputs["env"].Sensitive {
		t.Errorf("output sensitivity wrong: %+v", s.Outputs)
	}
	if len(s.CheckResults) == 0 || string(s.CheckResults) == "null" {
		t.Errorf("check_results missing")
	}
	paths, err := byAddr["terraform_data.nested/"].SensitivePaths()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range paths {
		got = append(got, p.String())
	}
	sort.Strings(got)
	want := []string{`input.labels["api key"]`, "input.password", "input.tokens[1]"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sensitive paths = %q, want %q", got, want)
	}
}

func TestParseInvalidFixtures(t *testing.T) {
	tests := []struct {
		file    string
		version uint64 // non-zero: want a *VersionError
		field   string
		msg     string
	}{
		{file: "v3.tfstate", version: 3},
		{file: "v5.tfstate", version: 5},
		{file: "missing-lineage.tfstate", field: "lineage", msg: "missing"},
		{file: "serial-string.tfstate", field: "serial", msg: "must be a number, got a string"},
		{file: "bad-json.tfstate", field: "*", msg: "invalid JSON at byte"},
		{file: "bad-mode.tfstate", field: "resources[0].mode", msg: `must be "managed" or "data", got "datasource"`},
		{file: "duplicate-instance.tfstate", field: "resources[2].instances[1]", msg: "instance terraform_data.counted[0] appears more than once"},
		{file: "bad-sensitive-attributes.tfstate", field: "resources[4].instances[0].sensitive_attributes", msg: `unsupported path step type "get_element"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "invalid", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(b)
			if !errors.Is(err, ErrInvalidState) {
				t.Fatalf("Parse error = %v, want one matching ErrInvalidState", err)
			}
			if tt.version != 0 {
				var verr *VersionError
				if !errors.As(err, &verr) || verr.Version != tt.version {
					t.Fatalf("error = %v, want *VersionError for version %d", err, tt.version)
				}
				for _, want := range []string{"version " + string(rune('0'+tt.version)), "Terraform >= 0.12"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %q", err, want)
					}
				}
				return
			}
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("error = %T %v, want *ParseError", err, err)
			}
			if (tt.field != "*" && perr.Field != tt.field) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error = %q (field %q), want field %q and message containing %q", err, perr.Field, tt.field, tt.msg)
			}
			// Inspect rejects what it checks with the same error.
			if _, ierr := Inspect(b); ierr != nil && ierr.Error() != err.Error() {
				t.Errorf("Inspect error = %q, Parse error = %q", ierr, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	instance := func(fields string) string {
		return `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [{"attributes": {}` + fields + `}]}]}`
	}
	tests := []struct {
		name  string
		body  string
		field string
		msg   string
	}{
		{"not an object", `[]`, "", "must be an object, got an array"},
		{"empty body", ``, "", "unexpected end of input"},
		{"trailing data", minimal("") + `{}`, "", "unexpected data after the state object"},
		{"missing version", `{"serial": 1, "lineage": "a"}`, "version", "missing"},
		{"version string", `{"version": "4", "serial": 1, "lineage": "a"}`, "version", "must be a number"},
		{"version fraction", `{"version": 4.5, "serial": 1, "lineage": "a"}`, "version", "must be the integer 4, got 4.5"},
		{"missing serial", `{"version": 4, "lineage": "a"}`, "serial", "missing"},
		{"negative serial", `{"version": 4, "serial": -1, "lineage": "a"}`, "serial", "must be an integer from 0 to 18446744073709551615, got -1"},
		{"serial overflow", `{"version": 4, "serial": 18446744073709551616, "lineage": "a"}`, "serial", "got 18446744073709551616"},
		{"serial float", `{"version": 4, "serial": 1e3, "lineage": "a"}`, "serial", "got 1e3"},
		{"empty lineage", `{"version": 4, "serial": 1, "lineage": ""}`, "lineage", "must not be empty"},
		{"null lineage", `{"version": 4, "serial": 1, "lineage": null}`, "lineage", "must be a string, got null"},
		{"duplicate member", `{"version": 4, "serial": 1, "serial": 2, "lineage": "a"}`, "serial", "invalid JSON at byte 28: duplicate object member name"},
		{"case variant", `{"version": 4, "serial": 1, "Serial": 2, "lineage": "a"}`, "Serial", `differs from "serial" only in letter case`},
		{"invalid utf-8", "{\"version\": 4, \"serial\": 1, \"lineage\": \"a\xff\"}", "lineage", "invalid UTF-8"},
		{"bad terraform_version", `{"version": 4, "terraform_version": "x.y", "serial": 1, "lineage": "a"}`, "terraform_version", `"x.y" is not a version number`},
		{"resources not array", `{"version": 4, "serial": 1, "lineage": "a", "resources": {}}`, "resources", "must be an array, got an object"},
		{"resource not object", `{"version": 4, "serial": 1, "lineage": "a", "resources": [1]}`, "resources[0]", "must be an object, got a number"},
		{"missing mode", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"type": "t"}]}`, "resources[0].mode", "missing"},
		{"missing type", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "name": "n", "provider": "p"}]}`, "resources[0].type", "missing"},
		{"missing provider", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n"}]}`, "resources[0].provider", "missing"},
		{"bad module", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"module": "vpc", "mode": "managed", "type": "t", "name": "n", "provider": "p"}]}`, "resources[0].module", "must be a module address"},
		{"instances not array", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "instances": {}}]}`, "resources[0].instances", "must be an array"},
		{"bad status", instance(`, "status": "gone"`), "resources[0].instances[0].status", `must be "tainted" or absent, got "gone"`},
		{"bad deposed", instance(`, "deposed": "abc"`), "resources[0].instances[0].deposed", "8-character"},
		{"bool index key", instance(`, "index_key": true`), "resources[0].instances[0].index_key", "must be a number or a string, got a boolean"},
		{"fraction index key", instance(`, "index_key": 1.5`), "resources[0].instances[0].index_key", "must be an integer or a string, got 1.5"},
		{"attributes not object", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [{"attributes": []}]}]}`, "resources[0].instances[0].attributes", "must be an object, got an array"},
		{"bad private", instance(`, "private": "!!!"`), "resources[0].instances[0]", "illegal base64"},
		{"schema_version string", instance(`, "schema_version": "1"`), "resources[0].instances[0].schema_version", "must be a number"},
		{"schema_version negative", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [{"schema_version": -1}]}]}`, "resources[0].instances[0].schema_version", "cannot use JSON number -1 as uint64"},
		{"bad index step", instance(`, "sensitive_attributes": [[{"type": "index", "value": 1}]]`), "resources[0].instances[0].sensitive_attributes", "index value must be"},
		{"empty dependency", instance(`, "dependencies": [""]`), "resources[0].instances[0].dependencies[0]", "must not be empty"},
		{"output not object", `{"version": 4, "serial": 1, "lineage": "a", "outputs": {"x": 1}}`, "outputs.x", "must be an object, got a number"},
		{"output without type", `{"version": 4, "serial": 1, "lineage": "a", "outputs": {"x": {"value": 1}}}`, "outputs.x.type", "missing"},
		{"output without value", `{"version": 4, "serial": 1, "lineage": "a", "outputs": {"a b": {"type": "string"}}}`, `outputs["a b"].value`, "missing"},
		{"output sensitive string", `{"version": 4, "serial": 1, "lineage": "a", "outputs": {"x": {"value": 1, "type": "number", "sensitive": "yes"}}}`, "outputs.x.sensitive", "must be a boolean"},
		{"output case variant", `{"version": 4, "serial": 1, "lineage": "a", "outputs": {"x": {"value": 1, "type": "number", "Sensitive": true}}}`, "outputs.x.Sensitive", "only in letter case"},
		{"check_results object", `{"version": 4, "serial": 1, "lineage": "a", "check_results": {}}`, "check_results", "must be an array"},
		{"check_results bad kind", `{"version": 4, "serial": 1, "lineage": "a", "check_results": [{"object_kind": "module", "config_addr": "m", "status": "pass"}]}`, "check_results[0].object_kind", `unsupported checkable object kind "module"`},
		{"check_results wrong type", `{"version": 4, "serial": 1, "lineage": "a", "check_results": [{"object_kind": 1}]}`, "check_results.object_kind", "cannot use JSON number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body))
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("Parse error = %T %v, want *ParseError", err, err)
			}
			if !errors.Is(err, ErrInvalidState) {
				t.Errorf("error does not match ErrInvalidState")
			}
			if perr.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error = %q (field %q), want field %q and message containing %q", err, perr.Field, tt.field, tt.msg)
			}
		})
	}
}

func TestParseVersionFirst(t *testing.T) {
	// A v3 body whose version comes after a field v4 would reject still
	// reports the version.
	_, err := Parse([]byte(`{"resources": 7, "version": 3, "serial": 1, "lineage": "a"}`))
	var verr *VersionError
	if !errors.As(err, &verr) || verr.Version != 3 {
		t.Fatalf("error = %v, want *VersionError for version 3", err)
	}
	_, err = Parse([]byte(`{"version": 2}`))
	if !errors.As(err, &verr) || verr.Version != 2 {
		t.Fatalf("error = %v, want *VersionError for version 2", err)
	}
}

func TestParseTolerates(t *testing.T) {
	tests := []struct{ name, body string }{
		{"unknown top-level field", minimal(`"future_field": {"x": [1, 2]},`)},
		{"null collections", `{"version": 4, "serial": 0, "lineage": "a", "outputs": null, "resources": null, "check_results": null}`},
		{"no terraform_version", `{"version": 4, "serial": 0, "lineage": "a"}`},
		{"unknown instance field", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [{"schema_version": 0, "attributes": {}, "identity": {"id": "x"}, "identity_schema_version": 0}]}]}`},
		{"attributes_flat", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [{"schema_version": 0, "attributes_flat": {"id": "x", "tags.%": "0"}}]}]}`},
		{"string and deposed", `{"version": 4, "serial": 1, "lineage": "a", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [{"index_key": "a", "schema_version": 0}, {"index_key": "a", "deposed": "00000001", "schema_version": 0}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.body)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			b := readFixture(t, name)
			s, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Encode()
			if err != nil {
				t.Fatal(err)
			}
			// Terraform's own output is already in Encode's form.
			if string(got) != string(b) {
				t.Errorf("Encode differs from the Terraform-written body:\n%s", got)
			}
		})
	}
}
