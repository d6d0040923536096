package estate

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The schemas below name only what the model records; PartialContent leaves
// everything else (outputs, locals, lifecycle, ...) to terraform.
var (
	fileSchema = &hcl.BodySchema{
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "terraform"},
			{Type: "provider", LabelNames: []string{"name"}},
			{Type: "variable", LabelNames: []string{"name"}},
			{Type: "module", LabelNames: []string{"name"}},
			{Type: "resource", LabelNames: []string{"type", "name"}},
			{Type: "data", LabelNames: []string{"type", "name"}},
		},
	}
	terraformSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "required_version"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "backend", LabelNames: []string{"type"}},
			{Type: "cloud"},
			{Type: "required_providers"},
		},
	}
	variableSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
		},
	}
	moduleSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "source", Required: true}, {Name: "version"}},
	}
	providerSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "alias"}},
	}
)

// envParser accumulates one environment's model and diagnostics. It is used
// by one goroutine; hclparse.Parser is not safe for concurrent use.
type envParser struct {
	env    *Environment
	parser *hclparse.Parser
	diags  hcl.Diagnostics
	errs   []error

	backendRange     *hcl.Range
	requiredVersions []string
	vars             map[string]int
	modules          map[string]int
	resources        map[string]hcl.Range
	providers        map[string]hcl.Range
}

// loadEnvironment reads env.Dir into env, setting env.Err on any problem.
func loadEnvironment(env *Environment) {
	p := &envParser{
		env:       env,
		parser:    hclparse.NewParser(),
		vars:      map[string]int{},
		modules:   map[string]int{},
		resources: map[string]hcl.Range{},
		providers: map[string]hcl.Range{},
	}
	env.Backend = &Backend{Type: "local", Implicit: true, Attributes: map[string]Attribute{}, dir: env.Dir}
	env.TFVars = map[string]VarValue{}
	env.RequiredProviders = map[string]ProviderRequirement{}

	files, err := listFiles(env.Dir, func(k fileKind) bool { return k.isConfig() || k.isVars() })
	if err != nil {
		env.Err = fmt.Errorf("reading environment %s: %w", env.Name, err)
		return
	}
	env.Files = files
	for _, name := range configLoadOrder(files) {
		p.configFile(name)
	}
	env.RequiredVersion = strings.Join(p.requiredVersions, ", ")
	for _, name := range varsLoadOrder(files) {
		p.varsFile(name)
	}
	if err := newDiagnosticsError(p.diags); err != nil {
		p.errs = append(p.errs, err)
	}
	if len(p.errs) == 1 {
		env.Err = p.errs[0] // keep the concrete type for callers that switch on it
	} else {
		env.Err = errors.Join(p.errs...)
	}
}

// readFile reads and parses one file of the environment directory; ranges
// get a file name relative to the estate root.
func (p *envParser) readFile(name string) (*hcl.File, []byte) {
	path := filepath.Join(p.env.Dir, name)
	src, err := os.ReadFile(path)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("reading %s: %w", displayPath(p.env.root, path), err))
		return nil, nil
	}
	filename := displayPath(p.env.root, path)
	var file *hcl.File
	var diags hcl.Diagnostics
	if classify(name).isJSON() {
		file, diags = p.parser.ParseJSON(src, filename)
	} else {
		file, diags = p.parser.ParseHCL(src, filename)
	}
	p.diags = append(p.diags, diags...)
	if file == nil || file.Body == nil {
		return nil, nil
	}
	return file, src
}

func (p *envParser) configFile(name string) {
	file, src := p.readFile(name)
	if file == nil {
		return
	}
	override := isOverride(name)
	content, _, diags := file.Body.PartialContent(fileSchema)
	p.diags = append(p.diags, diags...)
	for _, block := range content.Blocks {
		switch block.Type {
		case "terraform":
			p.terraformBlock(block, src, override)
		case "provider":
			p.providerBlock(block, override)
		case "variable":
			p.variableBlock(block, src, override)
		case "module":
			p.moduleBlock(block, override)
		case "resource", "data":
			p.resourceBlock(block, override)
		}
	}
}

