package tfstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Meta is what the state server records for every stored version and what
// push checks compare: the header of a state plus a few counts, read without
// decoding attribute values.
type Meta struct {
	// Version, TerraformVersion, Serial and Lineage are the state's header
	// fields (see State).
	Version          int    `json:"version"`
	TerraformVersion string `json:"terraform_version"`
	Serial           uint64 `json:"serial"`
	Lineage          string `json:"lineage"`
	// Resources counts managed resources (resource blocks, or each
	// module instance's copy of one), whatever their count or for_each.
	Resources int `json:"resources"`
	// Instances counts the current objects of managed resources, one per
	// count index or for_each key; deposed objects are not counted.
	Instances int `json:"instances"`
	// DataResources counts data sources (mode "data").
	DataResources int `json:"data_resources"`
	// Outputs counts root module outputs.
	Outputs int `json:"outputs"`
	// Size is the body's length in bytes.
	Size int64 `json:"size"`
}

// IsEmpty reports whether the state has no resources (managed or data) and
// no outputs: Terraform lets any state replace an empty one. The zero Meta,
// standing for "no state yet", is empty.
func (m Meta) IsEmpty() bool {
	return m.Resources == 0 && m.DataResources == 0 && m.Outputs == 0
}

// Inspect reads a state body's Meta in one streaming pass, skipping attribute
// values, so the state server can afford it on every write. It checks the
// whole body is well-formed JSON and that the fields that shape a v4 state
// (version, serial, lineage, outputs, resources and their instances) have
// the right JSON types; Parse validates the rest. Errors match
// ErrInvalidState.
func Inspect(b []byte) (Meta, error) {
	sc, err := scanState(b)
	if err != nil {
		return Meta{}, err
	}
	return sc.meta, nil
}

// Field names of the v4 format at each level. A member that matches one of
// them only case-insensitively is rejected: encoding/json (and so Terraform)
// would read it as that field, while a case-sensitive reader would not.
var (
	topFields      = []string{"version", "terraform_version", "serial", "lineage", "outputs", "resources", "check_results"}
	outputFields   = []string{"value", "type", "sensitive"}
	resourceFields = []string{"module", "mode", "type", "name", "each", "provider", "instances"}
	instanceFields = []string{
		"index_key", "status", "deposed", "schema_version", "attributes", "attributes_flat",
		"sensitive_attributes", "private", "dependencies", "create_before_destroy",
	}
)

// scanner walks a state body token by token with jsontext, which also
// rejects invalid UTF-8 and duplicate member names: both would let two
// readers disagree on what a state says.
type scanner struct {
	dec         *jsontext.Decoder
	meta        Meta
	seenVersion bool
	seenSerial  bool
	seenLineage bool
	// serialStart and serialEnd delimit the serial's bytes, for BumpSerial.
	serialStart, serialEnd int64
}

func scanState(b []byte) (*scanner, error) {
	sc := &scanner{dec: jsontext.NewDecoder(bytes.NewBuffer(b))}
	sc.meta.Size = int64(len(b))
	if err := sc.document(); err != nil {
		var verr *VersionError
		if !sc.seenVersion && !errors.As(err, &verr) {
			// The version decides how to read the rest, so a body whose
			// version comes late and is not 4 reports that first.
			if v, ok := sniffVersion(b); ok && v != 4 {
				return nil, &VersionError{Version: v}
			}
		}
		return nil, err
	}
	return sc, nil
}

// sniffVersion finds the top-level version of a body the scanner rejected.
func sniffVersion(b []byte) (uint64, bool) {
	var v struct {
		Version *uint64 `json:"version"`
	}
	if json.Unmarshal(b, &v) != nil || v.Version == nil {
		return 0, false
	}
	return *v.Version, true
}

func (sc *scanner) document() error {
	if err := sc.open('{', "", "an object"); err != nil {
		return err
	}
	for {
		name, done, err := sc.name()
		if err != nil || done {
			if err != nil {
				return err
			}
			break
		}
		switch name {
		case "version":
			err = sc.version()
		case "terraform_version":
			sc.meta.TerraformVersion, err = sc.stringOrNull("terraform_version")
		case "serial":
			err = sc.serial()
		case "lineage":
			err = sc.lineage()
		case "outputs":
			err = sc.outputs()
		case "resources":
			err = sc.resources()
		case "check_results":
			err = sc.kindSkip("check_results", "an array", '[')
		default:
			err = sc.unknown("", name, topFields)
		}
		if err != nil {
			return err
		}
	}
	if _, err := sc.dec.ReadToken(); err != io.EOF {
		if err == nil {
			return &ParseError{Offset: sc.dec.InputOffset(), Msg: "unexpected data after the state object"}
		}
		return syntaxErr(err)
	}
	switch {
	case !sc.seenVersion:
		return fieldErr("version", "missing")
	case !sc.seenSerial:
		return fieldErr("serial", "missing")
	case !sc.seenLineage:
		return fieldErr("lineage", "missing")
	}
	return nil
}

