package localfs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	providerConfigType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"root": tftypes.String, "read_delay": tftypes.String,
	}}
	secretType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"path": tftypes.String, "renew_after": tftypes.String, "content": tftypes.String, "sha256": tftypes.String,
	}}
)

// secretServer returns the provider's protocol server configured with root,
// as Terraform drives it, so the ephemeral lifecycle is tested without terraform.
func secretServer(t *testing.T, root string) tfprotov6.ProviderServer {
	t.Helper()
	ctx := context.Background()
	srv := providerserver.NewProtocol6(New())()
	if _, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	cfg := dynamic(t, providerConfigType, map[string]tftypes.Value{
		"root":       tftypes.NewValue(tftypes.String, root),
		"read_delay": tftypes.NewValue(tftypes.String, nil),
	})
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiags(t, "ConfigureProvider", resp.Diagnostics)
	return srv
}

func dynamic(t *testing.T, typ tftypes.Object, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// secretConfig is a localfs_secret configuration; renewAfter "" leaves it null.
func secretConfig(t *testing.T, path, renewAfter string) *tfprotov6.DynamicValue {
	t.Helper()
	renew := tftypes.NewValue(tftypes.String, nil)
	if renewAfter != "" {
		renew = tftypes.NewValue(tftypes.String, renewAfter)
	}
	return dynamic(t, secretType, map[string]tftypes.Value{
		"path":        tftypes.NewValue(tftypes.String, path),
		"renew_after": renew,
		"content":     tftypes.NewValue(tftypes.String, nil),
		"sha256":      tftypes.NewValue(tftypes.String, nil),
	})
}

func failOnDiags(t *testing.T, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
	}
}

func TestSecretOpenAndRenew(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "token.txt"), []byte("tok\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := secretServer(t, root)

	before := time.Now()
	open, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "localfs_secret",
		Config:   secretConfig(t, "token.txt", "1m"),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiags(t, "Open", open.Diagnostics)
	v, err := open.Result.Unmarshal(secretType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"content": "tok\n", "sha256": hash([]byte("tok\n")), "path": "token.txt", "renew_after": "1m"} {
		var got string
		if err := attrs[name].As(&got); err != nil || got != want {
			t.Errorf("result %s = %q (%v), want %q", name, got, err, want)
		}
	}
	if open.RenewAt.Before(before.Add(time.Minute)) || open.RenewAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("RenewAt = %v, want about a minute after open (%v)", open.RenewAt, before)
	}
	if len(open.Private) == 0 {
		t.Fatal("Open returned no private data for Renew")
	}

	// Renewing while the file is there succeeds and asks for no further renewal.
	renew, err := srv.RenewEphemeralResource(ctx, &tfprotov6.RenewEphemeralResourceRequest{
		TypeName: "localfs_secret", Private: open.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiags(t, "Renew", renew.Diagnostics)
	if !renew.RenewAt.IsZero() {
		t.Errorf("Renew asked to be renewed again at %v", renew.RenewAt)
	}

	// Once the file is gone (the secret was revoked) renewal fails.
	if err := os.Remove(filepath.Join(root, "token.txt")); err != nil {
		t.Fatal(err)
	}
	renew, err = srv.RenewEphemeralResource(ctx, &tfprotov6.RenewEphemeralResourceRequest{
		TypeName: "localfs_secret", Private: open.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(renew.Diagnostics) != 1 || renew.Diagnostics[0].Summary != renewFailedSummary ||
		!strings.Contains(renew.Diagnostics[0].Detail, "does not exist") {
		t.Errorf("Renew of a deleted file: diagnostics %+v, want one %q", renew.Diagnostics, renewFailedSummary)
	}

	// Close is not implemented; the framework answers it without error.
	closed, err := srv.CloseEphemeralResource(ctx, &tfprotov6.CloseEphemeralResourceRequest{
		TypeName: "localfs_secret", Private: open.Private,
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiags(t, "Close", closed.Diagnostics)
}

func TestSecretOpenErrors(t *testing.T) {
	ctx := context.Background()
	srv := secretServer(t, t.TempDir())

	open, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "localfs_secret",
		Config:   secretConfig(t, "missing.txt", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `file "missing.txt" does not exist (relative paths resolve under the provider's root)`
	if len(open.Diagnostics) != 1 || open.Diagnostics[0].Summary != openFailedSummary || open.Diagnostics[0].Detail != want {
		t.Errorf("Open of a missing file: diagnostics %+v, want %q: %s", open.Diagnostics, openFailedSummary, want)
	}

	for _, bad := range []string{"soon", "0s", "-1s"} {
		resp, err := srv.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{
			TypeName: "localfs_secret",
			Config:   secretConfig(t, "token.txt", bad),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Invalid renew_after" {
			t.Errorf("renew_after %q: diagnostics %+v, want Invalid renew_after", bad, resp.Diagnostics)
		}
	}
	resp, err := srv.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{
		TypeName: "localfs_secret",
		Config:   secretConfig(t, "token.txt", "90s"),
	})
	if err != nil {
		t.Fatal(err)
	}
	failOnDiags(t, "ValidateEphemeralResourceConfig", resp.Diagnostics)
}

func TestSecretReadError(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"a.txt", os.ErrNotExist, `file "a.txt" does not exist (relative paths resolve under the provider's root)`},
		{"/abs/a.txt", os.ErrNotExist, `file "/abs/a.txt" does not exist`},
		{"a.txt", os.ErrPermission, os.ErrPermission.Error()},
	} {
		if got := secretReadError(tt.name, tt.err); got != tt.want {
			t.Errorf("secretReadError(%q, %v) = %q, want %q", tt.name, tt.err, got, tt.want)
		}
	}
}
