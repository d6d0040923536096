package scaffold

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/scaffold/hcledit"
)

// BackendChange is one backend argument env new rewrote so the new
// environment has its own state.
type BackendChange struct {
	// Argument is the argument, e.g. "key", or "workspaces.name".
	Argument string `json:"argument"`
	Old      string `json:"old"`
	New      string `json:"new"`
}

// stateArgs are, per backend type, the arguments that name the state;
// env new replaces the source environment's name in them. The first one
// must change; the others follow when they mention the name.
var stateArgs = map[string][]string{
	"s3":      {"key"},
	"azurerm": {"key"},
	"gcs":     {"prefix"},
	"http":    {"address", "lock_address", "unlock_address"},
	"consul":  {"path"},
	"pg":      {"schema_name"},
	"oss":     {"key"},
	"cos":     {"key"},
}

// rekeyBackend decides the backend arguments of the new environment. It
// fails when it cannot tell how to give the environment its own state;
// warnings name what the user should check (a partial configuration,
// other arguments mentioning the source environment).
func rekeyBackend(from *estate.Environment, name string) ([]BackendChange, []string, error) {
	b := from.Backend
	if b == nil || b.Implicit {
		return nil, nil, nil // local state in the environment's own directory
	}
	var changes []BackendChange
	var warnings []string
	switch b.Type {
	case "local":
		a, ok := b.Attributes["path"]
		if !ok {
			return nil, nil, nil
		}
		path, literal := a.AsString()
		if !literal {
			return nil, []string{"the local backend's path is not a literal: check that " + name + " has its own state file"}, nil
		}
		if filepath.IsLocal(path) {
			return nil, nil, nil // inside the environment directory
		}
		next, changed := replaceToken(path, from.Name, name)
		if !changed {
			return nil, nil, fmt.Errorf("the local backend keeps the state at %s, outside the environment directory, and the path does not mention %s: set path in %s by hand", path, from.Name, from.Name)
		}
		changes = append(changes, BackendChange{"path", path, next})
	case "cloud", "remote":
		ws := findNested(b.Blocks, "workspaces")
		if ws == nil {
			return nil, nil, fmt.Errorf("the %s backend has no workspaces block: give %s its own workspace by hand", b.Type, name)
		}
		for _, arg := range []string{"name", "prefix"} {
			a, ok := ws.Attributes[arg]
			if !ok {
				continue
			}
			old, literal := a.AsString()
			next, changed := replaceToken(old, from.Name, name)
			if !literal || !changed {
				return nil, nil, fmt.Errorf("the %s backend's workspaces.%s %q does not mention %s: give %s its own workspace by hand", b.Type, arg, old, from.Name, name)
			}
			changes = append(changes, BackendChange{"workspaces." + arg, old, next})
		}
		if len(changes) == 0 {
			return nil, nil, fmt.Errorf("the %s backend selects workspaces by tags: give %s its own workspace by hand", b.Type, name)
		}
	default:
		args, ok := stateArgs[b.Type]
		if !ok {
			return nil, nil, fmt.Errorf("env new cannot give a %q backend its own state (it rewrites s3, azurerm, gcs, http, consul, pg, oss, cos, local, cloud and remote backends): copy the environment by hand", b.Type)
		}
		for i, arg := range args {
			a, present := b.Attributes[arg]
			if !present {
				if i == 0 {
					warnings = append(warnings, fmt.Sprintf("the %s backend sets no %s in the configuration (partial configuration): give %s its own in -backend-config", b.Type, arg, name))
				}
				continue
			}
			old, literal := a.AsString()
			if !literal {
				if i == 0 {
					warnings = append(warnings, fmt.Sprintf("the %s backend's %s is not a literal (%s): check that %s gets its own state", b.Type, arg, a.Expr, name))
				}
				continue
			}
			var next string
			var changed bool
			if b.Type == "http" {
				next, changed = replaceInURLPath(old, from.Name, name)
			} else {
				next, changed = replaceToken(old, from.Name, name)
			}
			if !changed && i == 0 {
				switch b.Type {
				case "s3", "azurerm", "oss", "cos":
					next, changed = name+"/terraform.tfstate", true
				default:
					return nil, nil, fmt.Errorf("the %s backend's %s %q does not mention %s: give %s its own state by hand", b.Type, arg, old, from.Name, name)
				}
			}
			if changed {
				changes = append(changes, BackendChange{arg, old, next})
			}
		}
	}
	// Other literal arguments that mention the source environment (a
	// per-environment bucket, say) are the user's to check.
	for _, argName := range sortedKeys(b.Attributes) {
		if isChanged(changes, argName) {
			continue
		}
		if s, ok := b.Attributes[argName].AsString(); ok {
			if _, mentions := replaceToken(s, from.Name, name); mentions {
				warnings = append(warnings, fmt.Sprintf("backend argument %s = %q mentions %s and was kept: check it", argName, s, from.Name))
			}
		}
	}
	return changes, warnings, nil
}

