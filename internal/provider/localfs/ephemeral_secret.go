package localfs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secretPathKey is the private-data key under which Open hands the resolved
// file path to Renew, which gets no configuration of its own.
const secretPathKey = "path"

// openFailedSummary is the diagnostic Open reports when it cannot read the
// file; tests match on it.
const openFailedSummary = "Cannot read secret"

// renewFailedSummary is the diagnostic a renewal reports when the file is
// gone (the "secret was revoked"); tests match on it.
const renewFailedSummary = "Cannot renew secret"

// secretEphemeral is the localfs_secret ephemeral resource: a file's content
// handed to Terraform as an ephemeral value, never stored in state or plan.
type secretEphemeral struct {
	disk *disk
}

type secretModel struct {
	Path       types.String `tfsdk:"path"`
	RenewAfter types.String `tfsdk:"renew_after"`
	Content    types.String `tfsdk:"content"`
	SHA256     types.String `tfsdk:"sha256"`
}

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*secretEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*secretEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithRenew          = (*secretEphemeral)(nil)
)

func newSecretEphemeral() ephemeral.EphemeralResource { return &secretEphemeral{} }

func (e *secretEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (e *secretEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads a file's content as an ephemeral value, which Terraform never writes to state or plan files. " +
			"Terraform opens it anew in every plan and apply, even when nothing refers to it, and closes it when done.",
		Attributes: map[string]schema.Attribute{
			"path": schema.StringAttribute{
				Required:    true,
				Description: "File path; relative paths resolve under the provider's root.",
			},
			"renew_after": schema.StringAttribute{
				Optional: true,
				Description: "Go duration (e.g. \"1s\") after which Terraform must renew the secret if it is still in use. " +
					"A renewal checks that the file is still readable and fails if it is gone (a revoked secret); " +
					"it does not ask for another one, so an open secret is renewed at most once. Unset never renews.",
			},
			"content": schema.StringAttribute{
				Computed:    true,
				Sensitive:   true,
				Description: "Text content of the file.",
			},
			"sha256": schema.StringAttribute{
				Computed:    true,
				Description: "Lowercase hex SHA-256 of content.",
			},
		},
	}
}

func (e *secretEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	dk, ok := req.ProviderData.(*disk)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("want *disk, got %T", req.ProviderData))
		return
	}
	e.disk = dk
}

func (e *secretEphemeral) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var renewAfter types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("renew_after"), &renewAfter)...)
	if resp.Diagnostics.HasError() || renewAfter.IsNull() || renewAfter.IsUnknown() {
		return
	}
	if _, err := parseRenewAfter(renewAfter.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("renew_after"), "Invalid renew_after", err.Error())
	}
}

func (e *secretEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m secretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := e.disk.wait(ctx); err != nil {
		resp.Diagnostics.AddError("Open interrupted", err.Error())
		return
	}
	content, _, err := e.disk.read(m.Path.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), openFailedSummary, secretReadError(m.Path.ValueString(), err))
		return
	}
	m.Content = types.StringValue(string(content))
	m.SHA256 = types.StringValue(hash(content))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)

	if m.RenewAfter.IsNull() {
		return
	}
	after, err := parseRenewAfter(m.RenewAfter.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("renew_after"), "Invalid renew_after", err.Error())
		return
	}
	abs, err := json.Marshal(e.disk.resolve(m.Path.ValueString()))
	if err != nil {
		resp.Diagnostics.AddError("Encoding private data", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, secretPathKey, abs)...)
	resp.RenewAt = time.Now().Add(after)
}

// Renew checks that the file Open read is still readable. It leaves RenewAt
// zero, so Terraform does not renew the same open secret again.
func (e *secretEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	raw, diags := req.Private.GetKey(ctx, secretPathKey)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var abs string
	if err := json.Unmarshal(raw, &abs); err != nil || abs == "" {
		resp.Diagnostics.AddError(renewFailedSummary, fmt.Sprintf("private data has no file path (%q)", raw))
		return
	}
	// abs is absolute, so read does not depend on the provider's root here.
	if _, _, err := (&disk{}).read(abs); err != nil {
		resp.Diagnostics.AddError(renewFailedSummary, secretReadError(abs, err))
	}
}

// secretReadError describes a failed read by the path as configured, so the
// message is the same wherever the provider's root is (recorded UI streams
// must not depend on a temp dir).
func secretReadError(name string, err error) string {
	if !errors.Is(err, fs.ErrNotExist) {
		return err.Error()
	}
	msg := fmt.Sprintf("file %q does not exist", name)
	if !filepath.IsAbs(name) {
		msg += " (relative paths resolve under the provider's root)"
	}
	return msg
}

// parseRenewAfter reads renew_after: a positive Go duration.
func parseRenewAfter(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a positive Go duration such as \"1s\" or \"5m\", got %q", s)
	}
	return d, nil
}
