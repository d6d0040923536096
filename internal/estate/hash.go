package estate

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// ConfigHash returns a hex sha256 over the environment's configuration as it
// is on disk now, so apply can refuse a saved plan made from other files.
// It covers the environment's own .tf, .tf.json, .tfvars and .tfvars.json
// files (not subdirectories, not .terraform/, not plan files) and, followed
// recursively, the .tf and .tf.json files of local modules (sources starting
// with ./ or ../), since editing a module changes the plan too. Files are
// hashed by name relative to Dir, in sorted order, with their contents.
// Files are re-read on every call; the result does not depend on Load.
func (env *Environment) ConfigHash() (string, error) {
	h := &configHasher{files: map[string][]byte{}, visited: map[string]bool{}, base: env.Dir}
	if err := h.dir(env.Dir, true); err != nil {
		return "", fmt.Errorf("hashing environment %s: %w", env.Name, err)
	}
	names := make([]string, 0, len(h.files))
	for name := range h.files {
		names = append(names, name)
	}
	slices.SortFunc(names, cmp.Compare)
	sum := sha256.New()
	for _, name := range names {
		writeField(sum, []byte(filepath.ToSlash(name)))
		writeField(sum, h.files[name])
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// writeField writes a length-prefixed field, so that no two different file
// sets produce the same byte stream.
func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

type configHasher struct {
	base    string            // the environment directory; names are relative to it
	files   map[string][]byte // relative name -> contents
	visited map[string]bool   // module directories already hashed
}

// dir adds the configuration files of dir (and tfvars files when vars is
// set), then follows the local module calls found in them.
func (h *configHasher) dir(dir string, vars bool) error {
	if h.visited[dir] {
		return nil
	}
	h.visited[dir] = true
	names, err := listFiles(dir, func(k fileKind) bool { return k.isConfig() || (vars && k.isVars()) })
	if errors.Is(err, fs.ErrNotExist) && !vars {
		// A missing module directory: terraform init reports it better.
		return nil
	}
	if err != nil {
		return err
	}
	var modules []string
	parser := hclparse.NewParser()
	for _, name := range names {
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(h.base, path)
		if err != nil {
			rel = path
		}
		h.files[rel] = src
		if kind := classify(name); kind.isConfig() {
			modules = append(modules, localModuleSources(parser, src, path, kind.isJSON())...)
		}
	}
	for _, source := range modules {
		if err := h.dir(filepath.Join(dir, filepath.FromSlash(source)), false); err != nil {
			return err
		}
	}
	return nil
}

// localModuleSources lists the local sources of the module blocks in one
// file. Parse errors are ignored: the file's bytes are hashed regardless.
func localModuleSources(parser *hclparse.Parser, src []byte, filename string, json bool) []string {
	var file *hcl.File
	if json {
		file, _ = parser.ParseJSON(src, filename)
	} else {
		file, _ = parser.ParseHCL(src, filename)
	}
	if file == nil || file.Body == nil {
		return nil
	}
	content, _, _ := file.Body.PartialContent(fileSchema)
	var sources []string
	for _, block := range content.Blocks {
		if block.Type != "module" {
			continue
		}
		mc, _, _ := block.Body.PartialContent(moduleSchema)
		attr := mc.Attributes["source"]
		if attr == nil {
			continue
		}
		if source, diags := decodeString(attr.Expr); !diags.HasErrors() && isLocalSource(source) {
			sources = append(sources, source)
		}
	}
	return sources
}
