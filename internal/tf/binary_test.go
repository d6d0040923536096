package tf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/testenv"
)

// fakeBinary writes an executable shell script named name into dir.
func fakeBinary(t *testing.T, dir, name, script string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// versionScript prints `version -json` output like Terraform (with
// terraform_outdated) or OpenTofu (without), and a human `version` line.
func versionScript(ver string, tofu bool) string {
	if tofu {
		return `if [ "$2" = "-json" ]; then
  printf '{\n  "terraform_version": "` + ver + `",\n  "platform": "linux_amd64",\n  "provider_selections": {}\n}\n'
else
  echo "OpenTofu v` + ver + `"; echo "on linux_amd64"
fi
`
	}
	return `if [ "$2" = "-json" ]; then
  printf '{\n  "terraform_version": "` + ver + `",\n  "platform": "linux_amd64",\n  "provider_selections": {},\n  "terraform_outdated": false\n}\n'
else
  echo "Terraform v` + ver + `"
fi
`
}

// isolate gives the test an empty PATH (plus dirs) and no INFRACTL_TF_BINARY.
func isolate(t *testing.T, dirs ...string) {
	t.Helper()
	t.Setenv("PATH", strings.Join(append(dirs, t.TempDir()), string(os.PathListSeparator)))
	t.Setenv(EnvBinary, "")
}

func TestFindOrder(t *testing.T) {
	dir := t.TempDir()
	explicit := fakeBinary(t, dir, "tf-explicit", versionScript("1.10.0", false))
	fromEnv := fakeBinary(t, dir, "tf-env", versionScript("1.9.0", false))
	fromConfig := fakeBinary(t, dir, "tf-config", versionScript("1.8.0", false))
	pathDir := t.TempDir()
	onPath := fakeBinary(t, pathDir, "terraform", versionScript("1.7.0", false))
	tofuOnPath := fakeBinary(t, pathDir, "tofu", versionScript("1.8.3", true))

	tests := []struct {
		name     string
		opts     FindOptions
		env      string
		noTFPath bool
		want     string
		version  string
		flavor   Flavor
	}{
		{"flag first", FindOptions{Explicit: explicit, ConfigBinary: fromConfig}, fromEnv, false, explicit, "1.10.0", FlavorTerraform},
		{"then environment", FindOptions{ConfigBinary: fromConfig}, fromEnv, false, fromEnv, "1.9.0", FlavorTerraform},
		{"then infractl.hcl", FindOptions{ConfigBinary: fromConfig}, "", false, fromConfig, "1.8.0", FlavorTerraform},
		{"then terraform on PATH", FindOptions{}, "", false, onPath, "1.7.0", FlavorTerraform},
		{"then tofu on PATH", FindOptions{}, "", true, tofuOnPath, "1.8.3", FlavorTofu},
		{"a name is looked up on PATH", FindOptions{Explicit: "tofu"}, "", false, tofuOnPath, "1.8.3", FlavorTofu},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.noTFPath {
				only := t.TempDir()
				if err := os.Symlink(tofuOnPath, filepath.Join(only, "tofu")); err != nil {
					t.Fatal(err)
				}
				isolate(t, only)
			} else {
				isolate(t, pathDir)
			}
			t.Setenv(EnvBinary, tt.env)
			b, err := Find(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.noTFPath {
				tt.want = filepath.Join(filepath.Dir(b.Path), "tofu")
			}
			if b.Path != tt.want || b.Version.String() != tt.version || b.Flavor != tt.flavor {
				t.Errorf("Find = %s, want %s %s (%s)", b, tt.flavor, tt.version, tt.want)
			}
		})
	}
}

