package tf

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

func TestEnviron(t *testing.T) {
	tests := []struct {
		name string
		base []string
		want []string
	}{
		{"empty", nil, []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0"}},
		{"keeps the user's settings", []string{
			"PATH=/usr/bin", "HOME=/home/u",
			"TF_CLI_CONFIG_FILE=/etc/tf.rc", "TF_VAR_region=eu-west-1", "TF_HTTP_PASSWORD=p",
			"AWS_PROFILE=dev", "TF_PLUGIN_CACHE_DIR=/cache", "TF_DATA_DIR=/data", "TF_WORKSPACE=dev",
		}, []string{
			"PATH=/usr/bin", "HOME=/home/u",
			"TF_CLI_CONFIG_FILE=/etc/tf.rc", "TF_VAR_region=eu-west-1", "TF_HTTP_PASSWORD=p",
			"AWS_PROFILE=dev", "TF_PLUGIN_CACHE_DIR=/cache", "TF_DATA_DIR=/data", "TF_WORKSPACE=dev",
			"TF_IN_AUTOMATION=1", "TF_INPUT=0",
		}},
		{"drops logging", []string{
			"TF_LOG=TRACE", "TF_LOG_PATH=/tmp/tf.log", "TF_LOG_CORE=DEBUG", "TF_LOG_PROVIDER=TRACE",
			"TF_LOG_PROVIDER_AWS=DEBUG", "A=1",
		}, []string{"A=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0"}},
		{"drops injected arguments", []string{
			"TF_CLI_ARGS=-no-json", "TF_CLI_ARGS_plan=-out=x", "TF_CLI_ARGS_init=-upgrade", "B=2",
		}, []string{"B=2", "TF_IN_AUTOMATION=1", "TF_INPUT=0"}},
		{"overrides automation and input", []string{
			"TF_IN_AUTOMATION=", "TF_INPUT=1", "TF_INPUT=true",
		}, []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0"}},
		{"similar names survive", []string{
			"TF_LOGGING=1", "MY_TF_LOG=1", "TF_CLI_ARGSX=1", "TF_VAR_TF_LOG=1",
		}, []string{"TF_LOGGING=1", "MY_TF_LOG=1", "TF_CLI_ARGSX=1", "TF_VAR_TF_LOG=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0"}},
		{"odd entries pass through", []string{"=C:=C:\\", "NOVALUE"}, []string{"=C:=C:\\", "NOVALUE", "TF_IN_AUTOMATION=1", "TF_INPUT=0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := slices.Clone(tt.base)
			got := Environ(base)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Environ() =\n  %q\nwant\n  %q", got, tt.want)
			}
			if !slices.Equal(base, tt.base) {
				t.Errorf("Environ modified its input")
			}
		})
	}
}

func TestBinaryCommand(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_VAR_x", "1")
	tests := []struct {
		version string
		flavor  Flavor
		json    bool
	}{
		{"1.8.5", FlavorTerraform, false},
		{"1.9.0", FlavorTerraform, true},
		{"1.11.4", FlavorTerraform, true},
		{"1.6.2", FlavorTofu, false},
		{"1.7.0", FlavorTofu, true},
		{"1.9.0-beta1", FlavorTerraform, true},
	}
	for _, tt := range tests {
		b := &Binary{Path: "/opt/bin/terraform", Flavor: tt.flavor, Version: version.Must(version.NewVersion(tt.version))}
		cmd := b.Command("/estate/environments/dev", InitOptions{})
		if got := slices.Contains(cmd.Args, "-json"); got != tt.json {
			t.Errorf("%s %s: init -json = %v, want %v", tt.flavor, tt.version, got, tt.json)
		}
		if cmd.Path != b.Path || cmd.Dir != "/estate/environments/dev" {
			t.Errorf("command = %+v", cmd)
		}
		if slices.Contains(cmd.Env, "TF_LOG=TRACE") || !slices.Contains(cmd.Env, "TF_VAR_x=1") || !slices.Contains(cmd.Env, "TF_IN_AUTOMATION=1") {
			t.Errorf("command environment not cleaned: %v", cmd.Env)
		}
	}
}

func TestCommandNameAndString(t *testing.T) {
	tests := []struct {
		args       []string
		name, text string
	}{
		{[]string{"plan", "-input=false", "-json"}, "plan", "terraform plan -input=false -json"},
		{[]string{"state", "pull", "-no-color"}, "state-pull", "terraform state pull -no-color"},
		{[]string{"force-unlock", "-no-color", "-force", "id"}, "force-unlock", "terraform force-unlock -no-color -force id"},
		{[]string{"import", "-input=false", `a.b["k"]`, "the id"}, "import", `terraform import -input=false "a.b[\"k\"]" "the id"`},
		{nil, "terraform", "terraform"},
	}
	for _, tt := range tests {
		c := &Command{Path: "/usr/local/bin/terraform", Args: tt.args}
		if got := c.Name(); got != tt.name {
			t.Errorf("Name(%v) = %q, want %q", tt.args, got, tt.name)
		}
		if got := c.String(); got != tt.text {
			t.Errorf("String(%v) = %s, want %s", tt.args, got, tt.text)
		}
	}
	if !strings.HasPrefix((&Binary{Path: "/x/tofu", Flavor: FlavorTofu, Version: version.Must(version.NewVersion("1.8.0"))}).String(), "tofu 1.8.0") {
		t.Error("Binary.String")
	}
}
