package estate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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
			{Type: "promote"},
		},
	}
	promoteBlockSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "variables"},
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
	Promote         PromoteConfig
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
	var promoteRange *hcl.Range
	for _, block := range content.Blocks {
		if block.Type == "promote" {
			if promoteRange != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate promote block",
					Detail:   fmt.Sprintf("The promote block was already declared at %s; merge the two.", formatPos(*promoteRange)),
					Subject:  block.DefRange.Ptr(),
				})
				continue
			}
			promoteRange = block.DefRange.Ptr()
			var d hcl.Diagnostics
			cfg.Promote, d = decodePromoteBlock(block)
			diags = append(diags, d...)
			continue
		}
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

// decodePromoteBlock reads `promote { variables = [...] }`: the variable
// names must be valid identifiers and appear once.
func decodePromoteBlock(block *hcl.Block) (PromoteConfig, hcl.Diagnostics) {
	p := PromoteConfig{Range: block.DefRange}
	content, diags := block.Body.Content(promoteBlockSchema)
	attr := content.Attributes["variables"]
	if attr == nil {
		return p, diags
	}
	names, d := decodeStringList(attr.Expr)
	diags = append(diags, d...)
	seen := map[string]bool{}
	for _, name := range names {
		switch {
		case !hclsyntax.ValidIdentifier(name):
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid variable name",
				Detail:   fmt.Sprintf("%q is not a valid terraform variable name.", name),
				Subject:  attr.Expr.Range().Ptr(),
			})
		case seen[name]:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate promotable variable",
				Detail:   fmt.Sprintf("Variable %q is listed twice.", name),
				Subject:  attr.Expr.Range().Ptr(),
			})
		default:
			seen[name] = true
			p.Variables = append(p.Variables, name)
		}
	}
	return p, diags
}

// isPlainName reports whether name can be used as a single directory name.
func isPlainName(name string) bool {
	return name != "" && name != "." && name != ".." && filepath.Base(name) == name && !filepath.IsAbs(name)
}