func TestFindVersionCheck(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, script string
		wantErr            string
		flavor             Flavor
	}{
		{"1.4.0 is refused", "terraform", versionScript("1.4.0", false), "terraform 1.4.0 at " + dir + "/terraform is too old: infractl needs 1.5.0 or later", ""},
		{"1.4.7 is refused", "terraform", versionScript("1.4.7", false), "too old", ""},
		{"1.5.0 is accepted", "terraform", versionScript("1.5.0", false), "", FlavorTerraform},
		{"a 1.5.0 prerelease is accepted", "terraform", versionScript("1.5.0-rc1", false), "", FlavorTerraform},
		{"tofu by name", "tofu", versionScript("1.6.0", true), "", FlavorTofu},
		{"tofu renamed terraform", "terraform", versionScript("1.8.0", true), "", FlavorTofu},
		{"garbage output", "terraform", "echo hello\n", "does not look like terraform or tofu", ""},
		{"version fails", "terraform", "echo 'Error: broken install' >&2; exit 1\n", "Error: broken install", ""},
		{"bad version", "terraform", `echo '{"terraform_version":"one.two"}'` + "\n", `reported version "one.two"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			path := fakeBinary(t, d, tt.file, tt.script)
			isolate(t)
			tt.wantErr = strings.ReplaceAll(tt.wantErr, dir+"/terraform", path)
			b, err := Find(context.Background(), FindOptions{Explicit: path})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Find error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Flavor != tt.flavor {
				t.Errorf("flavor = %s, want %s", b.Flavor, tt.flavor)
			}
		})
	}
}

func TestFindTooOldIsTyped(t *testing.T) {
	path := fakeBinary(t, t.TempDir(), "terraform", versionScript("1.3.9", false))
	isolate(t)
	_, err := Find(context.Background(), FindOptions{Explicit: path})
	var uv *UnsupportedVersionError
	if !errors.As(err, &uv) || uv.Version.String() != "1.3.9" || uv.Path != path {
		t.Fatalf("error = %#v, want *UnsupportedVersionError for 1.3.9", err)
	}
	for _, hint := range []string{"--tf-binary", EnvBinary, "1.5.0", "1.3.9", path} {
		if !strings.Contains(err.Error(), hint) {
			t.Errorf("message %q does not mention %q", err, hint)
		}
	}
}

func TestFindNotFound(t *testing.T) {
	isolate(t)
	_, err := Find(context.Background(), FindOptions{})
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("error = %v, want *NotFoundError", err)
	}
	want := `no terraform or tofu binary found; tried --tf-binary (not set), INFRACTL_TF_BINARY (not set), infractl.hcl (not set), "terraform" on PATH, "tofu" on PATH. Install Terraform >= 1.5.0 or OpenTofu, or point infractl at a binary with --tf-binary or INFRACTL_TF_BINARY`
	if err.Error() != want {
		t.Errorf("message:\n  %s\nwant\n  %s", err, want)
	}
}

// TestFindExplicitMissing checks a binary the user named is not silently
// replaced by one from PATH.
func TestFindExplicitMissing(t *testing.T) {
	pathDir := t.TempDir()
	fakeBinary(t, pathDir, "terraform", versionScript("1.11.4", false))
	notExec := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(notExec, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    FindOptions
		env     string
		wantErr string
	}{
		{"flag path", FindOptions{Explicit: "/nonexistent/terraform"}, "", `terraform binary "/nonexistent/terraform" from --tf-binary: no such file or directory`},
		{"flag name", FindOptions{Explicit: "terraform-1.2"}, "", `terraform binary "terraform-1.2" from --tf-binary: not found on PATH`},
		{"environment", FindOptions{}, "/nope/tofu", `terraform binary "/nope/tofu" from INFRACTL_TF_BINARY`},
		{"config", FindOptions{ConfigBinary: notExec}, "", "from infractl.hcl: " + notExec + " is not an executable file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t, pathDir)
			t.Setenv(EnvBinary, tt.env)
			_, err := Find(context.Background(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestFindRealTerraform runs the version probe against the real binary.
func TestFindRealTerraform(t *testing.T) {
	path := testenv.Terraform(t)
	b, err := Find(context.Background(), FindOptions{Explicit: path})
	if err != nil {
		t.Fatal(err)
	}
	if b.Flavor != FlavorTerraform || b.Version.LessThan(MinVersion) {
		t.Errorf("Find = %s", b)
	}
	t.Logf("found %s", b)
}

// TestFindConfigRelativeToEstate checks a relative path from infractl.hcl
// is resolved against the estate root, not the working directory.
func TestFindConfigRelativeToEstate(t *testing.T) {
	estate := t.TempDir()
	if err := os.Mkdir(filepath.Join(estate, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	want := fakeBinary(t, filepath.Join(estate, "bin"), "terraform", versionScript("1.11.4", false))
	isolate(t)
	t.Chdir(t.TempDir())
	b, err := Find(context.Background(), FindOptions{ConfigBinary: "bin/terraform", Dir: estate})
	if err != nil {
		t.Fatal(err)
	}
	if b.Path != want {
		t.Errorf("Path = %s, want %s", b.Path, want)
	}
	if _, err := Find(context.Background(), FindOptions{Explicit: "bin/terraform", Dir: estate}); err == nil {
		t.Error("a relative --tf-binary was resolved against the estate, want the working directory")
	}
}
