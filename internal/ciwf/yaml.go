package ciwf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The workflow is built as a small tree and written by the emitter below
// rather than by a YAML library: the output must keep its keys in the
// order GitHub's documentation uses (on, permissions, jobs, ...), write
// `on:` unquoted, and be byte-for-byte stable across versions, so that
// `ci github --check` only ever reports real changes.

// mapping is a YAML mapping that keeps its keys in insertion order.
type mapping struct {
	keys []string
	vals []any
}

// newMapping builds a mapping from key, value pairs.
func newMapping(kv ...any) *mapping {
	m := &mapping{}
	for i := 0; i+1 < len(kv); i += 2 {
		m.set(kv[i].(string), kv[i+1])
	}
	return m
}

// set appends key: v (values: string, bool, int, literal, *mapping, []any).
func (m *mapping) set(key string, v any) *mapping {
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
	return m
}

// literal is a multi-line string written as a block scalar (`|`).
type literal string

// emitDocument writes the header comment lines and the mapping. Header
// lines starting with "#" are written as they are; the others become
// comments.
func emitDocument(header []string, m *mapping) []byte {
	var b bytes.Buffer
	for _, line := range header {
		switch {
		case strings.HasPrefix(line, "#"):
			b.WriteString(line + "\n")
		case line == "":
			b.WriteString("#\n")
		default:
			b.WriteString("# " + line + "\n")
		}
	}
	emitMapping(&b, m, 0)
	return b.Bytes()
}

func emitMapping(b *bytes.Buffer, m *mapping, indent int) {
	pad := strings.Repeat(" ", indent)
	for i, k := range m.keys {
		key := scalar(k)
		if k == "on" {
			// A YAML 1.1 reader takes a plain `on` for true, but GitHub
			// reads it as the string its documentation spells this way.
			key = k
		}
		b.WriteString(pad + key + ":")
		emitValue(b, m.vals[i], indent)
	}
}

// emitValue writes what follows "key:" (or "- ") at indent.
func emitValue(b *bytes.Buffer, v any, indent int) {
	switch v := v.(type) {
	case *mapping:
		if len(v.keys) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteString("\n")
		emitMapping(b, v, indent+2)
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		emitSequence(b, v, indent+2)
	case literal:
		text := string(v)
		indicator := "|"
		if !strings.HasSuffix(text, "\n") {
			indicator = "|-"
		} else {
			text = strings.TrimSuffix(text, "\n")
		}
		b.WriteString(" " + indicator + "\n")
		pad := strings.Repeat(" ", indent+2)
		for _, line := range strings.Split(text, "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString(pad + line + "\n")
		}
	default:
		b.WriteString(" " + scalarValue(v) + "\n")
	}
}

func emitSequence(b *bytes.Buffer, items []any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, item := range items {
		switch item := item.(type) {
		case *mapping:
			// The first key goes on the dash's line; the others line up
			// under it.
			var inner bytes.Buffer
			emitMapping(&inner, item, indent+2)
			b.WriteString(pad + "- " + strings.TrimPrefix(inner.String(), pad+"  "))
		default:
			b.WriteString(pad + "- " + scalarValue(item) + "\n")
		}
	}
}

func scalarValue(v any) string {
	switch v := v.(type) {
	case string:
		return scalar(v)
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	}
	panic(fmt.Sprintf("ciwf: unsupported YAML value %T", v))
}

var (
	// plainSafe: printable ASCII that cannot start an indicator.
	plainSafe = regexp.MustCompile(`^[A-Za-z0-9_.$/(][ -~]*$`)
	// notString: plain scalars a YAML 1.1 or 1.2 reader takes as
	// something other than a string.
	notString = regexp.MustCompile(`(?i)^(y|n|yes|no|true|false|on|off|null|~|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([e][-+]?[0-9]+)?|0x[0-9a-f_]+|0o?[0-7_]+|[-+]?\.(inf|nan)|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$`)
)

// scalar writes s plain when every YAML reader reads it back as the same
// string, double-quoted (JSON escaping, valid YAML) otherwise.
func scalar(s string) string {
	if plainSafe.MatchString(s) && !notString.MatchString(s) &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") &&
		!strings.HasSuffix(s, ":") && !strings.HasSuffix(s, " ") {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err) // a string always encodes
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// merge appends other's keys to m and returns m.
func (m *mapping) merge(other *mapping) *mapping {
	for i, k := range other.keys {
		m.set(k, other.vals[i])
	}
	return m
}
