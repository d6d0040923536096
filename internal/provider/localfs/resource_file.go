package localfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// defaultPerm is file_permission when the configuration does not set it.
const defaultPerm = "0644"

// failOnApplySummary is the diagnostic a deliberately failing apply reports;
// tests match on it.
const failOnApplySummary = "fail_on_apply is set"

type fileResource struct {
	disk *disk
}

type fileModel struct {
	ID               types.String `tfsdk:"id"`
	Path             types.String `tfsdk:"path"`
	Content          types.String `tfsdk:"content"`
	SensitiveContent types.String `tfsdk:"sensitive_content"`
	FilePermission   types.String `tfsdk:"file_permission"`
	FailOnApply      types.Bool   `tfsdk:"fail_on_apply"`
	SHA256           types.String `tfsdk:"sha256"`
}

var (
	_ resource.ResourceWithConfigure   = (*fileResource)(nil)
	_ resource.ResourceWithImportState = (*fileResource)(nil)
)

func newFileResource() resource.Resource { return &fileResource{} }

func (r *fileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_file"
}

func (r *fileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A file on local disk. Reads notice when the file was changed or deleted outside Terraform.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				Description:   "The path, as configured.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"path": schema.StringAttribute{
				Required:      true,
				Description:   "File path; relative paths resolve under the provider's root. Changing it replaces the file.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"content": schema.StringAttribute{
				Required:    true,
				Description: "Text content of the file; updated in place.",
			},
			"sensitive_content": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "Secret text written to the side file \"<path>.secret\" (mode 0600), " +
					"so Terraform redacts it in plans and show output. Unset leaves no side file managed.",
			},
			"file_permission": schema.StringAttribute{
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(defaultPerm),
				Description:   "Octal permission bits of the file, e.g. \"0644\". Changing it replaces the file.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{permValidator{}},
			},
			"fail_on_apply": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				Description: "When true, create and update fail with the error \"" + failOnApplySummary +
					"\" and touch nothing, for deterministic failing applies.",
			},
			"sha256": schema.StringAttribute{
				Computed:      true,
				Description:   "Lowercase hex SHA-256 of content; unknown in a plan that changes content.",
				PlanModifiers: []planmodifier.String{unknownWhenContentChanges{}},
			},
		},
	}
}

func (r *fileResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil { // not configured yet (validation)
		return
	}
	d, ok := req.ProviderData.(*disk)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("want *disk, got %T", req.ProviderData))
		return
	}
	r.disk = d
}

func (r *fileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.FailOnApply.ValueBool() {
		resp.Diagnostics.AddError(failOnApplySummary,
			"localfs_file "+plan.Path.ValueString()+" was configured to fail on purpose (fail_on_apply = true); nothing was written.")
		return
	}
	if !r.writeAll(&plan, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *fileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state fileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.disk.wait(ctx); err != nil {
		resp.Diagnostics.AddError("Read interrupted", err.Error())
		return
	}
	p := state.Path.ValueString()
	content, perm, err := r.disk.read(p)
	if errors.Is(err, fs.ErrNotExist) {
		// Gone behind Terraform's back: drop it so the plan shows drift "delete"
		// and proposes to create it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Cannot read file", err.Error())
		return
	}
	state.ID = types.StringValue(p)
	state.Content = types.StringValue(string(content))
	state.SHA256 = types.StringValue(hash(content))
	// Compare numerically so "644" in the configuration is not drift against 0644 on disk.
	if old, err := parsePerm(state.FilePermission.ValueString()); state.FilePermission.IsNull() || err != nil || old != perm {
		state.FilePermission = types.StringValue(formatPerm(perm))
	}
	if state.FailOnApply.IsNull() {
		state.FailOnApply = types.BoolValue(false)
	}
	if !state.SensitiveContent.IsNull() {
		secret, _, err := r.disk.read(p + secretSuffix)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			state.SensitiveContent = types.StringNull()
		case err != nil:
			resp.Diagnostics.AddAttributeError(path.Root("sensitive_content"), "Cannot read secret file", err.Error())
			return
		default:
			state.SensitiveContent = types.StringValue(string(secret))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *fileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.FailOnApply.ValueBool() {
		resp.Diagnostics.AddError(failOnApplySummary,
			"localfs_file "+plan.Path.ValueString()+" was configured to fail on purpose (fail_on_apply = true); nothing was written.")
		// The framework starts Update's response from a null state; hand back
		// the prior object explicitly rather than rely on the core's fallback,
		// so a failed update neither loses nor changes it.
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	if !r.writeAll(&plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &prior)...)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *fileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state fileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := state.Path.ValueString()
	if err := r.disk.remove(p); err != nil {
		resp.Diagnostics.AddError("Cannot delete file", err.Error())
		return
	}
	if err := r.disk.remove(p + secretSuffix); err != nil {
		resp.Diagnostics.AddError("Cannot delete secret file", err.Error())
	}
}

// ImportState takes the path as the import ID and picks up an existing
// "<path>.secret"; Terraform then calls Read, which fills content, sha256,
// file_permission and fail_on_apply (false).
func (r *fileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	p := req.ID
	if p == "" {
		resp.Diagnostics.AddError("Invalid import ID", "the import ID is the file's path and must not be empty")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("path"), p)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), p)...)
	if r.disk == nil {
		return
	}
	secret, _, err := r.disk.read(p + secretSuffix)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		resp.Diagnostics.AddError("Cannot read secret file", err.Error())
	default:
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("sensitive_content"), string(secret))...)
	}
}

// writeAll writes the file and its secret side file from m and fills the
// computed attributes; it reports false after adding an error to diags.
func (r *fileResource) writeAll(m *fileModel, diags interface{ AddError(string, string) }) bool {
	p := m.Path.ValueString()
	perm, err := parsePerm(m.FilePermission.ValueString())
	if err != nil {
		diags.AddError("Invalid file_permission", err.Error())
		return false
	}
	content := []byte(m.Content.ValueString())
	if err := r.disk.write(p, content, perm); err != nil {
		diags.AddError("Cannot write file", err.Error())
		return false
	}
	if m.SensitiveContent.IsNull() {
		if err := r.disk.remove(p + secretSuffix); err != nil {
			diags.AddError("Cannot delete secret file", err.Error())
			return false
		}
	} else if err := r.disk.write(p+secretSuffix, []byte(m.SensitiveContent.ValueString()), secretPerm); err != nil {
		diags.AddError("Cannot write secret file", err.Error())
		return false
	}
	m.ID = types.StringValue(p)
	m.SHA256 = types.StringValue(hash(content))
	return true
}
