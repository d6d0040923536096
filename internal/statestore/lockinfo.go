package statestore

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// MaxLockInfoSize bounds a LOCK or UNLOCK body; Terraform's are a few
// hundred bytes, and the server should not buffer more than this.
const MaxLockInfoSize = 64 << 10

// MaxLockIDLength bounds a lock ID (Terraform sends a 36-character UUID).
const MaxLockIDLength = 256

// ParseLockInfo decodes a LOCK or UNLOCK body the way Terraform's own
// json.Unmarshal of a LockInfo does (unknown fields ignored, keys matched
// case-insensitively) and requires a non-empty ID, so the server and the
// CLI accept the same bodies. An empty body is not lock info: the server
// treats an empty UNLOCK as a force-unlock before calling this. Errors match
// ErrInvalid.
func ParseLockInfo(b []byte) (LockInfo, error) {
	if len(b) > MaxLockInfoSize {
		return LockInfo{}, invalidf("lock info: larger than %d bytes", MaxLockInfoSize)
	}
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return LockInfo{}, invalidf("lock info: empty body")
	}
	if trimmed[0] != '{' {
		return LockInfo{}, invalidf("lock info: must be a JSON object")
	}
	var info LockInfo
	if err := json.Unmarshal(trimmed, &info); err != nil {
		return LockInfo{}, invalidf("lock info: %v", err)
	}
	if err := validateLockInfo(info); err != nil {
		return LockInfo{}, err
	}
	return info, nil
}

// validateLockInfo checks what the service needs of lock info whether it
// came from JSON or from a Go caller.
func validateLockInfo(info LockInfo) error {
	switch {
	case info.ID == "":
		return invalidf("lock info: ID is missing or empty")
	case len(info.ID) > MaxLockIDLength:
		return invalidf("lock info: ID is longer than %d bytes", MaxLockIDLength)
	case !utf8.ValidString(info.ID):
		return invalidf("lock info: ID is not valid UTF-8")
	}
	return nil
}