func isChanged(changes []BackendChange, arg string) bool {
	for _, c := range changes {
		if c.Argument == arg {
			return true
		}
	}
	return false
}

func findNested(blocks []estate.Block, typ string) *estate.Block {
	for i := range blocks {
		if blocks[i].Type == typ {
			return &blocks[i]
		}
	}
	return nil
}

// tokenSeparators split state names into the parts that may be an
// environment name: "ml-prod/terraform.tfstate" has ml, prod, terraform,
// tfstate.
var tokenSeparators = regexp.MustCompile(`[/._:\-]+`)

// replaceToken replaces every separator-delimited part of s equal to
// from with to.
func replaceToken(s, from, to string) (string, bool) {
	seps := tokenSeparators.FindAllStringIndex(s, -1)
	var sb strings.Builder
	changed := false
	pos := 0
	emit := func(part string) {
		if part == from {
			sb.WriteString(to)
			changed = true
			return
		}
		sb.WriteString(part)
	}
	for _, sp := range seps {
		emit(s[pos:sp[0]])
		sb.WriteString(s[sp[0]:sp[1]])
		pos = sp[1]
	}
	emit(s[pos:])
	return sb.String(), changed
}

// replaceInURLPath is replaceToken on the part of a URL after its host,
// so a server named after an environment keeps its name.
func replaceInURLPath(u, from, to string) (string, bool) {
	scheme := strings.Index(u, "://")
	if scheme < 0 {
		return replaceToken(u, from, to)
	}
	slash := strings.Index(u[scheme+3:], "/")
	if slash < 0 {
		return u, false
	}
	cut := scheme + 3 + slash
	rest, changed := replaceToken(u[cut:], from, to)
	return u[:cut] + rest, changed
}

// editBackend applies changes to the backend block in src (the file that
// holds it), replacing only the changed values.
func editBackend(src []byte, filename string, b *estate.Backend, changes []BackendChange) ([]byte, error) {
	if len(changes) == 0 {
		return src, nil
	}
	body, err := hcledit.Parse(src, filename)
	if err != nil {
		return nil, err
	}
	blk := findBackendBlock(body, b)
	if blk == nil {
		return nil, fmt.Errorf("%s: no %s backend block where the estate saw one", filename, b.Type)
	}
	var repls []hcledit.Replacement
	for _, c := range changes {
		target := blk.Body
		arg := c.Argument
		if nested, attrName, ok := strings.Cut(arg, "."); ok {
			nb := hcledit.FindBlock(blk.Body, nested)
			if nb == nil {
				return nil, fmt.Errorf("%s: no %s block in the backend", filename, nested)
			}
			target, arg = nb.Body, attrName
		}
		attr := target.Attributes[arg]
		if attr == nil {
			return nil, fmt.Errorf("%s: the backend has no %s argument", filename, c.Argument)
		}
		repls = append(repls, hcledit.Replacement{Attr: attr, Text: hcledit.ValueText(cty.StringVal(c.New))})
	}
	return hcledit.ReplaceValues(src, repls), nil
}

// findBackendBlock finds the backend (or cloud) block of a file's
// terraform blocks that starts where the estate saw it.
func findBackendBlock(body *hclsyntax.Body, b *estate.Backend) *hclsyntax.Block {
	for _, tf := range body.Blocks {
		if tf.Type != "terraform" {
			continue
		}
		for _, blk := range tf.Body.Blocks {
			isBackend := blk.Type == "backend" && len(blk.Labels) == 1 && blk.Labels[0] == b.Type
			isCloud := blk.Type == "cloud" && b.Type == "cloud"
			if (isBackend || isCloud) && blk.DefRange().Start.Byte == b.Range.Start.Byte {
				return blk
			}
		}
	}
	return nil
}

// sortedKeys returns m's keys in order, for deterministic messages.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
