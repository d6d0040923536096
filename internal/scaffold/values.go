package scaffold

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/infractl/infractl/internal/estate"
)

// Setting is one --set VAR=VALUE, parsed and typed.
type Setting struct {
	// Name is the variable.
	Name string
	// Value is the value to write.
	Value cty.Value
}

// ParseSetting parses VAR=VALUE for a variable of env, typed by its
// declaration: for a string variable VALUE is the string itself (quotes
// are optional: --set tag=1.30 stays "1.30"); for any other type it is an
// HCL expression (3, true, ["a", "b"], {cpu = "1"}) that must convert to
// the type; for a variable without a type an expression that is not a
// literal (a bare word like SPOT) is taken as a string. A variable the
// environment does not declare is refused, which catches typos.
func ParseSetting(env *estate.Environment, raw string) (Setting, error) {
	name, value, ok := strings.Cut(raw, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Setting{}, fmt.Errorf("--set %q: want VAR=VALUE", raw)
	}
	decl, declared := env.Variable(name)
	if !declared {
		return Setting{}, fmt.Errorf("--set %s: %s declares no variable %q", name, env.Name, name)
	}
	ty, err := declaredType(decl)
	if err != nil {
		return Setting{}, fmt.Errorf("--set %s: %w", name, err)
	}
	v, err := parseValue(value, ty)
	if err != nil {
		return Setting{}, fmt.Errorf("--set %s: %w", name, err)
	}
	return Setting{Name: name, Value: v}, nil
}

// declaredType is the type constraint of a variable, cty.DynamicPseudoType
// when it has none (or `any`).
func declaredType(v estate.Variable) (cty.Type, error) {
	if strings.TrimSpace(v.Type) == "" {
		return cty.DynamicPseudoType, nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(v.Type), "type", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilType, fmt.Errorf("reading the type %q of variable %s: %s", v.Type, v.Name, diags.Error())
	}
	ty, _, diags := typeexpr.TypeConstraintWithDefaults(expr)
	if diags.HasErrors() {
		return cty.NilType, fmt.Errorf("reading the type %q of variable %s: %s", v.Type, v.Name, diags.Error())
	}
	return ty, nil
}

// parseValue reads raw as a value of type ty (see ParseSetting).
func parseValue(raw string, ty cty.Type) (cty.Value, error) {
	if ty == cty.String {
		if s, ok := quotedString(raw); ok {
			return cty.StringVal(s), nil
		}
		return cty.StringVal(raw), nil
	}
	v, err := literal(raw)
	if err != nil {
		if ty == cty.DynamicPseudoType {
			return cty.StringVal(raw), nil
		}
		return cty.NilVal, fmt.Errorf("%q is not a value of type %s: %w", raw, typeexpr.TypeString(ty), err)
	}
	converted, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("%q is not a value of type %s: %s", raw, typeexpr.TypeString(ty), err)
	}
	if ty.IsPrimitiveType() {
		return converted, nil
	}
	// Keep what was written (a tuple, an object) rather than the converted
	// value, which would spell out every optional attribute as null.
	return v, nil
}

// literal evaluates raw as a constant HCL expression.
func literal(raw string) (cty.Value, error) {
	expr, diags := hclsyntax.ParseExpression([]byte(raw), "value", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if !v.IsWhollyKnown() {
		return cty.NilVal, fmt.Errorf("the value is not a constant")
	}
	return v, nil
}

// quotedString reads raw as an HCL quoted string without interpolation.
func quotedString(raw string) (string, bool) {
	t := strings.TrimSpace(raw)
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' {
		return "", false
	}
	v, err := literal(t)
	if err != nil || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}