func (p *envParser) terraformBlock(block *hcl.Block, src []byte, override bool) {
	content, _, diags := block.Body.PartialContent(terraformSchema)
	p.diags = append(p.diags, diags...)
	if attr := content.Attributes["required_version"]; attr != nil {
		if constraint, d := decodeString(attr.Expr); d.HasErrors() {
			p.diags = append(p.diags, d...)
		} else if _, err := version.NewConstraint(constraint); err != nil {
			p.diags = append(p.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid required_version constraint",
				Detail:   fmt.Sprintf("%q is not a version constraint: %s.", constraint, err),
				Subject:  attr.Expr.Range().Ptr(),
			})
		} else if override {
			p.requiredVersions = []string{constraint}
		} else {
			p.requiredVersions = append(p.requiredVersions, constraint)
		}
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "backend":
			p.backendBlock(b.Labels[0], b, src, override)
		case "cloud":
			p.backendBlock("cloud", b, src, override)
		case "required_providers":
			p.requiredProviders(b, override)
		}
	}
}

func (p *envParser) backendBlock(typ string, block *hcl.Block, src []byte, override bool) {
	if p.backendRange != nil && !override {
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate backend configuration",
			Detail:   fmt.Sprintf("A module may have only one backend or cloud block; the first is at %s.", formatPos(*p.backendRange)),
			Subject:  block.DefRange.Ptr(),
		})
		return
	}
	attrs, blocks, diags := decodeBlockBody(block.Body, src)
	p.diags = append(p.diags, diags...)
	p.backendRange = block.DefRange.Ptr()
	p.env.Backend = &Backend{
		Type:       typ,
		Attributes: attrs,
		Blocks:     blocks,
		Range:      block.DefRange,
		dir:        p.env.Dir,
	}
}

func (p *envParser) requiredProviders(block *hcl.Block, override bool) {
	attrs, diags := block.Body.JustAttributes()
	p.diags = append(p.diags, diags...)
	for _, name := range sortedAttrNames(attrs) {
		attr := attrs[name]
		req := ProviderRequirement{Name: name, Range: attr.Range}
		if kvs, d := hcl.ExprMap(attr.Expr); !d.HasErrors() {
			for _, kv := range kvs {
				key, d := kv.Key.Value(nil)
				if d.HasErrors() || key.Type() != cty.String || key.IsNull() {
					p.diags = append(p.diags, d...)
					continue
				}
				switch key.AsString() {
				case "source":
					req.Source = p.str(kv.Value)
				case "version":
					req.Version = p.str(kv.Value)
				}
			}
		} else {
			// Legacy form: name = "version constraint".
			req.Version = p.str(attr.Expr)
		}
		if prev, ok := p.env.RequiredProviders[name]; ok && !override {
			p.diags = append(p.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate required provider",
				Detail:   fmt.Sprintf("Provider %q was already required at %s.", name, formatPos(prev.Range)),
				Subject:  attr.Range.Ptr(),
			})
			continue
		}
		p.env.RequiredProviders[name] = req
	}
}

func (p *envParser) providerBlock(block *hcl.Block, override bool) {
	content, _, diags := block.Body.PartialContent(providerSchema)
	p.diags = append(p.diags, diags...)
	pc := ProviderConfig{Name: block.Labels[0], Range: block.DefRange}
	if attr := content.Attributes["alias"]; attr != nil {
		pc.Alias = p.str(attr.Expr)
	}
	key := pc.Name + "." + pc.Alias
	if prev, ok := p.providers[key]; ok {
		if !override {
			p.diags = append(p.diags, duplicate("provider configuration", providerLabel(pc), prev, block.DefRange))
		}
		return
	}
	p.providers[key] = block.DefRange
	p.env.Providers = append(p.env.Providers, pc)
}

func providerLabel(pc ProviderConfig) string {
	if pc.Alias == "" {
		return pc.Name
	}
	return pc.Name + "." + pc.Alias
}

func (p *envParser) variableBlock(block *hcl.Block, src []byte, override bool) {
	content, _, diags := block.Body.PartialContent(variableSchema)
	p.diags = append(p.diags, diags...)
	name := block.Labels[0]
	idx, exists := p.vars[name]
	if exists && !override {
		p.diags = append(p.diags, duplicate("variable", name, p.env.Variables[idx].Range, block.DefRange))
		return
	}
	if !exists {
		if override {
			// Terraform rejects override blocks that override nothing.
			p.diags = append(p.diags, missingBase("variable", name, block.DefRange))
			return
		}
		p.vars[name] = len(p.env.Variables)
		p.env.Variables = append(p.env.Variables, Variable{Name: name, Range: block.DefRange})
		idx = len(p.env.Variables) - 1
	}
	v := &p.env.Variables[idx]
	if attr := content.Attributes["type"]; attr != nil {
		v.Type = typeText(attr.Expr, src)
	}
	if attr := content.Attributes["default"]; attr != nil {
		// Terraform requires a constant default; a bad one is an error and
		// leaves Default unset rather than holding an unknown value.
		val, d := attr.Expr.Value(nil)
		p.diags = append(p.diags, d...)
		if !d.HasErrors() {
			v.Default = &VarValue{Value: val, Range: attr.Range}
		}
	}
	if attr := content.Attributes["description"]; attr != nil {
		v.Description = p.str(attr.Expr)
	}
	if attr := content.Attributes["sensitive"]; attr != nil {
		var d hcl.Diagnostics
		v.Sensitive, d = decodeBool(attr.Expr)
		p.diags = append(p.diags, d...)
	}
}

