package localfs

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type fileDataSource struct {
	disk *disk
}

type fileDataModel struct {
	Path    types.String `tfsdk:"path"`
	Content types.String `tfsdk:"content"`
	SHA256  types.String `tfsdk:"sha256"`
}

var _ datasource.DataSourceWithConfigure = (*fileDataSource)(nil)

func newFileDataSource() datasource.DataSource { return &fileDataSource{} }

func (d *fileDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_file"
}

func (d *fileDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads a file from local disk.",
		Attributes: map[string]schema.Attribute{
			"path": schema.StringAttribute{
				Required:    true,
				Description: "File path; relative paths resolve under the provider's root.",
			},
			"content": schema.StringAttribute{
				Computed:    true,
				Description: "Text content of the file.",
			},
			"sha256": schema.StringAttribute{
				Computed:    true,
				Description: "Lowercase hex SHA-256 of content.",
			},
		},
	}
}

func (d *fileDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	dk, ok := req.ProviderData.(*disk)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("want *disk, got %T", req.ProviderData))
		return
	}
	d.disk = dk
}

func (d *fileDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m fileDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := d.disk.wait(ctx); err != nil {
		resp.Diagnostics.AddError("Read interrupted", err.Error())
		return
	}
	content, _, err := d.disk.read(m.Path.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Cannot read file", err.Error())
		return
	}
	m.Content = types.StringValue(string(content))
	m.SHA256 = types.StringValue(hash(content))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
