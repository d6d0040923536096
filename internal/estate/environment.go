package estate

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Environment is one root module of the estate as read from its HCL; every
// command works on environments, and lint and env diff compare them.
type Environment struct {
	// Name is the directory name, which is also how users select it.
	Name string
	// Dir is the environment's absolute directory, where terraform runs.
	Dir string
	// Order is the position in declared order: environment blocks of
	// infractl.hcl first, then undeclared environments alphabetically.
	Order int
	// Declared is true when infractl.hcl has an environment block for it.
	Declared bool
	// DependsOn names the environments that must run before this one, in
	// declared order.
	DependsOn []string
	// Protected marks environments that need explicit confirmation to change.
	Protected bool

	// Backend is where the state lives; never nil (local when undeclared).
	Backend *Backend
	// Modules are the module calls in load order.
	Modules []ModuleCall
	// Variables are the variable declarations in load order.
	Variables []Variable
	// TFVars holds the values terraform loads automatically
	// (terraform.tfvars, terraform.tfvars.json, *.auto.tfvars[.json]), after
	// precedence, including values for undeclared variables.
	TFVars map[string]VarValue
	// RequiredVersion is the terraform version constraint; several
	// required_version settings are joined with ", ".
	RequiredVersion string
	// RequiredProviders maps local provider names to their requirements.
	RequiredProviders map[string]ProviderRequirement
	// Providers are the provider configuration blocks in load order.
	Providers []ProviderConfig
	// Resources are the managed resource blocks in load order.
	Resources []ResourceDecl
	// DataSources are the data blocks in load order.
	DataSources []ResourceDecl
	// Files are the names, relative to Dir and sorted, of the environment's
	// .tf, .tf.json, .tfvars and .tfvars.json files.
	Files []string

	// Err is set when the environment's files cannot be read or are invalid
	// HCL (usually a *DiagnosticsError); the fields above then hold whatever
	// could be read. Callers report it per environment.
	Err error

	root string // the estate root, for relative names
}

// ModuleCall is a `module "NAME" {}` block; env diff compares sources and
// versions, and ConfigHash follows local sources.
type ModuleCall struct {
	// Name is the block label.
	Name string
	// Source is the source argument as written.
	Source string
	// Version is the version constraint, empty when not set.
	Version string
	// Range is the block header.
	Range hcl.Range
}

// IsLocal reports whether the module source is a local path (./ or ../),
// which terraform reads from disk instead of installing.
func (m ModuleCall) IsLocal() bool {
	return isLocalSource(m.Source)
}

func isLocalSource(source string) bool {
	for _, prefix := range []string{"./", "../", `.\`, `..\`} {
		if len(source) >= len(prefix) && source[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

// Variable is a `variable "NAME" {}` declaration; lint rules check types,
// descriptions and sensitivity, and EffectiveVariables resolves values.
type Variable struct {
	// Name is the block label.
	Name string
	// Type is the type constraint's source text, e.g. "list(string)";
	// empty when not set.
	Type string
	// Default is the default value, nil when the variable has none (a
	// default of null is a non-nil VarValue holding a null value).
	Default *VarValue
	// Sensitive mirrors the sensitive argument.
	Sensitive bool
	// Description mirrors the description argument.
	Description string
	// Range is the block header.
	Range hcl.Range
}

// VarValue is a variable value with the place it was set, so findings can
// point at the tfvars line or the default that produced it.
type VarValue struct {
	// Value is the literal value.
	Value cty.Value
	// Range covers the argument that set it.
	Range hcl.Range
}

// ProviderRequirement is one entry of required_providers; env diff compares
// them across environments.
type ProviderRequirement struct {
	// Name is the local name (the key in required_providers).
	Name string
	// Source is the source address as written, empty in the legacy
	// `name = "version"` form (terraform then assumes hashicorp/NAME).
	Source string
	// Version is the version constraint, empty when not set.
	Version string
	// Range covers the entry.
	Range hcl.Range
}

// ProviderConfig is a `provider "NAME" {}` block, listed so lint can find
// providers configured without being required and the other way around.
type ProviderConfig struct {
	// Name is the block label.
	Name string
	// Alias is the alias argument, empty for the default configuration.
	Alias string
	// Range is the block header.
	Range hcl.Range
}

// ResourceMode tells managed resources from data sources.
type ResourceMode string

// The two resource modes, spelled as terraform spells them in addresses.
const (
	ManagedResource ResourceMode = "managed"
	DataResource    ResourceMode = "data"
)

// ResourceDecl is a resource or data block; env diff and lint look for
// resources present in only some environments.
type ResourceDecl struct {
	// Mode is ManagedResource or DataResource.
	Mode ResourceMode
	// Type is the resource type, e.g. "aws_s3_bucket".
	Type string
	// Name is the resource name label.
	Name string
	// Range is the block header.
	Range hcl.Range
}

// Address returns the configuration address, type.name or data.type.name,
// the key env diff matches resources on.
func (r ResourceDecl) Address() string {
	if r.Mode == DataResource {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// EffectiveVariables returns the value terraform would use for each declared
// variable without -var flags: the tfvars value if any, else the default.
// Variables with neither are absent (terraform would ask for them).
func (env *Environment) EffectiveVariables() map[string]VarValue {
	out := make(map[string]VarValue, len(env.Variables))
	for _, v := range env.Variables {
		if tv, ok := env.TFVars[v.Name]; ok {
			out[v.Name] = tv
		} else if v.Default != nil {
			out[v.Name] = *v.Default
		}
	}
	return out
}

// Variable returns the declaration of a variable by name, for lint rules
// that start from a tfvars value.
func (env *Environment) Variable(name string) (Variable, bool) {
	for _, v := range env.Variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}
