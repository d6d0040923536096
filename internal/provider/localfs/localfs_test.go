package localfs

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

func TestParsePerm(t *testing.T) {
	tests := []struct {
		in   string
		want fs.FileMode
		ok   bool
	}{
		{"0644", 0o644, true},
		{"644", 0o644, true},
		{"0600", 0o600, true},
		{"0777", 0o777, true},
		{"1777", 0, false}, // sticky bit is not a permission
		{"0800", 0, false},
		{"64", 0, false},
		{"rw-r--r--", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parsePerm(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parsePerm(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got := formatPerm(0o640); got != "0640" {
		t.Errorf("formatPerm(0640) = %q", got)
	}
}

func TestIsProviderInvocation(t *testing.T) {
	for argv0, want := range map[string]bool{
		"/x/.terraform/providers/registry.terraform.io/infractl/localfs/0.1.0/linux_amd64/" + ExecutableName: true,
		"terraform-provider-localfs": true,
		"/usr/local/bin/infractl":    false,
		"infractl":                   false,
	} {
		if got := IsProviderInvocation(argv0); got != want {
			t.Errorf("IsProviderInvocation(%q) = %v, want %v", argv0, got, want)
		}
	}
}

func TestCLIConfigQuotesThePath(t *testing.T) {
	got := string(CLIConfig(`/tmp/a "b" ${c} %{d} \e`))
	want := `path    = "/tmp/a \"b\" ${c} %{d} \\e"`
	if !strings.Contains(got, want) {
		t.Errorf("CLIConfig does not contain %s:\n%s", want, got)
	}
	for _, line := range []string{
		`include = ["registry.terraform.io/infractl/*"]`,
		`exclude = ["registry.terraform.io/infractl/*"]`,
		`disable_checkpoint = true`,
	} {
		if !strings.Contains(got, line) {
			t.Errorf("CLIConfig lacks %s:\n%s", line, got)
		}
	}
}

func TestWriteMirror(t *testing.T) {
	t.Run("hard link", func(t *testing.T) { testWriteMirror(t) })
	t.Run("copy", func(t *testing.T) {
		link = func(string, string) error { return &os.LinkError{Op: "link", Err: os.ErrInvalid} }
		defer func() { link = os.Link }()
		testWriteMirror(t)
	})
}

func testWriteMirror(t *testing.T) {
	src := filepath.Join(t.TempDir(), "provider")
	if err := os.WriteFile(src, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	mirror := t.TempDir()
	got, err := WriteMirror(mirror, src)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(mirror, "registry.terraform.io", "infractl", "localfs", "0.1.0",
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-localfs_v0.1.0")
	if got != want {
		t.Fatalf("WriteMirror = %s, want %s", got, want)
	}
	if fi, err := os.Stat(got); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Fatalf("installed provider: %v, mode %v", err, fi.Mode())
	}
	// Again, and from the installed file itself: both must succeed.
	for _, from := range []string{src, got} {
		if _, err := WriteMirror(mirror, from); err != nil {
			t.Errorf("WriteMirror(%s) again: %v", from, err)
		}
	}
	if b, _ := os.ReadFile(got); string(b) != "#!/bin/sh\n" {
		t.Errorf("installed content = %q", b)
	}
}

// TestSchema checks the schema through the real protocol server, without
// terraform, so a laptop without terraform still catches schema mistakes.
func TestSchema(t *testing.T) {
	srv := providerserver.NewProtocol6(New())()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("diagnostic: %s: %s", d.Summary, d.Detail)
	}
	file, ok := resp.ResourceSchemas["localfs_file"]
	if !ok {
		t.Fatalf("no localfs_file resource; have %v", resp.ResourceSchemas)
	}
	attrs := map[string]*tfprotov6.SchemaAttribute{}
	for _, a := range file.Block.Attributes {
		attrs[a.Name] = a
	}
	for name, want := range map[string]string{
		"id": "computed", "path": "required", "content": "required", "sensitive_content": "optional sensitive",
		"file_permission": "optional computed", "fail_on_apply": "optional computed", "sha256": "computed",
	} {
		a := attrs[name]
		if a == nil {
			t.Errorf("localfs_file has no %s", name)
			continue
		}
		var got []string
		for flag, set := range map[string]bool{"required": a.Required, "optional": a.Optional, "computed": a.Computed, "sensitive": a.Sensitive} {
			if set {
				got = append(got, flag)
			}
		}
		for _, flag := range strings.Fields(want) {
			if !strings.Contains(strings.Join(got, " "), flag) {
				t.Errorf("%s flags = %v, want %s", name, got, want)
			}
		}
		if len(got) != len(strings.Fields(want)) {
			t.Errorf("%s flags = %v, want exactly %s", name, got, want)
		}
	}
	if _, ok := resp.DataSourceSchemas["localfs_file"]; !ok {
		t.Errorf("no localfs_file data source")
	}

	secret, ok := resp.EphemeralResourceSchemas["localfs_secret"]
	if !ok {
		t.Fatalf("no localfs_secret ephemeral resource; have %v", resp.EphemeralResourceSchemas)
	}
	got := map[string]string{}
	for _, a := range secret.Block.Attributes {
		var flags []string
		for _, f := range []struct {
			name string
			set  bool
		}{{"required", a.Required}, {"optional", a.Optional}, {"computed", a.Computed}, {"sensitive", a.Sensitive}} {
			if f.set {
				flags = append(flags, f.name)
			}
		}
		got[a.Name] = strings.Join(flags, " ")
	}
	want := map[string]string{"path": "required", "renew_after": "optional", "content": "computed sensitive", "sha256": "computed"}
	if len(got) != len(want) {
		t.Errorf("localfs_secret attributes = %v, want %v", got, want)
	}
	for name, flags := range want {
		if got[name] != flags {
			t.Errorf("localfs_secret %s flags = %q, want %q", name, got[name], flags)
		}
	}
}
