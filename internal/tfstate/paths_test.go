package tfstate

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestChangedPaths(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          []string
	}{
		{"equal", `{"a": 1, "b": [1, 2]}`, `{"a": 1, "b": [1, 2]}`, nil},
		{"scalar member", `{"size": 1, "name": "x"}`, `{"size": 2, "name": "x"}`, []string{"size"}},
		{"nested map", `{"tags": {"env": "dev", "team": "a"}}`, `{"tags": {"env": "prod", "team": "a"}}`, []string{"tags.env"}},
		{"list element", `{"ingress": [{"port": 80}, {"port": 443}]}`, `{"ingress": [{"port": 80}, {"port": 8443}]}`, []string{"ingress[1].port"}},
		{"list length", `{"l": [1]}`, `{"l": [1, 2]}`, []string{"l"}},
		{"new nested object is one path", `{"a": {}}`, `{"a": {"b": {"c": 1, "d": 2}}}`, []string{"a.b"}},
		{"removed member", `{"a": 1, "b": 2}`, `{"a": 1}`, []string{"b"}},
		{"missing equals null", `{"a": 1, "b": null}`, `{"a": 1}`, nil},
		{"type change", `{"a": {"b": 1}}`, `{"a": [1]}`, []string{"a"}},
		{"quoted keys", `{"labels": {"api key": "x", "a.b": 1}}`, `{"labels": {"api key": "y", "a.b": 2}}`, []string{`labels["a.b"]`, `labels["api key"]`}},
		{"whole value", `1`, `2`, []string{"."}},
		{"root list", `[1, 2]`, `[1, 3]`, []string{"[1]"}},
		{"root quoted key", `{"a b": 1}`, `{"a b": 2}`, []string{`["a b"]`}},
		{"sorted", `{"z": 1, "a": {"y": 1, "b": 1}}`, `{"z": 2, "a": {"y": 2, "b": 2}}`, []string{"a.b", "a.y", "z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after any
			if err := json.Unmarshal([]byte(tt.before), &before); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.after), &after); err != nil {
				t.Fatal(err)
			}
			got := ChangedPaths(before, after)
			if strings.Join(got, " | ") != strings.Join(tt.want, " | ") || (got == nil) != (tt.want == nil) {
				t.Errorf("ChangedPaths = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPathString(t *testing.T) {
	tests := []struct {
		path Path
		want string
	}{
		{nil, "."},
		{Path{KeyStep("tags"), KeyStep("env")}, "tags.env"},
		{Path{KeyStep("ingress"), IndexStep(0), KeyStep("port")}, "ingress[0].port"},
		{Path{KeyStep("labels"), KeyStep("api key")}, `labels["api key"]`},
		{Path{IndexStep(2)}, "[2]"},
		{Path{KeyStep(`we"ird`)}, `["we\"ird"]`},
	}
	for _, tt := range tests {
		if got := tt.path.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestParseSensitivePaths(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string
		err  string
	}{
		{"none", `[]`, []string{}, ""},
		{"null", `null`, nil, ""},
		{"attribute", `[[{"type":"get_attr","value":"password"}]]`, []string{"password"}, ""},
		{"nested", `[[{"type":"get_attr","value":"input"},{"type":"get_attr","value":"password"}]]`, []string{"input.password"}, ""},
		{"list index", `[[{"type":"get_attr","value":"tokens"},{"type":"index","value":{"value":1,"type":"number"}}]]`, []string{"tokens[1]"}, ""},
		{"map key", `[[{"type":"get_attr","value":"labels"},{"type":"index","value":{"value":"api key","type":"string"}}]]`, []string{`labels["api key"]`}, ""},
		{"set element cuts the path", `[[{"type":"get_attr","value":"rules"},{"type":"index","value":{"value":{"port":80},"type":["object",{"port":"number"}]}},{"type":"get_attr","value":"secret"}]]`, []string{"rules"}, ""},
		{"empty path is the whole value", `[[]]`, []string{"."}, ""},
		{"two paths", `[[{"type":"get_attr","value":"a"}],[{"type":"get_attr","value":"b"}]]`, []string{"a", "b"}, ""},
		{"unknown step", `[[{"type":"get_element","value":"a"}]]`, nil, `unsupported path step type "get_element"`},
		{"bad get_attr", `[[{"type":"get_attr","value":1}]]`, nil, "get_attr value must be a string"},
		{"not a list", `{}`, nil, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, err := ParseSensitivePaths(json.RawMessage(tt.raw))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range paths {
				got = append(got, p.String())
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("paths = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	var v any
	if err := json.Unmarshal([]byte(`{
		"input": {"value": {"password": "p", "tokens": ["a", "b"]}, "type": ["object", {}]},
		"plain": {"value": "v", "type": "t", "other": 1},
		"list": [1, 2]
	}`), &v); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, want Path
	}{
		{Path{KeyStep("input"), KeyStep("password")}, Path{KeyStep("input"), KeyStep("value"), KeyStep("password")}},
		{Path{KeyStep("input"), KeyStep("tokens"), IndexStep(1)}, Path{KeyStep("input"), KeyStep("value"), KeyStep("tokens"), IndexStep(1)}},
		{Path{KeyStep("input")}, Path{KeyStep("input")}},
		{Path{KeyStep("plain"), KeyStep("x")}, Path{KeyStep("plain")}},
		{Path{KeyStep("list"), IndexStep(5)}, Path{KeyStep("list")}},
		{Path{KeyStep("missing"), KeyStep("x")}, Path{}},
	}
	for _, tt := range tests {
		if got := resolve(v, tt.path); got.String() != tt.want.String() {
			t.Errorf("resolve(%s) = %s, want %s", tt.path, got, tt.want)
		}
	}
}
