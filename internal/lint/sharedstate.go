package lint

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/infractl/infractl/internal/estate"
)

// stateIdentity returns what identifies where an environment's state lives,
// and the range to point at; ok is false when that cannot be known from the
// configuration (partial configuration, values computed at init).
func stateIdentity(env *estate.Environment) (id string, at hcl.Range, ok bool) {
	b := env.Backend
	if b == nil {
		return "", hcl.Range{}, false
	}
	at = b.Range
	pick := func(names ...string) {
		for _, n := range names {
			if a, found := b.Attributes[n]; found {
				at = a.Range
				return
			}
		}
	}
	switch b.Type {
	case "s3", "gcs", "azurerm", "http", "local":
		id = b.StateAddress()
		if id == b.Type {
			return "", at, false
		}
		switch b.Type {
		case "s3", "azurerm":
			pick("key")
		case "gcs":
			pick("prefix", "bucket")
		case "http":
			pick("address")
		case "local":
			pick("path")
			if b.Implicit {
				return "", at, false // each environment's own terraform.tfstate
			}
		}
	case "pg":
		conn, okc := attrString(b, "conn_str")
		if !okc {
			return "", at, false
		}
		schema, oks := attrString(b, "schema_name")
		if !oks {
			schema = "terraform_remote_state"
		}
		id = "pg:" + conn + "#" + schema
		pick("schema_name", "conn_str")
	case "consul":
		path, okp := attrString(b, "path")
		if !okp {
			return "", at, false
		}
		addr, _ := attrString(b, "address")
		id = "consul:" + addr + "/" + path
		pick("path")
	case "cloud", "remote":
		org, oko := attrString(b, "organization")
		if !oko {
			return "", at, false
		}
		for _, blk := range b.Blocks {
			if blk.Type != "workspaces" {
				continue
			}
			if a, found := blk.Attributes["name"]; found {
				if name, okn := a.AsString(); okn {
					host, _ := attrString(b, "hostname")
					return b.Type + ":" + host + "/" + org + "/" + name, a.Range, true
				}
			}
		}
		return "", at, false
	default:
		return "", at, false
	}
	if strings.Contains(id, "${") {
		return "", at, false
	}
	return id, at, true
}

// attrString returns a literal string attribute of a backend.
func attrString(b *estate.Backend, name string) (string, bool) {
	a, ok := b.Attributes[name]
	if !ok {
		return "", false
	}
	return a.AsString()
}

// describeState names a state for messages without credentials: http
// addresses come redacted from StateAddress, and pg connection strings are
// never shown.
func describeState(env *estate.Environment) string {
	switch env.Backend.Type {
	case "pg", "consul", "cloud", "remote":
		return "the same " + env.Backend.Type + " state"
	}
	return env.Backend.StateAddress()
}

// sharedState reports environments whose state is another's.
func (l *linter) sharedState() {
	first := map[string]*estate.Environment{}
	firstAt := map[string]hcl.Range{}
	for _, env := range l.e.Environments {
		id, at, ok := stateIdentity(env)
		if !ok {
			continue
		}
		prev, dup := first[id]
		if !dup {
			first[id], firstAt[id] = env, at
			continue
		}
		l.add(newFinding(RuleSharedState, env.Name, locationOf(at, ""), "state:"+prev.Name,
			fmt.Sprintf("%s and %s use the same state (%s): applying one overwrites the other's state", env.Name, prev.Name, describeState(env)),
			"",
			locationOf(firstAt[id], prev.Name+"'s backend")))
	}
}
