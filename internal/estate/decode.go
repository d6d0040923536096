package estate

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// The helpers below evaluate an expression with no variables or functions
// and convert it to a Go value, reporting problems as diagnostics that point
// at the expression. (gohcl would do this, but it pulls in hclwrite and with
// it a module the build does not have; see the package report.) A null value
// decodes to the zero value, as terraform treats null as unset.

// literalValue evaluates expr as a constant of type ty.
func literalValue(expr hcl.Expression, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NullVal(ty), diags
	}
	converted, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NullVal(ty), hcl.Diagnostics{{
			Severity:   hcl.DiagError,
			Summary:    "Unsuitable value type",
			Detail:     fmt.Sprintf("Unsuitable value: %s.", err),
			Subject:    expr.Range().Ptr(),
			Expression: expr,
		}}
	}
	if !converted.IsWhollyKnown() {
		return cty.NullVal(ty), hcl.Diagnostics{{
			Severity:   hcl.DiagError,
			Summary:    "Unknown value",
			Detail:     "The value must be known without running terraform.",
			Subject:    expr.Range().Ptr(),
			Expression: expr,
		}}
	}
	return converted, nil
}

// decodeString evaluates expr as a constant string.
func decodeString(expr hcl.Expression) (string, hcl.Diagnostics) {
	v, diags := literalValue(expr, cty.String)
	if v.IsNull() {
		return "", diags
	}
	return v.AsString(), diags
}

// decodeBool evaluates expr as a constant bool.
func decodeBool(expr hcl.Expression) (bool, hcl.Diagnostics) {
	v, diags := literalValue(expr, cty.Bool)
	if v.IsNull() {
		return false, diags
	}
	return v.True(), diags
}

// decodeStringList evaluates expr as a constant list of strings; null
// elements are errors because they cannot name anything.
func decodeStringList(expr hcl.Expression) ([]string, hcl.Diagnostics) {
	v, diags := literalValue(expr, cty.List(cty.String))
	if v.IsNull() {
		return nil, diags
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, el := it.Element()
		if el.IsNull() {
			return nil, append(diags, &hcl.Diagnostic{
				Severity:   hcl.DiagError,
				Summary:    "Invalid value",
				Detail:     "The list must not contain null.",
				Subject:    expr.Range().Ptr(),
				Expression: expr,
			})
		}
		out = append(out, el.AsString())
	}
	return out, diags
}
