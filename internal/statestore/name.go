package statestore

import (
	"fmt"
	"strings"
)

// MaxNameLength bounds a state name in bytes, so names fit an index key and
// a URL comfortably on every store.
const MaxNameLength = 200

// reservedSegments are the words that follow a state name in the server's
// routes (NAME/lock, NAME/versions[/SERIAL], NAME/diff, NAME/rollback); a
// name ending in one would be ambiguous.
var reservedSegments = []string{"lock", "versions", "diff", "rollback"}

// NameError reports a state name the server refuses and why, so the 400
// answer tells the user what to change. It matches ErrInvalid.
type NameError struct {
	Name   string
	Reason string
}

// Error quotes the name and gives the reason.
func (e *NameError) Error() string {
	return fmt.Sprintf("invalid state name %q: %s", e.Name, e.Reason)
}

// Is makes a NameError match ErrInvalid.
func (e *NameError) Is(target error) bool { return target == ErrInvalid }

// ValidateName checks a state name: one or more segments of
// [a-z0-9][a-z0-9._-]* joined by "/" (e.g. "ml-platform/prod"), at most
// MaxNameLength bytes. The last segment may not be a reserved word (lock,
// versions, diff, rollback) and the one before it may not be "versions",
// because those words address a state's lock, history, diff and rollback
// in the URL. It lives here so the server and the CLI refuse the same
// names with the same reasons; it returns a *NameError.
func ValidateName(name string) error {
	if name == "" {
		return &NameError{Name: name, Reason: "empty"}
	}
	if len(name) > MaxNameLength {
		return &NameError{Name: name, Reason: fmt.Sprintf("longer than %d bytes", MaxNameLength)}
	}
	segments := strings.Split(name, "/")
	for i, seg := range segments {
		if err := validateSegment(seg); err != "" {
			return &NameError{Name: name, Reason: fmt.Sprintf("segment %d %s", i+1, err)}
		}
	}
	last := segments[len(segments)-1]
	for _, r := range reservedSegments {
		if last == r {
			return &NameError{Name: name, Reason: fmt.Sprintf(
				"the last segment %q is reserved: NAME/%s addresses the %s of state NAME", r, r, reservedWhat(r))}
		}
	}
	if len(segments) > 1 && segments[len(segments)-2] == "versions" {
		return &NameError{Name: name, Reason: `a segment "versions" followed by one more is reserved: NAME/versions/SERIAL addresses a version of state NAME`}
	}
	return nil
}

// validateSegment returns why seg is not [a-z0-9][a-z0-9._-]*, or "".
func validateSegment(seg string) string {
	if seg == "" {
		return "is empty (leading, trailing or doubled \"/\")"
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		case i == 0 && (c == '.' || c == '_' || c == '-'):
			return fmt.Sprintf("%q must start with a lowercase letter or a digit", seg)
		case c >= 'A' && c <= 'Z':
			return fmt.Sprintf("%q has an uppercase letter %q; names are lowercase", seg, string(c))
		default:
			return fmt.Sprintf("%q has %s; allowed are a-z, 0-9, '.', '_' and '-'", seg, describeByte(seg, i))
		}
	}
	return ""
}

// describeByte names the character at seg[i] for an error message, quoting
// printable runes and showing other bytes in hex.
func describeByte(seg string, i int) string {
	r := []rune(seg[i:])[0]
	if r == '\uFFFD' || r < 0x20 || r == 0x7f {
		return fmt.Sprintf("the byte 0x%02x", seg[i])
	}
	return fmt.Sprintf("the character %q", string(r))
}

func reservedWhat(word string) string {
	switch word {
	case "lock":
		return "lock"
	case "versions":
		return "version history"
	case "diff":
		return "diff"
	default:
		return "rollback"
	}
}
