package hcledit

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Assignment is one `name = value` to write.
type Assignment struct {
	// Name is the attribute name.
	Name string
	// Value is the literal value to write.
	Value cty.Value
}

// ValueText renders v as formatted HCL, as it would follow `name = ` at
// the top level of a file (objects and maps span several lines).
func ValueText(v cty.Value) []byte {
	f := hclwrite.NewEmptyFile()
	f.Body().SetAttributeValue("x", v)
	out := hclwrite.Format(f.Bytes())
	out = bytes.TrimPrefix(out, []byte("x = "))
	return bytes.TrimRight(out, "\n")
}

// splice is one replacement of src[start:end].
type splice struct {
	start, end int
	text       []byte
}

// apply performs non-overlapping splices on src.
func apply(src []byte, splices []splice) []byte {
	slices.SortFunc(splices, func(a, b splice) int { return a.start - b.start })
	var out []byte
	pos := 0
	for _, s := range splices {
		out = append(out, src[pos:s.start]...)
		out = append(out, s.text...)
		pos = s.end
	}
	return append(out, src[pos:]...)
}

// Parse parses src as native HCL syntax, for callers that locate blocks
// and attributes before editing; errors carry file:line:col.
func Parse(src []byte, filename string) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("parsing %s: %s", filename, diags.Error())
	}
	return f.Body.(*hclsyntax.Body), nil
}

// Replacement is a new value expression for one attribute of a parsed
// file.
type Replacement struct {
	// Attr is the attribute, from Parse of the same bytes.
	Attr *hclsyntax.Attribute
	// Text is the new expression, e.g. ValueText of a value.
	Text []byte
}

// ReplaceValues replaces the value expressions of the attributes in src,
// leaving every other byte as it is. The attributes must come from parsing
// src and be distinct.
func ReplaceValues(src []byte, repls []Replacement) []byte {
	splices := make([]splice, 0, len(repls))
	for _, r := range repls {
		rng := r.Attr.Expr.Range()
		splices = append(splices, splice{rng.Start.Byte, rng.End.Byte, withLineEndings(src, r.Text)})
	}
	return apply(src, splices)
}

// SetAttributes writes assigns into the top level of a file such as
// terraform.tfvars: an attribute that exists gets its value replaced in
// place (nothing is written when it already has that value); the others
// are appended at the end, after a blank line, as one formatted group in
// the order given.
func SetAttributes(src []byte, filename string, assigns []Assignment) ([]byte, error) {
	body, err := Parse(src, filename)
	if err != nil {
		return nil, err
	}
	var splices []splice
	var missing []Assignment
	for _, a := range assigns {
		attr := body.Attributes[a.Name]
		if attr == nil {
			missing = append(missing, a)
			continue
		}
		if hasValue(attr, a.Value) {
			continue
		}
		r := attr.Expr.Range()
		splices = append(splices, splice{r.Start.Byte, r.End.Byte, withLineEndings(src, ValueText(a.Value))})
	}
	out := apply(src, splices)
	if len(missing) == 0 {
		return out, nil
	}
	f := hclwrite.NewEmptyFile()
	for _, a := range missing {
		f.Body().SetAttributeValue(a.Name, a.Value)
	}
	return appendText(out, hclwrite.Format(f.Bytes())), nil
}

// SetBlockAttributes writes assigns into the top-level block of type typ
// with exactly these labels (a module "x" block, an environment "dev"
// block). When every attribute exists, only their value expressions are
// replaced. Otherwise the block alone is rendered again with hclwrite,
// which keeps its comments, adds the missing attributes at its end and
// formats it; the bytes around the block stay as they are. It fails when
// the file has no such block.
func SetBlockAttributes(src []byte, filename, typ string, labels []string, assigns []Assignment) ([]byte, error) {
	body, err := Parse(src, filename)
	if err != nil {
		return nil, err
	}
	blk := FindBlock(body, typ, labels...)
	if blk == nil {
		return nil, fmt.Errorf("%s: no %s block", filename, blockName(typ, labels))
	}
	var splices []splice
	allExist := true
	for _, a := range assigns {
		attr := blk.Body.Attributes[a.Name]
		if attr == nil {
			allExist = false
			continue
		}
		if !hasValue(attr, a.Value) {
			r := attr.Expr.Range()
			splices = append(splices, splice{r.Start.Byte, r.End.Byte, withLineEndings(src, ValueText(a.Value))})
		}
	}
	if allExist {
		return apply(src, splices), nil
	}
	rendered, err := renderBlock(src, blk, assigns)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", filename, blockName(typ, labels), err)
	}
	r := blk.Range()
	return apply(src, []splice{{r.Start.Byte, r.End.Byte, withLineEndings(src, rendered)}}), nil
}

