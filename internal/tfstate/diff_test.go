package tfstate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestDiffGolden diffs consecutive real states and compares the JSON and
// text forms with testdata/golden. Regenerate with go test -update after
// re-recording the fixtures.
func TestDiffGolden(t *testing.T) {
	pairs := []struct {
		from, to string
		opts     DiffOptions
		golden   string
	}{
		{"", "v1", DiffOptions{}, "nil-v1"},
		{"v1", "v2", DiffOptions{}, "v1-v2"},
		{"v1", "v2", DiffOptions{OmitValues: true}, "v1-v2-omit-values"},
		{"v2", "v3-tainted", DiffOptions{}, "v2-v3-tainted"},
		{"v3-tainted", "v4-deposed", DiffOptions{}, "v3-v4-deposed"},
		{"v4-deposed", "empty", DiffOptions{}, "v4-empty"},
		{"v1", "v1", DiffOptions{}, "v1-v1"},
	}
	for _, p := range pairs {
		t.Run(p.golden, func(t *testing.T) {
			var from *State
			if p.from != "" {
				from = parseFixture(t, p.from)
			}
			d := Diff(from, parseFixture(t, p.to), p.opts)
			j, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, p.golden+".json", append(j, '\n'))
			var text bytes.Buffer
			if err := d.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			golden(t, p.golden+".txt", text.Bytes())
		})
	}
}

func TestDiff(t *testing.T) {
	const before = `{"version": 4, "terraform_version": "1.10.0", "serial": 4, "lineage": "l",
		"outputs": {"kept": {"value": 1, "type": "number"}, "old": {"value": "o", "type": "string"}},
		"resources": [
			{"module": "module.vpc", "mode": "managed", "type": "aws_subnet", "name": "private", "provider": "p", "instances": [
				{"index_key": 0, "attributes": {"cidr": "10.0.0.0/24", "tags": {"env": "dev"}}},
				{"index_key": 1, "attributes": {"cidr": "10.0.1.0/24"}}]},
			{"mode": "data", "type": "aws_ami", "name": "ubuntu", "provider": "p", "instances": [{"attributes": {"id": "ami-1"}}]},
			{"mode": "managed", "type": "aws_iam_user", "name": "u", "provider": "p", "instances": [
				{"index_key": "ali\"ce", "attributes": {"name": "alice"}, "dependencies": ["a.b"]}]}
		]}`
	const after = `{"version": 4, "terraform_version": "1.11.4", "serial": 5, "lineage": "l",
		"outputs": {"kept": {"value": 1, "type": "number"}, "new": {"value": [1, 2], "type": ["list", "number"]}},
		"resources": [
			{"module": "module.vpc", "mode": "managed", "type": "aws_subnet", "name": "private", "provider": "p", "instances": [
				{"index_key": 0, "attributes": {"cidr": "10.0.0.0/24", "tags": {"env": "prod"}}},
				{"index_key": 1, "attributes": {"cidr": "10.0.1.0/24"}},
				{"index_key": 1, "deposed": "0000beef", "attributes": {"cidr": "10.0.9.0/24"}}]},
			{"mode": "managed", "type": "aws_iam_user", "name": "u", "provider": "p", "instances": [
				{"index_key": "ali\"ce", "status": "tainted", "attributes": {"name": "alice"}, "dependencies": ["a.c"]}]},
			{"mode": "managed", "type": "aws_instance", "name": "web", "provider": "p", "instances": [{"attributes": {}}]}
		]}`
	a, err := Parse([]byte(before))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(after))
	if err != nil {
		t.Fatal(err)
	}
	d := Diff(a, b, DiffOptions{})
	got, _ := json.Marshal(d)
	want := `{"serial":{"before":4,"after":5},"terraform_version":{"before":"1.10.0","after":"1.11.4"},` +
		`"added":[{"address":"aws_instance.web"},{"address":"module.vpc.aws_subnet.private[1]","deposed":"0000beef"}],` +
		`"removed":[{"address":"data.aws_ami.ubuntu"}],` +
		`"changed":[{"address":"aws_iam_user.u[\"ali\\\"ce\"]","paths":[],"fields":["status","dependencies"],"status":{"before":"","after":"tainted"}},` +
		`{"address":"module.vpc.aws_subnet.private[0]","paths":["tags.env"],"before":{"tags.env":"dev"},"after":{"tags.env":"prod"}}],` +
		`"outputs":{"added":[{"name":"new","after":[1,2]}],"removed":[{"name":"old","before":"o"}],"changed":[]}}`
	if string(got) != want {
		t.Errorf("Diff =\n%s\nwant\n%s", got, want)
	}
	var text bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	wantText := `serial: 4 -> 5
terraform_version: 1.10.0 -> 1.11.4
- data.aws_ami.ubuntu
+ aws_instance.web
+ module.vpc.aws_subnet.private[1] (deposed object 0000beef)
~ aws_iam_user.u["ali\"ce"] (tainted, dependencies)
~ module.vpc.aws_subnet.private[0] (tags.env)
- output.old
+ output.new
Resources: 2 added, 1 removed, 2 changed. Outputs: 1 added, 1 removed, 0 changed.
`
	if text.String() != wantText {
		t.Errorf("WriteText =\n%s\nwant\n%s", text.String(), wantText)
	}
	if d.IsEmpty() || !Diff(a, a, DiffOptions{}).IsEmpty() {
		t.Errorf("IsEmpty wrong")
	}
}

func TestInstanceAddress(t *testing.T) {
	tests := []struct {
		r    Resource
		key  any
		want string
	}{
		{Resource{Mode: ModeManaged, Type: "aws_subnet", Name: "private", Module: "module.vpc"}, 0, "module.vpc.aws_subnet.private[0]"},
		{Resource{Mode: ModeData, Type: "x", Name: "y"}, nil, "data.x.y"},
		{Resource{Mode: ModeManaged, Type: "t", Name: "n", Module: `module.a["k"].module.b`}, "key", `module.a["k"].module.b.t.n["key"]`},
		{Resource{Mode: ModeManaged, Type: "t", Name: "n"}, "a\"b\\c\nd${x}%{y}", `t.n["a\"b\\c\nd$${x}%%{y}"]`},
		{Resource{Mode: ModeManaged, Type: "t", Name: "n"}, "\x01", `t.n["\u0001"]`},
	}
	for _, tt := range tests {
		if got := tt.r.InstanceAddress(tt.key); got != tt.want {
			t.Errorf("InstanceAddress(%#v) = %s, want %s", tt.key, got, tt.want)
		}
	}
}

func TestDiffSortsNumerically(t *testing.T) {
	var inst []string
	for _, k := range []string{"10", "2", "1"} {
		inst = append(inst, `{"index_key": `+k+`, "attributes": {}}`)
	}
	b, err := Parse([]byte(`{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [` +
		strings.Join(inst, ",") + `]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	d := Diff(nil, b, DiffOptions{})
	var got []string
	for _, r := range d.Added {
		got = append(got, r.Address)
	}
	if want := "t.n[1] t.n[2] t.n[10]"; strings.Join(got, " ") != want {
		t.Errorf("added = %q, want %s", got, want)
	}
}