// peek returns the next token's kind, turning a pending decoder error into
// a ParseError.
func (sc *scanner) peek() (jsontext.Kind, error) {
	k := sc.dec.PeekKind()
	if k == 0 {
		_, err := sc.dec.ReadToken()
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, syntaxErr(err)
	}
	return k, nil
}

// open consumes an opening delimiter, or reports field as not being what.
func (sc *scanner) open(kind jsontext.Kind, field, what string) error {
	k, err := sc.peek()
	if err != nil {
		return err
	}
	if k != kind {
		return fieldErr(field, "must be %s, got %s", what, kindName(k))
	}
	if _, err := sc.dec.ReadToken(); err != nil {
		return syntaxErr(err)
	}
	return nil
}

// openOrNull is open for fields where JSON null means "none"; it reports
// whether there is a value to read.
func (sc *scanner) openOrNull(kind jsontext.Kind, field, what string) (bool, error) {
	k, err := sc.peek()
	if err != nil {
		return false, err
	}
	if k == 'n' {
		return false, sc.skip()
	}
	return true, sc.open(kind, field, what)
}

// name reads an object member name, or reports the end of the object.
func (sc *scanner) name() (string, bool, error) {
	tok, err := sc.dec.ReadToken()
	if err != nil {
		return "", false, syntaxErr(err)
	}
	if tok.Kind() == '}' {
		return "", true, nil
	}
	return tok.String(), false, nil
}

// next reports whether an array has another element, consuming its end.
func (sc *scanner) next() (bool, error) {
	k, err := sc.peek()
	if err != nil {
		return false, err
	}
	if k == ']' {
		_, err := sc.dec.ReadToken()
		if err != nil {
			return false, syntaxErr(err)
		}
		return false, nil
	}
	return true, nil
}

func (sc *scanner) skip() error {
	if err := sc.dec.SkipValue(); err != nil {
		return syntaxErr(err)
	}
	return nil
}

// kindSkip skips a value that must be of the given kind or null.
func (sc *scanner) kindSkip(field, what string, kinds ...jsontext.Kind) error {
	k, err := sc.peek()
	if err != nil {
		return err
	}
	if k != 'n' && !hasKind(kinds, k) {
		return fieldErr(field, "must be %s, got %s", what, kindName(k))
	}
	return sc.skip()
}

func hasKind(kinds []jsontext.Kind, k jsontext.Kind) bool {
	for _, want := range kinds {
		if want == k || (want == 't' && k == 'f') {
			return true
		}
	}
	return false
}

// unknown skips a member the format does not define, unless its name is a
// case variant of a defined one.
func (sc *scanner) unknown(prefix, name string, known []string) error {
	for _, k := range known {
		if strings.EqualFold(name, k) {
			return fieldErr(joinField(prefix, name),
				"member name differs from %q only in letter case; Terraform would read it as %q", k, k)
		}
	}
	return sc.skip()
}

func (sc *scanner) stringOrNull(field string) (string, error) {
	k, err := sc.peek()
	if err != nil {
		return "", err
	}
	if k != '"' && k != 'n' {
		return "", fieldErr(field, "must be a string, got %s", kindName(k))
	}
	tok, err := sc.dec.ReadToken()
	if err != nil {
		return "", syntaxErr(err)
	}
	if k == 'n' {
		return "", nil
	}
	return tok.String(), nil
}

// number reads a JSON number's literal text.
func (sc *scanner) number(field string) (string, error) {
	k, err := sc.peek()
	if err != nil {
		return "", err
	}
	if k != '0' {
		return "", fieldErr(field, "must be a number, got %s", kindName(k))
	}
	v, err := sc.dec.ReadValue()
	if err != nil {
		return "", syntaxErr(err)
	}
	return string(v), nil
}

func (sc *scanner) version() error {
	raw, err := sc.number("version")
	if err != nil {
		return err
	}
	v, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return fieldErr("version", "must be the integer 4, got %s", raw)
	}
	sc.seenVersion = true
	if v != 4 {
		return &VersionError{Version: v}
	}
	sc.meta.Version = 4
	return nil
}

func (sc *scanner) serial() error {
	raw, err := sc.number("serial")
	if err != nil {
		return err
	}
	v, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return fieldErr("serial", "must be an integer from 0 to %d, got %s", uint64(1<<64-1), raw)
	}
	sc.seenSerial = true
	sc.meta.Serial = v
	sc.serialEnd = sc.dec.InputOffset()
	sc.serialStart = sc.serialEnd - int64(len(raw))
	return nil
}