// renderBlock renders blk with assigns set, through hclwrite. Only
// top-level blocks are rendered this way, so no indentation is needed.
func renderBlock(src []byte, blk *hclsyntax.Block, assigns []Assignment) ([]byte, error) {
	r := blk.Range()
	text := strings.ReplaceAll(string(src[r.Start.Byte:r.End.Byte]), "\r\n", "\n")
	if blk.OpenBraceRange.Start.Line == blk.CloseBraceRange.Start.Line {
		// A one-line block: hclwrite would append arguments after the
		// brace on its line, which is not valid HCL; give the body lines
		// of its own.
		open := blk.OpenBraceRange.End.Byte - r.Start.Byte
		closing := blk.CloseBraceRange.Start.Byte - r.Start.Byte
		inner := strings.TrimSpace(text[open:closing])
		if inner != "" {
			inner += "\n"
		}
		text = text[:open] + "\n" + inner + text[closing:]
	}
	f, diags := hclwrite.ParseConfig([]byte(text), "block", hcl.InitialPos)
	if diags.HasErrors() || len(f.Body().Blocks()) != 1 {
		return nil, fmt.Errorf("re-reading the block: %s", diags.Error())
	}
	b := f.Body().Blocks()[0].Body()
	for _, a := range assigns {
		b.SetAttributeValue(a.Name, a.Value)
	}
	return bytes.TrimRight(hclwrite.Format(f.Bytes()), "\n"), nil
}

// FindBlock returns the first block of body of type typ whose labels are
// exactly labels, or nil.
func FindBlock(body *hclsyntax.Body, typ string, labels ...string) *hclsyntax.Block {
	for _, b := range body.Blocks {
		if b.Type == typ && slices.Equal(b.Labels, labels) {
			return b
		}
	}
	return nil
}

func blockName(typ string, labels []string) string {
	var sb strings.Builder
	sb.WriteString(typ)
	for _, l := range labels {
		fmt.Fprintf(&sb, " %q", l)
	}
	return sb.String()
}

// hasValue reports whether attr is a literal equal to v, so an unchanged
// value is not rewritten (keeping how it was written).
func hasValue(attr *hclsyntax.Attribute, v cty.Value) bool {
	got, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || !got.IsWhollyKnown() || !v.IsWhollyKnown() {
		return false
	}
	if got.IsNull() || v.IsNull() {
		return got.IsNull() && v.IsNull()
	}
	return got.Type().Equals(v.Type()) && got.Equals(v).True()
}

// appendText appends a formatted group after src's last line and a blank
// line, following src's line endings.
func appendText(src, text []byte) []byte {
	text = withLineEndings(src, text)
	nl := []byte("\n")
	if bytes.Contains(src, []byte("\r\n")) {
		nl = []byte("\r\n")
	}
	out := slices.Clone(src)
	if len(bytes.TrimSpace(out)) == 0 {
		return text
	}
	if !bytes.HasSuffix(out, nl) {
		out = append(out, nl...)
	}
	if !bytes.HasSuffix(out, slices.Concat(nl, nl)) {
		out = append(out, nl...)
	}
	return append(out, text...)
}

// withLineEndings converts text's newlines to CRLF when src uses them.
func withLineEndings(src, text []byte) []byte {
	if !bytes.Contains(src, []byte("\r\n")) {
		return text
	}
	return bytes.ReplaceAll(bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}
