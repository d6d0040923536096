package statestore

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	valid := []string{"dev", "0", "ml-platform/prod", "a.b_c-d/0/x", "lock/prod", "versions-x", "team/versions-old",
		"diff/x/y", "x/rollback-1", strings.Repeat("a", MaxNameLength)}
	for _, name := range valid {
		if err := ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", name, err)
		}
	}
	invalid := []struct{ name, reason string }{
		{"", "empty"},
		{strings.Repeat("a", MaxNameLength+1), "longer than 200 bytes"},
		{"Dev", `segment 1 "Dev" has an uppercase letter "D"; names are lowercase`},
		{"dev/", `segment 2 is empty (leading, trailing or doubled "/")`},
		{"/dev", "segment 1 is empty"},
		{"a//b", "segment 2 is empty"},
		{"-dev", `segment 1 "-dev" must start with a lowercase letter or a digit`},
		{"dev/.hidden", `segment 2 ".hidden" must start`},
		{"dev prod", `segment 1 "dev prod" has the character " "`},
		{"dév", `has the character "é"`},
		{"a\x00b", "has the byte 0x00"},
		{"a\xffb", "has the byte 0xff"},
		{"dev/lock", `the last segment "lock" is reserved: NAME/lock addresses the lock of state NAME`},
		{"dev/versions", `"versions" is reserved: NAME/versions addresses the version history`},
		{"dev/diff", `"diff" is reserved`},
		{"ml/prod/rollback", `"rollback" is reserved`},
		{"lock", `"lock" is reserved`},
		{"dev/versions/3", `a segment "versions" followed by one more is reserved: NAME/versions/SERIAL`},
	}
	for _, tt := range invalid {
		err := ValidateName(tt.name)
		var ne *NameError
		if !errors.As(err, &ne) || ne.Name != tt.name || !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidateName(%q) = %v, want *NameError", tt.name, err)
			continue
		}
		if !strings.Contains(ne.Reason, tt.reason) {
			t.Errorf("ValidateName(%q) reason %q, want it to contain %q", tt.name, ne.Reason, tt.reason)
		}
	}
}

// referenceName is the rule of ValidateName written as a regular
// expression, for FuzzValidateName to compare against.
var referenceName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$`)

func referenceValid(name string) bool {
	if len(name) > MaxNameLength || !referenceName.MatchString(name) {
		return false
	}
	segs := strings.Split(name, "/")
	switch segs[len(segs)-1] {
	case "lock", "versions", "diff", "rollback":
		return false
	}
	return len(segs) < 2 || segs[len(segs)-2] != "versions"
}

func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"dev", "ml-platform/prod", "dev/lock", "Dev", "a//b", "dev/versions/1", "é", "a\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name)
		if want := referenceValid(name); (err == nil) != want {
			t.Fatalf("ValidateName(%q) = %v, reference says valid=%v", name, err, want)
		}
		if err == nil {
			return
		}
		var ne *NameError
		if !errors.As(err, &ne) || ne.Name != name || ne.Reason == "" || !errors.Is(err, ErrInvalid) {
			t.Fatalf("ValidateName(%q) = %#v, want a *NameError with a reason", name, err)
		}
	})
}
