package statestore

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// terraformLock is a LOCK body exactly as Terraform 1.11.4 sent it.
const terraformLock = `{"ID":"3ca4a2d3-5e41-5af7-9114-ac69ae7162a5","Operation":"OperationTypeApply","Info":"","Who":"root@vm","Version":"1.11.4","Created":"2026-11-25T16:59:07.516287585Z","Path":""}`

func TestParseLockInfo(t *testing.T) {
	info, err := ParseLockInfo([]byte(terraformLock))
	if err != nil {
		t.Fatal(err)
	}
	want := LockInfo{ID: "3ca4a2d3-5e41-5af7-9114-ac69ae7162a5", Operation: "OperationTypeApply", Who: "root@vm",
		Version: "1.11.4", Created: time.Date(2026, 11, 25, 16, 59, 7, 516287585, time.UTC)}
	if info != want {
		t.Errorf("ParseLockInfo = %+v, want %+v", info, want)
	}
	if back, _ := json.Marshal(info); string(back) != terraformLock {
		t.Errorf("re-encoded\n got %s\nwant %s", back, terraformLock)
	}

	ok := map[string]string{
		"unknown fields":    `{"ID":"x","Extra":{"a":1}}`,
		"lowercase keys":    `{"id":"x","who":"me"}`,
		"surrounding space": "\n {\"ID\":\"x\"}\n",
		"null Created":      `{"ID":"x","Created":null}`,
	}
	for name, body := range ok {
		if info, err := ParseLockInfo([]byte(body)); err != nil || info.ID != "x" {
			t.Errorf("%s: ParseLockInfo = %+v, %v", name, info, err)
		}
	}

	bad := map[string]struct{ body, msg string }{
		"empty":         {"", "lock info: empty body"},
		"spaces":        {"  \n", "lock info: empty body"},
		"array":         {`["ID"]`, "must be a JSON object"},
		"null":          {`null`, "must be a JSON object"},
		"no ID":         {`{"Who":"me"}`, "ID is missing or empty"},
		"empty ID":      {`{"ID":""}`, "ID is missing or empty"},
		"long ID":       {`{"ID":"` + strings.Repeat("x", MaxLockIDLength+1) + `"}`, "ID is longer than 256 bytes"},
		"ID not string": {`{"ID":5}`, "cannot unmarshal number"},
		"bad time":      {`{"ID":"x","Created":"yesterday"}`, "lock info: parsing time"},
		"trailing data": {`{"ID":"x"} {}`, "invalid character"},
		"truncated":     {`{"ID":"x"`, "unexpected end of JSON input"},
		"too large":     {`{"ID":"x","Info":"` + strings.Repeat("a", MaxLockInfoSize) + `"}`, "larger than 65536 bytes"},
	}
	for name, tt := range bad {
		_, err := ParseLockInfo([]byte(tt.body))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want ErrInvalid mentioning %q", name, err, tt.msg)
		}
	}
}

func FuzzParseLockInfo(f *testing.F) {
	for _, s := range []string{terraformLock, `{"ID":"x"}`, `{"id":"x","Created":null}`, ``, `[]`, `{"ID":""}`,
		`{"ID":"x","Created":"2026-11-25T22:29:07.516287585+05:30"}`, `{"ID":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := ParseLockInfo(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseLockInfo(%q) = %v, want an error matching ErrInvalid", b, err)
			}
			return
		}
		if info.ID == "" || len(info.ID) > MaxLockIDLength {
			t.Fatalf("ParseLockInfo(%q) accepted ID %q", b, info.ID)
		}
		// What the server stores and sends back must parse to the same
		// lock info: Terraform reads the holder's ID from it.
		out, err := json.Marshal(info)
		if err != nil {
			t.Fatalf("accepted lock info does not encode: %v", err)
		}
		again, err := ParseLockInfo(out)
		if err != nil {
			t.Fatalf("re-encoded lock info %s does not parse: %v", out, err)
		}
		if !again.Created.Equal(info.Created) {
			t.Fatalf("Created changed in a round trip: %v -> %v", info.Created, again.Created)
		}
		again.Created, info.Created = time.Time{}, time.Time{}
		if again != info {
			t.Fatalf("round trip changed lock info: %+v -> %+v", info, again)
		}
	})
}
