package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// modulePath is the infractl module, whose packages sourceKey follows.
const modulePath = "github.com/infractl/infractl"

// providerMain is the provider's main package, where sourceKey starts.
const providerMain = "cmd/terraform-provider-localfs"

// sourceKey hashes everything that decides the provider binary: the Go
// toolchain and platform, go.mod and go.sum, and the non-test .go files of
// every package of this module the provider's main imports (followed
// transitively), so a cached build is reused exactly while it is still current.
func sourceKey(root string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s/%s cgo=%s flags=%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH,
		os.Getenv("CGO_ENABLED"), os.Getenv("GOFLAGS"))
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := hashFile(h, root, f); err != nil {
			return "", err
		}
	}
	seen := map[string]bool{}
	queue := []string{providerMain}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		if seen[pkg] {
			continue
		}
		seen[pkg] = true
		imports, err := hashPackage(h, root, pkg)
		if err != nil {
			return "", err
		}
		queue = append(queue, imports...)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// hashPackage hashes the package's non-test .go files in name order and
// returns the module-relative directories of the module packages it imports.
func hashPackage(h io.Writer, root, pkg string) ([]string, error) {
	dir := filepath.Join(root, filepath.FromSlash(pkg))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading provider package %s: %w", pkg, err)
	}
	var imports []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		rel := pkg + "/" + name
		if err := hashFile(h, root, rel); err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
		if err != nil {
			return nil, fmt.Errorf("parsing imports of %s: %w", rel, err)
		}
		for _, spec := range f.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				continue
			}
			if sub, ok := strings.CutPrefix(p, modulePath+"/"); ok && !slices.Contains(imports, sub) {
				imports = append(imports, sub)
			}
		}
	}
	return imports, nil
}

func hashFile(h io.Writer, root, rel string) error {
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return fmt.Errorf("hashing provider source: %w", err)
	}
	fmt.Fprintf(h, "%s %d\n", rel, len(b))
	_, err = h.Write(b)
	return err
}