func (sc *scanner) lineage() error {
	k, err := sc.peek()
	if err != nil {
		return err
	}
	if k != '"' {
		return fieldErr("lineage", "must be a string, got %s", kindName(k))
	}
	s, err := sc.stringOrNull("lineage")
	if err != nil {
		return err
	}
	if s == "" {
		return fieldErr("lineage", "must not be empty")
	}
	sc.seenLineage = true
	sc.meta.Lineage = s
	return nil
}

func (sc *scanner) outputs() error {
	ok, err := sc.openOrNull('{', "outputs", "an object")
	if err != nil || !ok {
		return err
	}
	for {
		name, done, err := sc.name()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		sc.meta.Outputs++
		field := joinField("outputs", name)
		if err := sc.open('{', field, "an object"); err != nil {
			return err
		}
		for {
			member, done, err := sc.name()
			if err != nil {
				return err
			}
			if done {
				break
			}
			switch member {
			case "value", "type":
				err = sc.skip()
			case "sensitive":
				err = sc.kindSkip(field+".sensitive", "a boolean", 't')
			default:
				err = sc.unknown(field, member, outputFields)
			}
			if err != nil {
				return err
			}
		}
	}
}

func (sc *scanner) resources() error {
	ok, err := sc.openOrNull('[', "resources", "an array")
	if err != nil || !ok {
		return err
	}
	for i := 0; ; i++ {
		more, err := sc.next()
		if err != nil || !more {
			return err
		}
		if err := sc.resource(i); err != nil {
			return err
		}
	}
}

func (sc *scanner) resource(i int) error {
	field := "resources[" + strconv.Itoa(i) + "]"
	if err := sc.open('{', field, "an object"); err != nil {
		return err
	}
	var mode string
	var current int
	for {
		name, done, err := sc.name()
		if err != nil {
			return err
		}
		if done {
			break
		}
		switch name {
		case "mode":
			mode, err = sc.stringOrNull(field + ".mode")
			if err == nil && mode != ModeManaged && mode != ModeData {
				err = fieldErr(field+".mode", "must be %q or %q, got %q", ModeManaged, ModeData, mode)
			}
		case "module", "type", "name", "each", "provider":
			_, err = sc.stringOrNull(field + "." + name)
		case "instances":
			current, err = sc.instances(field)
		default:
			err = sc.unknown(field, name, resourceFields)
		}
		if err != nil {
			return err
		}
	}
	switch mode {
	case ModeManaged:
		sc.meta.Resources++
		sc.meta.Instances += current
	case ModeData:
		sc.meta.DataResources++
	default:
		return fieldErr(field+".mode", "missing")
	}
	return nil
}

// instances walks a resource's instances and returns how many are current
// (not deposed) objects.
func (sc *scanner) instances(prefix string) (int, error) {
	field := prefix + ".instances"
	ok, err := sc.openOrNull('[', field, "an array")
	if err != nil || !ok {
		return 0, err
	}
	current := 0
	for j := 0; ; j++ {
		more, err := sc.next()
		if err != nil || !more {
			return current, err
		}
		deposed, err := sc.instance(field + "[" + strconv.Itoa(j) + "]")
		if err != nil {
			return 0, err
		}
		if !deposed {
			current++
		}
	}
}

func (sc *scanner) instance(field string) (deposed bool, err error) {
	if err := sc.open('{', field, "an object"); err != nil {
		return false, err
	}
	for {
		name, done, err := sc.name()
		if err != nil {
			return false, err
		}
		if done {
			return deposed, nil
		}
		switch name {
		case "attributes":
			err = sc.kindSkip(field+".attributes", "an object", '{')
		case "deposed":
			var key string
			key, err = sc.stringOrNull(field + ".deposed")
			deposed = key != ""
		case "index_key":
			err = sc.kindSkip(field+".index_key", "a number or a string", '0', '"')
		case "status", "private":
			_, err = sc.stringOrNull(field + "." + name)
		case "schema_version":
			err = sc.kindSkip(field+".schema_version", "a number", '0')
		case "attributes_flat":
			err = sc.kindSkip(field+".attributes_flat", "an object", '{')
		case "sensitive_attributes", "dependencies":
			err = sc.kindSkip(field+"."+name, "an array", '[')
		case "create_before_destroy":
			err = sc.kindSkip(field+".create_before_destroy", "a boolean", 't')
		default:
			err = sc.unknown(field, name, instanceFields)
		}
		if err != nil {
			return false, err
		}
	}
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	default:
		return fmt.Sprintf("%q", rune(k))
	}
}

// joinField appends a member name to a field path in dotted notation.
func joinField(prefix, name string) string {
	return joinKey(prefix, name)
}
