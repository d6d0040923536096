package estate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// ConfigFileName is the estate's own configuration file at the estate root;
// it is exported so the CLI can name it in messages and scaffolding.
const ConfigFileName = "infractl.hcl"

// DefaultEnvironmentsDir is where environments live when infractl.hcl does
// not set environments_dir; exported so help text and scaffolding agree.
const DefaultEnvironmentsDir = "environments"

// To add a setting to infractl.hcl: add it to the schema, add a field, and
// decode it in decodeConfig or decodeEnvironmentBlock (a nested block such
// as `promote { variables = [...] }` gets its own schema and decode function
// the same way). Content (not PartialContent) keeps unknown attributes and
// blocks errors with real file:line:col diagnostics.
var (
	configSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "environments_dir"},
			{Name: "terraform_binary"},
		},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "environment", LabelNames: []string{"name"}},
		},
	}
	environmentBlockSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "depends_on"},
			{Name: "protected"},
		},
	}
)

// configFile is the decoded infractl.hcl.
type configFile struct {
	EnvironmentsDir string // "" when not set
	TerraformBinary string // "" when not set
	Environments    []environmentBlock
}

// environmentBlock is one `environment "NAME" { ... }` block.
type environmentBlock struct {
	Name           string
	DependsOn      []string
	DependsOnRange hcl.Range // the depends_on value, for error positions
	Protected      bool
	DefRange       hcl.Range
}

// readConfig parses root/infractl.hcl. A missing file is not an error: it
// returns an empty configuration and found == false.
func readConfig(root string) (cfg *configFile, found bool, err error) {
	src, err := os.ReadFile(filepath.Join(root, ConfigFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return &configFile{}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", ConfigFileName, err)
	}
	file, diags := hclparse.NewParser().ParseHCL(src, ConfigFileName)
	if diags.HasErrors() {
		return nil, true, newDiagnosticsError(diags)
	}
	cfg, diags = decodeConfig(file.Body)
	if diags.HasErrors() {
		return nil, true, newDiagnosticsError(diags)
	}
	return cfg, true, nil
}

func decodeConfig(body hcl.Body) (*configFile, hcl.Diagnostics) {
	cfg := &configFile{}
	content, diags := body.Content(configSchema)
	if attr := content.Attributes["environments_dir"]; attr != nil {
		var d hcl.Diagnostics
		cfg.EnvironmentsDir, d = decodeString(attr.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() && cfg.EnvironmentsDir == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid environments_dir",
				Detail:   "environments_dir must name a directory relative to the estate root.",
				Subject:  attr.Expr.Range().Ptr(),
			})
		}
	}
	if attr := content.Attributes["terraform_binary"]; attr != nil {
		var d hcl.Diagnostics
		cfg.TerraformBinary, d = decodeString(attr.Expr)
		diags = append(diags, d...)
	}
	seen := map[string]hcl.Range{}
	for _, block := range content.Blocks {
		env, d := decodeEnvironmentBlock(block)
		diags = append(diags, d...)
		switch prev, dup := seen[env.Name]; {
		case !isPlainName(env.Name):
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid environment name",
				Detail:   fmt.Sprintf("Environment %q must be the name of a directory, without path separators.", env.Name),
				Subject:  block.LabelRanges[0].Ptr(),
			})
		case dup:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate environment block",
				Detail:   fmt.Sprintf("Environment %q was already declared at %s.", env.Name, formatPos(prev)),
				Subject:  block.DefRange.Ptr(),
			})
		default:
			seen[env.Name] = block.DefRange
			cfg.Environments = append(cfg.Environments, env)
		}
	}
	return cfg, diags
}

func decodeEnvironmentBlock(block *hcl.Block) (environmentBlock, hcl.Diagnostics) {
	env := environmentBlock{Name: block.Labels[0], DefRange: block.DefRange}
	content, diags := block.Body.Content(environmentBlockSchema)
	if attr := content.Attributes["depends_on"]; attr != nil {
		var d hcl.Diagnostics
		env.DependsOn, d = decodeStringList(attr.Expr)
		env.DependsOnRange = attr.Expr.Range()
		diags = append(diags, d...)
	}
	if attr := content.Attributes["protected"]; attr != nil {
		var d hcl.Diagnostics
		env.Protected, d = decodeBool(attr.Expr)
		diags = append(diags, d...)
	}
	return env, diags
}

// isPlainName reports whether name can be used as a single directory name.
func isPlainName(name string) bool {
	return name != "" && name != "." && name != ".." && filepath.Base(name) == name && !filepath.IsAbs(name)
}
