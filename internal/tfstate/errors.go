package tfstate

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// ErrInvalidState is matched (errors.Is) by every error Parse, Inspect and
// BumpSerial return for a body that is not a usable v4 state, so an HTTP
// layer can map all of them to 400 without knowing the details.
var ErrInvalidState = errors.New("invalid state")

// ParseError reports why a body is not a valid v4 state and where, so the
// person who uploaded it can fix the right field.
type ParseError struct {
	// Field is the offending field in dotted/indexed notation, such as
	// "serial" or "resources[2].instances[0].status"; empty when the
	// problem is the document as a whole.
	Field string
	// Offset is the byte offset of a JSON syntax error, or -1.
	Offset int64
	// Msg says what is wrong with Field.
	Msg string
	// Err is the underlying decoder error, if any.
	Err error
}

// Error implements error: `invalid state: resources[2].mode: unknown mode "x"`.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("invalid state")
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the decoder error so callers can inspect it.
func (e *ParseError) Unwrap() error { return e.Err }

// Is makes every ParseError match ErrInvalidState.
func (e *ParseError) Is(target error) bool { return target == ErrInvalidState }

// VersionError reports a state whose format version is not 4, separately
// from other parse errors, because the fix is a Terraform upgrade rather
// than an edit.
type VersionError struct {
	// Version is the format version the body declares.
	Version uint64
}

// Error implements error, naming the version found and the one supported.
func (e *VersionError) Error() string {
	if e.Version < 4 {
		return fmt.Sprintf("unsupported state format version %d: only version 4 is supported, "+
			"which Terraform >= 0.12 writes; upgrade the state by reading and writing it with "+
			"Terraform >= 0.12 (for example terraform state pull)", e.Version)
	}
	return fmt.Sprintf("unsupported state format version %d: only version 4 is supported, "+
		"which Terraform >= 0.12 writes; this state comes from a newer tool", e.Version)
}

// Is makes a VersionError match ErrInvalidState.
func (e *VersionError) Is(target error) bool { return target == ErrInvalidState }

func fieldErr(field, format string, args ...any) *ParseError {
	return &ParseError{Field: field, Offset: -1, Msg: fmt.Sprintf(format, args...)}
}

// syntaxErr turns a jsontext error into a ParseError that names the field
// (from the JSON pointer) and the byte offset.
func syntaxErr(err error) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		inner := se.Err
		if inner == nil {
			inner = se
		}
		return &ParseError{
			Field:  pointerField(string(se.JSONPointer)),
			Offset: se.ByteOffset,
			Msg:    "invalid JSON at byte " + strconv.FormatInt(se.ByteOffset, 10),
			Err:    inner,
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &ParseError{Offset: -1, Msg: "invalid JSON: unexpected end of input"}
	}
	return &ParseError{Offset: -1, Msg: "invalid JSON", Err: err}
}

// pointerField renders a JSON pointer ("/resources/0/mode") in the dotted
// notation used elsewhere ("resources[0].mode").
func pointerField(ptr string) string {
	if ptr == "" {
		return ""
	}
	var p Path
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		if n, err := strconv.Atoi(tok); err == nil && n >= 0 && strconv.Itoa(n) == tok {
			p = append(p, IndexStep(n))
			continue
		}
		p = append(p, KeyStep(tok))
	}
	return p.String()
}
