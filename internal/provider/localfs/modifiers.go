package localfs

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// unknownWhenContentChanges plans sha256 as unknown exactly when content
// changes and keeps the prior hash otherwise; without it the framework would
// mark sha256 unknown on every update (e.g. one that only flips fail_on_apply).
type unknownWhenContentChanges struct{}

func (unknownWhenContentChanges) Description(context.Context) string {
	return "sha256 is unknown when content changes and kept from state otherwise."
}

func (m unknownWhenContentChanges) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (unknownWhenContentChanges) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // create or destroy: nothing to keep
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("content"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("content"), &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if planned.IsUnknown() || !planned.Equal(prior) {
		resp.PlanValue = types.StringUnknown()
		return
	}
	resp.PlanValue = req.StateValue
}

// permValidator rejects a file_permission that is not octal permission bits,
// at plan time rather than halfway through an apply.
type permValidator struct{}

func (permValidator) Description(context.Context) string {
	return "must be 3 or 4 octal digits no greater than 0777, such as \"0644\""
}

func (v permValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (permValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parsePerm(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid file_permission", err.Error())
	}
}