// typeText returns a type constraint as written: the source text in native
// syntax, the string's content in JSON (where types are strings).
func typeText(expr hcl.Expression, src []byte) string {
	if _, native := expr.(hclsyntax.Expression); native {
		return sourceText(src, expr.Range())
	}
	s, diags := decodeString(expr)
	if diags.HasErrors() {
		return sourceText(src, expr.Range())
	}
	return s
}

func (p *envParser) moduleBlock(block *hcl.Block, override bool) {
	name := block.Labels[0]
	schema := moduleSchema
	if override {
		schema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "source"}, {Name: "version"}}}
	}
	content, _, diags := block.Body.PartialContent(schema)
	p.diags = append(p.diags, diags...)
	idx, exists := p.modules[name]
	if exists && !override {
		p.diags = append(p.diags, duplicate("module call", name, p.env.Modules[idx].Range, block.DefRange))
		return
	}
	if !exists {
		if override {
			p.diags = append(p.diags, missingBase("module", name, block.DefRange))
			return
		}
		p.modules[name] = len(p.env.Modules)
		p.env.Modules = append(p.env.Modules, ModuleCall{Name: name, Range: block.DefRange})
		idx = len(p.env.Modules) - 1
	}
	m := &p.env.Modules[idx]
	if attr := content.Attributes["source"]; attr != nil {
		m.Source = p.str(attr.Expr)
	}
	if attr := content.Attributes["version"]; attr != nil {
		m.Version = p.str(attr.Expr)
	}
}

func (p *envParser) resourceBlock(block *hcl.Block, override bool) {
	r := ResourceDecl{Mode: ManagedResource, Type: block.Labels[0], Name: block.Labels[1], Range: block.DefRange}
	if block.Type == "data" {
		r.Mode = DataResource
	}
	addr := r.Address()
	if prev, ok := p.resources[addr]; ok {
		if !override {
			p.diags = append(p.diags, duplicate("resource", addr, prev, block.DefRange))
		}
		return
	}
	if override {
		p.diags = append(p.diags, missingBase("resource", addr, block.DefRange))
		return
	}
	p.resources[addr] = block.DefRange
	if r.Mode == DataResource {
		p.env.DataSources = append(p.env.DataSources, r)
	} else {
		p.env.Resources = append(p.env.Resources, r)
	}
}

// varsFile reads one tfvars file; later files override earlier ones.
func (p *envParser) varsFile(name string) {
	file, _ := p.readFile(name)
	if file == nil {
		return
	}
	attrs, diags := file.Body.JustAttributes()
	p.diags = append(p.diags, diags...)
	for _, n := range sortedAttrNames(attrs) {
		attr := attrs[n]
		val, d := attr.Expr.Value(nil)
		p.diags = append(p.diags, d...)
		if !d.HasErrors() {
			p.env.TFVars[n] = VarValue{Value: val, Range: attr.Range}
		}
	}
}

// str decodes a constant string, recording any diagnostics.
func (p *envParser) str(expr hcl.Expression) string {
	s, diags := decodeString(expr)
	p.diags = append(p.diags, diags...)
	return s
}

func duplicate(what, name string, prev, cur hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + what,
		Detail:   fmt.Sprintf("%s %q was already declared at %s.", strings.ToUpper(what[:1])+what[1:], name, formatPos(prev)),
		Subject:  cur.Ptr(),
	}
}

func missingBase(what, name string, cur hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Missing base " + what + " for override",
		Detail:   fmt.Sprintf("There is no %s named %q; an override file can only override existing blocks.", what, name),
		Subject:  cur.Ptr(),
	}
}

// sortedAttrNames returns attribute names in source order, so diagnostics
// and slices come out deterministic.
func sortedAttrNames(attrs hcl.Attributes) []string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(attrs[a].Range.Start.Byte, attrs[b].Range.Start.Byte); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return names
}
