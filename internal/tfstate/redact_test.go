package tfstate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const sentinel = "SENTINEL"

func decode(t testing.TB, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		paths   []Path
		secrets []string
		want    string
	}{
		{"no paths", `{"a": "x"}`, nil, nil, `{"a":"x"}`},
		{"attribute", `{"password": "p", "user": "u"}`, []Path{{KeyStep("password")}}, nil,
			`{"password":"(sensitive value)","user":"u"}`},
		{"whole value", `{"a": {"b": 1}}`, []Path{{}}, nil, `"(sensitive value)"`},
		{"object attribute", `{"db": {"user": "u", "pass": "p"}}`, []Path{{KeyStep("db")}}, nil,
			`{"db":"(sensitive value)"}`},
		{"list index", `{"tokens": ["a", "b"]}`, []Path{{KeyStep("tokens"), IndexStep(1)}}, nil,
			`{"tokens":["a","(sensitive value)"]}`},
		{"through dynamic wrapper", `{"input": {"value": {"password": "p", "user": "u"}, "type": ["object", {}]}}`,
			[]Path{{KeyStep("input"), KeyStep("password")}}, nil,
			`{"input":{"type":["object",{}],"value":{"password":"(sensitive value)","user":"u"}}}`},
		{"missing path hides the nearest ancestor", `{"input": {"a": 1}, "b": 2}`,
			[]Path{{KeyStep("input"), KeyStep("password")}}, nil, `{"b":2,"input":"(sensitive value)"}`},
		{"null value hidden too", `{"password": null}`, []Path{{KeyStep("password")}}, nil, `{"password":"(sensitive value)"}`},
		{"known secret anywhere", `{"output": {"value": "s3cr3t"}, "other": ["x", "s3cr3t"]}`, nil, []string{"s3cr3t"},
			`{"other":["x","(sensitive value)"],"output":{"value":"(sensitive value)"}}`},
		{"known secret inside a string", `{"url": "postgres://app:s3cr3t@db"}`, nil, []string{"s3cr3t"},
			`{"url":"(sensitive value)"}`},
		{"short secret only on exact match", `{"a": "abc", "b": "xabcx"}`, nil, []string{"abc"},
			`{"a":"(sensitive value)","b":"xabcx"}`},
		{"secret as map key hides the map", `{"m": {"s3cr3t": 1}, "n": 1}`, nil, []string{"s3cr3t"},
			`{"m":"(sensitive value)","n":1}`},
		{"secret number", `{"pin": 12345, "port": 80}`, nil, []string{"12345"}, `{"pin":"(sensitive value)","port":80}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := decode(t, tt.value)
			orig, _ := json.Marshal(v)
			got, err := json.Marshal(Redact(v, tt.paths, tt.secrets))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Redact = %s\nwant     %s", got, tt.want)
			}
			if after, _ := json.Marshal(v); !bytes.Equal(after, orig) {
				t.Errorf("Redact modified its input: %s", after)
			}
		})
	}
}

func TestRedactUnknownTypes(t *testing.T) {
	// Values that did not come from JSON decoding cannot be inspected, so
	// they are hidden whole rather than passed through.
	for _, v := range []any{map[string]string{"p": sentinel}, []string{sentinel}, struct{ P string }{sentinel}} {
		if got := Redact(v, nil, nil); got != Redacted {
			t.Errorf("Redact(%T) = %#v, want Redacted", v, got)
		}
	}
}

func TestKnownSecrets(t *testing.T) {
	got := KnownSecrets(parseFixture(t, "v1"), nil, parseFixture(t, "v2"))
	want := []string{
		"SENTINEL-list-1", "SENTINEL-map-dev", "SENTINEL-map-prod",
		"SENTINEL-pass-one", "SENTINEL-pass-two", "SENTINEL-whole-dev", "SENTINEL-whole-prod",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("KnownSecrets = %q\nwant            %q", got, want)
	}
}

// assertNoSecret fails if any rendering of d contains the sentinel.
func assertNoSecret(t *testing.T, d *StateDiff) {
	t.Helper()
	j, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(j), text.String()} {
		if strings.Contains(out, sentinel) {
			t.Errorf("secret leaked:\n%s", out)
		}
	}
}

func TestDiffNeverLeaksFixtureSecrets(t *testing.T) {
	states := map[string]*State{"nil": nil}
	for _, n := range fixtureNames {
		states[n] = parseFixture(t, n)
	}
	for an, a := range states {
		for bn, b := range states {
			for _, opts := range []DiffOptions{{}, {OmitValues: true}} {
				t.Run(an+"->"+bn, func(t *testing.T) {
					assertNoSecret(t, Diff(a, b, opts))
				})
			}
		}
	}
}

func TestDiffNeverLeaksSyntheticSecrets(t *testing.T) {
	state := func(attrs, sensitive, outputs string) *State {
		body := `{"version": 4, "serial": 1, "lineage": "l", "outputs": {` + outputs + `}, "resources": [
			{"mode": "managed", "type": "t", "name": "r", "provider": "p", "instances": [
				{"schema_version": 0, "attributes": ` + attrs + `, "sensitive_attributes": ` + sensitive + `}]}]}`
		s, err := Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	attr := func(name string) string { return `[{"type":"get_attr","value":"` + name + `"}]` }
	tests := []struct {
		name                 string
		before, after        *State
		wantPaths, wantTexts []string
	}{
		{
			name:      "whole attribute",
			before:    state(`{"password": "SENTINEL-1", "id": "x"}`, `[`+attr("password")+`]`, ""),
			after:     state(`{"password": "SENTINEL-2", "id": "x"}`, `[`+attr("password")+`]`, ""),
			wantPaths: []string{"password"},
		},
		{
			name:      "attribute sensitive on one side only",
			before:    state(`{"password": "SENTINEL-1"}`, `[]`, ""),
			after:     state(`{"password": "SENTINEL-2"}`, `[`+attr("password")+`]`, ""),
			wantPaths: []string{"password"},
		},
		{
			name:      "whole object attribute, map keys included",
			before:    state(`{"creds": {"SENTINEL-key": "SENTINEL-a"}}`, `[`+attr("creds")+`]`, ""),
			after:     state(`{"creds": {"SENTINEL-key": "SENTINEL-b", "SENTINEL-new": "x"}}`, `[`+attr("creds")+`]`, ""),
			wantPaths: []string{"creds"},
		},
		{
			name: "nested path and list index",
			before: state(`{"cfg": {"db": {"pass": "SENTINEL-1"}, "tokens": ["ok", "SENTINEL-t1"]}}`,
				`[[{"type":"get_attr","value":"cfg"},{"type":"get_attr","value":"db"},{"type":"get_attr","value":"pass"}],
				  [{"type":"get_attr","value":"cfg"},{"type":"get_attr","value":"tokens"},{"type":"index","value":{"value":1,"type":"number"}}]]`, ""),
			after: state(`{"cfg": {"db": {"pass": "SENTINEL-2"}, "tokens": ["ok", "SENTINEL-t2"]}}`,
				`[[{"type":"get_attr","value":"cfg"},{"type":"get_attr","value":"db"},{"type":"get_attr","value":"pass"}],
				  [{"type":"get_attr","value":"cfg"},{"type":"get_attr","value":"tokens"},{"type":"index","value":{"value":1,"type":"number"}}]]`, ""),
			wantPaths: []string{"cfg.db.pass", "cfg.tokens[1]"},
		},
		{
			name:      "sensitive value copied unmarked into another attribute",
			before:    state(`{"in": "SENTINEL-1", "out": "SENTINEL-1", "url": "db://SENTINEL-1@h"}`, `[`+attr("in")+`]`, ""),
			after:     state(`{"in": "SENTINEL-2", "out": "SENTINEL-2", "url": "db://SENTINEL-2@h"}`, `[`+attr("in")+`]`, ""),
			wantPaths: []string{"in", "out", "url"},
		},
		{
			name:      "whole attributes sensitive",
			before:    state(`{"a": "SENTINEL-1"}`, `[[]]`, ""),
			after:     state(`{"a": "SENTINEL-2", "b": 1}`, `[[]]`, ""),
			wantPaths: []string{"."},
		},
		{
			name:      "sensitive outputs",
			before:    state(`{}`, `[]`, `"pw": {"value": "SENTINEL-o1", "type": "string", "sensitive": true}, "gone": {"value": {"k": "SENTINEL-g"}, "type": "dynamic", "sensitive": true}`),
			after:     state(`{}`, `[]`, `"pw": {"value": "SENTINEL-o2", "type": "string", "sensitive": true}, "new": {"value": ["SENTINEL-n"], "type": "dynamic", "sensitive": true}`),
			wantTexts: []string{"~ output.pw (sensitive)", "+ output.new (sensitive)", "- output.gone (sensitive)"},
		},
		{
			name:      "output that turned sensitive",
			before:    state(`{}`, `[]`, `"pw": {"value": "SENTINEL-o1", "type": "string"}`),
			after:     state(`{}`, `[]`, `"pw": {"value": "SENTINEL-o2", "type": "string", "sensitive": true}`),
			wantTexts: []string{"~ output.pw (sensitive)"},
		},
		{
			name:      "secret from a sensitive output in a plain attribute",
			before:    state(`{"x": "a"}`, `[]`, `"pw": {"value": "SENTINEL-o", "type": "string", "sensitive": true}`),
			after:     state(`{"x": "SENTINEL-o"}`, `[]`, `"pw": {"value": "SENTINEL-o", "type": "string", "sensitive": true}`),
			wantPaths: []string{"x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, pair := range [][2]*State{{tt.before, tt.after}, {tt.after, tt.before}} {
				d := Diff(pair[0], pair[1], DiffOptions{})
				assertNoSecret(t, d)
				if tt.wantPaths != nil {
					if len(d.Changed) != 1 || strings.Join(d.Changed[0].Paths, " ") != strings.Join(tt.wantPaths, " ") {
						t.Errorf("changed = %+v, want paths %q", d.Changed, tt.wantPaths)
					}
				}
				var text bytes.Buffer
				_ = d.WriteText(&text)
				for _, want := range tt.wantTexts {
					if pair[0] == tt.before && !strings.Contains(text.String(), want) {
						t.Errorf("text lacks %q:\n%s", want, text.String())
					}
				}
			}
		})
	}
}

func TestStateRedacted(t *testing.T) {
	for _, name := range fixtureNames {
		s := parseFixture(t, name)
		r := s.Redacted()
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), sentinel) {
			t.Errorf("%s: redacted state leaks a secret", name)
		}
		if _, err := Parse(b); err != nil {
			t.Errorf("%s: redacted state does not parse: %v", name, err)
		}
		if orig, _ := s.Encode(); !bytes.Equal(orig, readFixture(t, name)) {
			t.Errorf("%s: Redacted modified the original state", name)
		}
	}
}
