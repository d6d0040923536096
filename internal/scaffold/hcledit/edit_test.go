package hcledit

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestSetAttributes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		assigns []Assignment
		want    string
	}{
		{
			name: "replaces only the value",
			src:  "# sizes\nreplicas  = 3 # three\nimage     = \"a:1\"\n\n\n  odd   =   1\n",
			assigns: []Assignment{
				{"replicas", cty.NumberIntVal(5)},
				{"image", cty.StringVal("a:2")},
			},
			want: "# sizes\nreplicas  = 5 # three\nimage     = \"a:2\"\n\n\n  odd   =   1\n",
		},
		{
			name:    "unchanged value is not rewritten",
			src:     "tags = [ \"a\",\"b\" ]\n",
			assigns: []Assignment{{"tags", cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})}},
			want:    "tags = [ \"a\",\"b\" ]\n",
		},
		{
			name: "missing attributes are appended as a formatted group",
			src:  "a = 1",
			assigns: []Assignment{
				{"enabled", cty.True},
				{"zones", cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
			},
			want: "a = 1\n\nenabled = true\nzones   = [\"a\", \"b\"]\n",
		},
		{
			name:    "empty file",
			src:     "",
			assigns: []Assignment{{"x", cty.StringVal("y")}},
			want:    "x = \"y\"\n",
		},
		{
			name:    "objects span lines",
			src:     "m = {}\n",
			assigns: []Assignment{{"m", cty.ObjectVal(map[string]cty.Value{"cpu": cty.StringVal("1"), "replicas": cty.NumberIntVal(2)})}},
			want:    "m = {\n  cpu      = \"1\"\n  replicas = 2\n}\n",
		},
		{
			name:    "CRLF files stay CRLF",
			src:     "a = 1\r\nb = 2\r\n",
			assigns: []Assignment{{"b", cty.NumberIntVal(3)}, {"c", cty.NumberIntVal(4)}},
			want:    "a = 1\r\nb = 3\r\n\r\nc = 4\r\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SetAttributes([]byte(tc.src), "terraform.tfvars", tc.assigns)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestSetAttributesInvalid(t *testing.T) {
	_, err := SetAttributes([]byte("a = \n"), "x.tfvars", []Assignment{{"a", cty.True}})
	if err == nil {
		t.Fatal("no error for invalid HCL")
	}
}

func TestSetBlockAttributes(t *testing.T) {
	const src = `# header
module "vpc" {
  source  = "git::https://example.com/vpc.git?ref=v1.0.0" # pinned
  version = "1.0.0"
  cidr    = var.cidr
}

module "eks" {
  # the cluster
  source = "terraform-aws-modules/eks/aws"
}

environment "dev" {}
`
	for _, tc := range []struct {
		name    string
		typ     string
		labels  []string
		assigns []Assignment
		want    string
	}{
		{
			name:    "existing attributes: values only",
			typ:     "module",
			labels:  []string{"vpc"},
			assigns: []Assignment{{"source", cty.StringVal("git::https://example.com/vpc.git?ref=v1.1.0")}},
			want: `# header
module "vpc" {
  source  = "git::https://example.com/vpc.git?ref=v1.1.0" # pinned
  version = "1.0.0"
  cidr    = var.cidr
}

module "eks" {
  # the cluster
  source = "terraform-aws-modules/eks/aws"
}

environment "dev" {}
`,
		},
		{
			name:    "missing attribute: the block is rendered again",
			typ:     "module",
			labels:  []string{"eks"},
			assigns: []Assignment{{"version", cty.StringVal("21.0.0")}},
			want: `# header
module "vpc" {
  source  = "git::https://example.com/vpc.git?ref=v1.0.0" # pinned
  version = "1.0.0"
  cidr    = var.cidr
}

module "eks" {
  # the cluster
  source  = "terraform-aws-modules/eks/aws"
  version = "21.0.0"
}

environment "dev" {}
`,
		},
		{
			name:    "one-line block",
			typ:     "environment",
			labels:  []string{"dev"},
			assigns: []Assignment{{"depends_on", cty.TupleVal([]cty.Value{cty.StringVal("base")})}},
			want: `# header
module "vpc" {
  source  = "git::https://example.com/vpc.git?ref=v1.0.0" # pinned
  version = "1.0.0"
  cidr    = var.cidr
}

module "eks" {
  # the cluster
  source = "terraform-aws-modules/eks/aws"
}

environment "dev" {
  depends_on = ["base"]
}
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SetBlockAttributes([]byte(src), "main.tf", tc.typ, tc.labels, tc.assigns)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if _, err := SetBlockAttributes([]byte(src), "main.tf", "module", []string{"rds"}, nil); err == nil || err.Error() != `main.tf: no module "rds" block` {
		t.Errorf("missing block: %v", err)
	}
}

func TestValueText(t *testing.T) {
	for _, tc := range []struct {
		v    cty.Value
		want string
	}{
		{cty.StringVal("a\"b"), `"a\"b"`},
		{cty.NumberFloatVal(1.5), "1.5"},
		{cty.False, "false"},
		{cty.NullVal(cty.String), "null"},
		{cty.ListVal([]cty.Value{cty.NumberIntVal(1)}), "[1]"},
		{cty.StringVal("${x}"), `"$${x}"`},
	} {
		if got := string(ValueText(tc.v)); got != tc.want {
			t.Errorf("ValueText(%#v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

func TestReplaceValues(t *testing.T) {
	src := []byte("terraform {\n  backend \"http\" {\n    address      = \"http://h/v1/states/prod\" # state\n    lock_address = \"http://h/v1/states/prod/lock\"\n  }\n}\n")
	body, err := Parse(src, "backend.tf")
	if err != nil {
		t.Fatal(err)
	}
	b := body.Blocks[0].Body.Blocks[0].Body
	got := ReplaceValues(src, []Replacement{
		{b.Attributes["lock_address"], ValueText(cty.StringVal("http://h/v1/states/qa/lock"))},
		{b.Attributes["address"], ValueText(cty.StringVal("http://h/v1/states/qa"))},
	})
	want := "terraform {\n  backend \"http\" {\n    address      = \"http://h/v1/states/qa\" # state\n    lock_address = \"http://h/v1/states/qa/lock\"\n  }\n}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
