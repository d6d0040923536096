package lint

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// sourceFile is one file the rules read: its bytes, its native-syntax body
// (nil for JSON files and files that do not parse) and its directives.
type sourceFile struct {
	// rel is the path relative to the estate root, with forward slashes.
	rel  string
	src  []byte
	body *hclsyntax.Body
	// env is the environment the file belongs to, "" for others.
	env string
	// isVars is true for .tfvars files.
	isVars bool

	directives []*directive
	// attrs indexes every attribute of the file by its start byte, so a
	// VarValue's range leads back to its syntax.
	attrs map[int]*hclsyntax.Attribute
}

// readSource reads and parses a file; parse errors leave body nil (the
// environment's own Err reports them).
func readSource(root, abs, env string) (*sourceFile, error) {
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		rel = abs
	}
	f := &sourceFile{rel: filepath.ToSlash(rel), src: src, env: env}
	name := filepath.Base(abs)
	f.isVars = strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json")
	if strings.HasSuffix(name, ".json") {
		return f, nil
	}
	file, diags := hclsyntax.ParseConfig(src, f.rel, hcl.InitialPos)
	if !diags.HasErrors() {
		if body, ok := file.Body.(*hclsyntax.Body); ok {
			f.body = body
		}
	}
	f.directives = parseDirectives(f)
	return f, nil
}

// attribute returns the attribute that starts at r, or nil.
func (f *sourceFile) attribute(r hcl.Range) *hclsyntax.Attribute {
	if f == nil || f.body == nil {
		return nil
	}
	if f.attrs == nil {
		f.attrs = map[int]*hclsyntax.Attribute{}
		var walk func(b *hclsyntax.Body)
		walk = func(b *hclsyntax.Body) {
			for _, a := range b.Attributes {
				f.attrs[a.SrcRange.Start.Byte] = a
			}
			for _, blk := range b.Blocks {
				walk(blk.Body)
			}
		}
		walk(f.body)
	}
	return f.attrs[r.Start.Byte]
}

// blocks returns the top-level blocks of type typ.
func (f *sourceFile) blocks(typ string) []*hclsyntax.Block {
	if f.body == nil {
		return nil
	}
	var out []*hclsyntax.Block
	for _, b := range f.body.Blocks {
		if b.Type == typ {
			out = append(out, b)
		}
	}
	return out
}

// isConfigFile reports whether name is a terraform configuration or
// variables file, the files lint reads.
func isConfigFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
		return false
	}
	for _, ext := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// configFiles lists the configuration files directly in dir, sorted.
func configFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && isConfigFile(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}
