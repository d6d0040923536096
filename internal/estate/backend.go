package estate

import (
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Backend is an environment's state storage as configured in
// `terraform { backend "TYPE" { ... } }` or `terraform { cloud { ... } }`;
// commands show where state lives and lint rules check its arguments.
type Backend struct {
	// Type is the backend type ("s3", "http", "local", ...), or "cloud" for a
	// cloud block.
	Type string
	// Implicit is true when the environment declares no backend, so terraform
	// uses the local backend with its defaults.
	Implicit bool
	// Attributes are the block's arguments by name.
	Attributes map[string]Attribute
	// Blocks are nested blocks such as assume_role {} or workspaces {}, in
	// source order.
	Blocks []Block
	// Range is the header of the backend (or cloud) block; zero if Implicit.
	Range hcl.Range

	dir string // the environment directory, to resolve local paths
}

// Attribute is one argument of a configuration block with its value when the
// expression is a literal, so lint rules can check values and point at them.
type Attribute struct {
	// Name is the argument name.
	Name string
	// Value is the evaluated value; cty.NilVal when Literal is false.
	Value cty.Value
	// Literal is false when the expression needs variables or functions to be
	// evaluated (OpenTofu allows some in backends); see Expr.
	Literal bool
	// Expr is the expression's source text, kept for non-literal values.
	Expr string
	// Range covers the whole argument, name to end of value.
	Range hcl.Range
}

// AsString returns the attribute's value as a string when it is a literal that
// converts to one (strings, numbers, bools), for callers that want text.
func (a Attribute) AsString() (string, bool) {
	if !a.Literal || a.Value.IsNull() {
		return "", false
	}
	v, err := convert.Convert(a.Value, cty.String)
	if err != nil || v.IsNull() || !v.IsKnown() {
		return "", false
	}
	return v.AsString(), true
}

// display renders the attribute for humans: a literal as its text, anything
// else as an interpolation of its source.
func (a Attribute) display() string {
	if s, ok := a.AsString(); ok {
		return s
	}
	expr := strings.TrimSpace(a.Expr)
	if len(expr) >= 2 && strings.HasPrefix(expr, `"`) && strings.HasSuffix(expr, `"`) {
		return expr[1 : len(expr)-1]
	}
	return "${" + expr + "}"
}

// Block is a nested block of a backend, decoded without a schema, so rules
// can inspect arguments of blocks like assume_role {}.
type Block struct {
	// Type is the block type, e.g. "assume_role".
	Type string
	// Labels are the block labels, usually none.
	Labels []string
	// Attributes are the block's arguments by name.
	Attributes map[string]Attribute
	// Blocks are nested blocks in source order.
	Blocks []Block
	// Range is the block header.
	Range hcl.Range
}

// StateAddress describes where the environment's state lives, for status
// output and for spotting two environments that share a state:
// s3://bucket/key, gs://bucket/prefix, azurerm://account/container/key,
// pg:schema, the http address (credentials in it hidden), or a local file
// path. Other types, and
// backends whose location comes from -backend-config (partial
// configuration), render as the type alone.
func (b *Backend) StateAddress() string {
	switch b.Type {
	case "s3":
		bucket, key := b.arg("bucket"), b.arg("key")
		if bucket != "" && key != "" {
			return "s3://" + bucket + "/" + key
		}
	case "http":
		if addr := b.arg("address"); addr != "" {
			return redactURL(addr)
		}
	case "local":
		path := b.arg("path")
		if path == "" {
			path = "terraform.tfstate"
		}
		if !filepath.IsAbs(path) && b.dir != "" {
			path = filepath.Join(b.dir, path)
		}
		return path
	case "pg":
		schema := b.arg("schema_name")
		if schema == "" {
			schema = "terraform_remote_state"
		}
		return "pg:" + schema
	case "gcs":
		if bucket := b.arg("bucket"); bucket != "" {
			if prefix := strings.Trim(b.arg("prefix"), "/"); prefix != "" {
				return "gs://" + bucket + "/" + prefix
			}
			return "gs://" + bucket
		}
	case "azurerm":
		account, container, key := b.arg("storage_account_name"), b.arg("container_name"), b.arg("key")
		if account != "" && container != "" && key != "" {
			return "azurerm://" + account + "/" + container + "/" + key
		}
	}
	return b.Type
}

// arg returns an argument for display, or "" when it is absent or null.
func (b *Backend) arg(name string) string {
	a, ok := b.Attributes[name]
	if !ok || (a.Literal && a.Value.IsNull()) {
		return ""
	}
	return a.display()
}

// decodeBlockBody reads a body without a schema: every attribute evaluated
// as a literal where possible, every nested block recursively. JSON bodies
// cannot tell blocks from object arguments, so they yield attributes only.
func decodeBlockBody(body hcl.Body, src []byte) (map[string]Attribute, []Block, hcl.Diagnostics) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		attrs := make(map[string]Attribute, len(sb.Attributes))
		for name, a := range sb.Attributes {
			attrs[name] = literalAttribute(a.AsHCLAttribute(), src)
		}
		var blocks []Block
		var diags hcl.Diagnostics
		for _, nb := range sb.Blocks {
			na, nbs, d := decodeBlockBody(nb.Body, src)
			diags = append(diags, d...)
			blocks = append(blocks, Block{
				Type:       nb.Type,
				Labels:     slices.Clone(nb.Labels),
				Attributes: na,
				Blocks:     nbs,
				Range:      nb.DefRange(),
			})
		}
		return attrs, blocks, diags
	}
	hattrs, diags := body.JustAttributes()
	attrs := make(map[string]Attribute, len(hattrs))
	for name, a := range hattrs {
		attrs[name] = literalAttribute(a, src)
	}
	return attrs, nil, diags
}

// literalAttribute evaluates a with no variables or functions; a failure is
// not an error here, it marks the attribute non-literal.
func literalAttribute(a *hcl.Attribute, src []byte) Attribute {
	out := Attribute{Name: a.Name, Range: a.Range, Expr: sourceText(src, a.Expr.Range())}
	v, diags := a.Expr.Value(nil)
	if !diags.HasErrors() && v.IsWhollyKnown() {
		out.Value = v
		out.Literal = true
	}
	return out
}

// sourceText returns the bytes of src covered by r, or "" if r is outside.
func sourceText(src []byte, r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(src[r.Start.Byte:r.End.Byte])
}

// secretParam matches query parameter names that carry credentials.
var secretParam = regexp.MustCompile(`(?i)(token|passw|secret|key|sig|auth|cred|session)`)

// redactURL hides credentials in an address shown to users: the user
// information and the values of query parameters named like secrets.
// Anything that does not parse as a URL is returned as is.
func redactURL(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" {
		return addr
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	q := u.Query()
	changed := false
	for name := range q {
		if secretParam.MatchString(name) {
			q.Set(name, "REDACTED")
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
