// Package localfs is a small Terraform provider, built with
// terraform-plugin-framework, that manages plain files on local disk.
//
// It exists so that infractl's integration tests and `infractl demo` can drive
// real Terraform against real objects without any network or cloud account:
// a test can change or delete a file behind Terraform's back (real drift),
// import an existing file, make an apply fail on purpose (fail_on_apply) and
// slow every read down (read_delay) to make plans dominated by provider latency.
// Its ephemeral resource, localfs_secret, hands a file's content to Terraform
// as an ephemeral value, so tests can watch the open/renew/close lifecycle.
package localfs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	// Address is the provider's full source address; Terraform only loads a
	// plugin that serves under the address it was installed for.
	Address = "registry.terraform.io/infractl/localfs"

	// Source is the short form of Address that people write in
	// required_providers, kept next to Address so the two cannot drift apart.
	Source = "infractl/localfs"

	// Version is the provider version the mirror layout and lock files name.
	Version = "0.1.0"

	// ExecutableName is the file name Terraform expects inside the mirror, so a
	// multi-call binary (infractl itself) can tell it was launched as the provider.
	ExecutableName = "terraform-provider-localfs_v" + Version

	// EnvRoot supplies the default root directory when the provider block sets none,
	// so tests and the demo can point a whole estate at a temp dir without HCL changes.
	EnvRoot = "LOCALFS_ROOT"

	// EnvReadDelay supplies the default read_delay when the provider block sets none,
	// so benchmarks can slow every plan without editing the estate.
	EnvReadDelay = "LOCALFS_READ_DELAY"
)

// Serve runs the provider as a plugin process and blocks until Terraform
// stops it; infractl's own binary calls it when launched as ExecutableName.
func Serve(ctx context.Context) error {
	return providerserver.Serve(ctx, New, providerserver.ServeOpts{Address: Address})
}

// IsProviderInvocation reports whether argv0 names the provider executable, so
// a multi-call binary can decide from os.Args[0] to Serve instead of running its CLI.
func IsProviderInvocation(argv0 string) bool {
	return strings.HasPrefix(filepath.Base(argv0), "terraform-provider-localfs")
}

// New returns a fresh provider instance; providerserver calls it once per
// plugin process and unit tests can call it directly.
func New() provider.Provider {
	return &localfsProvider{}
}

type localfsProvider struct{}

var _ provider.ProviderWithEphemeralResources = (*localfsProvider)(nil)

type providerModel struct {
	Root      types.String `tfsdk:"root"`
	ReadDelay types.String `tfsdk:"read_delay"`
}

func (p *localfsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "localfs"
	resp.Version = Version
}

func (p *localfsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages plain files on local disk (infractl's test and demo provider).",
		Attributes: map[string]schema.Attribute{
			"root": schema.StringAttribute{
				Optional: true,
				Description: "Base directory that relative resource paths resolve under. " +
					"Defaults to $" + EnvRoot + ", else Terraform's working directory, which a relative root is also resolved against.",
			},
			"read_delay": schema.StringAttribute{
				Optional: true,
				Description: "Go duration (e.g. \"250ms\") slept on every resource and data source read and ephemeral resource open, " +
					"to simulate a slow API. Defaults to $" + EnvReadDelay + ", else no delay.",
			},
		},
	}
}

func (p *localfsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.Root.IsUnknown() || cfg.ReadDelay.IsUnknown() {
		resp.Diagnostics.AddError("Unknown provider configuration",
			"root and read_delay must be known when the provider is configured; "+
				"do not derive them from resources created in the same run.")
		return
	}

	root := os.Getenv(EnvRoot)
	if !cfg.Root.IsNull() {
		root = cfg.Root.ValueString()
	}
	if root == "" {
		root = "."
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("root"), "Invalid root", err.Error())
		return
	}

	delayText := os.Getenv(EnvReadDelay)
	if !cfg.ReadDelay.IsNull() {
		delayText = cfg.ReadDelay.ValueString()
	}
	var delay time.Duration
	if delayText != "" {
		delay, err = time.ParseDuration(delayText)
		if err != nil || delay < 0 {
			resp.Diagnostics.AddAttributeError(path.Root("read_delay"), "Invalid read_delay",
				"read_delay must be a non-negative Go duration such as \"500ms\" or \"2s\", got "+
					`"`+delayText+`"`+" (from the provider block or $"+EnvReadDelay+").")
			return
		}
	}

	d := &disk{root: abs, readDelay: delay}
	resp.ResourceData = d
	resp.DataSourceData = d
	resp.EphemeralResourceData = d
}

func (p *localfsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newFileResource}
}

func (p *localfsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newFileDataSource}
}

func (p *localfsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newSecretEphemeral}
}

// RequiredProviders is the terraform block an estate needs to use this
// provider; it names the full address so Terraform and OpenTofu (whose default
// registry differs) both resolve it to the mirror.
const RequiredProviders = `terraform {
  required_providers {
    localfs = {
      source  = "` + Address + `"
      version = "` + Version + `"
    }
  }
}
`
