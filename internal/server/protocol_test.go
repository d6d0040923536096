package server_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/statestore"
)

// The Terraform http backend protocol over HTTP, as terraform-protocols.md
// section 1 describes it. terraform_test.go drives the same server with
// real terraform.

func TestGetOfANewStateIs204(t *testing.T) {
	ts := startServer(t, server.Config{})
	r := ts.do(t, "GET", "/v1/states/brand/new", nil, nil)
	wantStatus(t, "GET new state", r, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("204 has a body: %q", r.body)
	}
}

func TestWriteThenGetReturnsTheSameBytesWithContentMD5(t *testing.T) {
	ts := startServer(t, server.Config{})
	body := stateBody("lin-1", 1, 3)
	wantStatus(t, "POST", ts.tfSend(t, "POST", "/v1/states/ml/prod", body), http.StatusOK)
	r := ts.do(t, "GET", "/v1/states/ml/prod", nil, nil)
	wantStatus(t, "GET", r, http.StatusOK)
	if !bytes.Equal(r.body, body) {
		t.Errorf("GET returned %d bytes different from the %d written", len(r.body), len(body))
	}
	sum := md5.Sum(body)
	if got, want := r.header.Get("Content-MD5"), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("Content-MD5 = %q, want %q", got, want)
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	// PUT is accepted too (update_method = "PUT").
	wantStatus(t, "PUT", ts.tfSend(t, "PUT", "/v1/states/ml/prod", stateBody("lin-1", 2, 3)), http.StatusOK)
}

func TestContentMD5Mismatch(t *testing.T) {
	ts := startServer(t, server.Config{})
	body := stateBody("lin-1", 1, 1)
	wrong := md5.Sum([]byte("something else"))
	r := ts.do(t, "POST", "/v1/states/dev", body, map[string]string{
		"Content-MD5": base64.StdEncoding.EncodeToString(wrong[:]),
	})
	wantStatus(t, "mismatching Content-MD5", r, http.StatusBadRequest)
	if msg := r.errorMessage(t); !strings.Contains(msg, "does not match") {
		t.Errorf("message %q does not explain the mismatch", msg)
	}
	r = ts.do(t, "POST", "/v1/states/dev", body, map[string]string{"Content-MD5": "not base64!"})
	wantStatus(t, "malformed Content-MD5", r, http.StatusBadRequest)
	if msg := r.errorMessage(t); !strings.Contains(msg, "not the base64 encoding of an MD5 digest") {
		t.Errorf("message %q", msg)
	}
	wantStatus(t, "GET after refused writes", ts.do(t, "GET", "/v1/states/dev", nil, nil), http.StatusNoContent)
	// Without the header the body is accepted.
	wantStatus(t, "POST without Content-MD5", ts.do(t, "POST", "/v1/states/dev", body, nil), http.StatusOK)
}

func TestWriteOfANonState(t *testing.T) {
	ts := startServer(t, server.Config{})
	r := ts.tfSend(t, "POST", "/v1/states/dev", []byte(`{"version": 3, "serial": 1}`))
	wantStatus(t, "v3 state", r, http.StatusBadRequest)
	r = ts.tfSend(t, "POST", "/v1/states/dev", []byte(`{"version": 4, "serial": "x"`))
	wantStatus(t, "broken JSON", r, http.StatusBadRequest)
	if msg := r.errorMessage(t); !strings.Contains(msg, "invalid state") {
		t.Errorf("message %q does not carry the parse error", msg)
	}
}

func TestBodyLimit(t *testing.T) {
	ts := startServer(t, server.Config{MaxBodyBytes: 1000})
	r := ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lin", 1, 20))
	wantStatus(t, "large body", r, http.StatusRequestEntityTooLarge)
	if msg := r.errorMessage(t); !strings.Contains(msg, "limit of 1000 bytes") {
		t.Errorf("message %q does not name the limit", msg)
	}
}

func TestLockProtocol(t *testing.T) {
	ts := startServer(t, server.Config{})
	const lockPath = "/v1/states/team/prod/lock"
	holder := mustJSON(t, lockInfo("holder-1234"))

	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", lockPath, holder), http.StatusOK)
	wantStatus(t, "LOCK retried with the same ID", ts.tfSend(t, "LOCK", lockPath, holder), http.StatusOK)

	// Another LOCK: 423 with the holder's lock info as Terraform sent it.
	r := ts.tfSend(t, "LOCK", lockPath, mustJSON(t, lockInfo("other")))
	wantStatus(t, "LOCK of a held lock", r, http.StatusLocked)
	if !bytes.Equal(bytes.TrimSpace(r.body), holder) {
		t.Errorf("423 body = %s\nwant the holder's lock info %s", r.body, holder)
	}
	// POST works as LOCK for proxies that drop unknown methods.
	wantStatus(t, "POST lock", ts.tfSend(t, "POST", lockPath, mustJSON(t, lockInfo("other"))), http.StatusLocked)

	// Writes: only the holder's ?ID=.
	body := stateBody("lin", 1, 1)
	r = ts.tfSend(t, "POST", "/v1/states/team/prod?ID=other", body)
	wantStatus(t, "write with another lock ID", r, http.StatusConflict)
	var got statestore.LockInfo
	if err := json.Unmarshal(r.body, &got); err != nil || got.ID != "holder-1234" {
		t.Errorf("409 body = %s, want the holder's lock info", r.body)
	}
	wantStatus(t, "write without lock ID", ts.tfSend(t, "POST", "/v1/states/team/prod", body), http.StatusLocked)
	wantStatus(t, "write by the holder", ts.tfSend(t, "POST", "/v1/states/team/prod?ID=holder-1234", body), http.StatusOK)

	// DELETE while locked is refused with the holder.
	r = ts.tfSend(t, "DELETE", "/v1/states/team/prod", nil)
	wantStatus(t, "DELETE while locked", r, http.StatusLocked)
	if !bytes.Equal(bytes.TrimSpace(r.body), holder) {
		t.Errorf("DELETE 423 body = %s, want the holder", r.body)
	}

	// UNLOCK with another ID: 409 with the holder.
	r = ts.tfSend(t, "UNLOCK", lockPath, mustJSON(t, lockInfo("other")))
	wantStatus(t, "UNLOCK with another ID", r, http.StatusConflict)
	if !bytes.Equal(bytes.TrimSpace(r.body), holder) {
		t.Errorf("409 body = %s, want the holder", r.body)
	}
	// UNLOCK by the holder, with Terraform's byte-identical body.
	r = ts.tfSend(t, "UNLOCK", lockPath, holder)
	wantStatus(t, "UNLOCK", r, http.StatusOK)
	var res struct {
		Removed *struct {
			ID string `json:"id"`
		} `json:"removed"`
	}
	if err := json.Unmarshal(r.body, &res); err != nil || res.Removed == nil || res.Removed.ID != "holder-1234" {
		t.Errorf("UNLOCK answer = %s, want the removed lock", r.body)
	}
	// A retried UNLOCK finds nothing and still succeeds.
	wantStatus(t, "UNLOCK again", ts.tfSend(t, "UNLOCK", lockPath, holder), http.StatusOK)

	// Once locked, a write needs a lock.
	r = ts.tfSend(t, "POST", "/v1/states/team/prod", stateBody("lin", 2, 1))
	wantStatus(t, "unlocked write to an ever-locked state", r, http.StatusLocked)

	// DELETE works when unlocked, and keeps history.
	wantStatus(t, "DELETE", ts.tfSend(t, "DELETE", "/v1/states/team/prod", nil), http.StatusOK)
	wantStatus(t, "GET after DELETE", ts.do(t, "GET", "/v1/states/team/prod", nil, nil), http.StatusNoContent)
	r = ts.do(t, "GET", "/v1/states/team/prod/versions", nil, nil)
	wantStatus(t, "history after DELETE", r, http.StatusOK)
	if !strings.Contains(string(r.body), `"serial":1`) {
		t.Errorf("history lost after DELETE: %s", r.body)
	}
}

func TestLockBadBodies(t *testing.T) {
	ts := startServer(t, server.Config{})
	for _, tc := range []struct{ name, body, want string }{
		{"not JSON", `ID=x`, "must be a JSON object"},
		{"broken JSON", `{"ID": "x"`, "lock info"},
		{"no ID", `{"Operation": "OperationTypeApply"}`, "ID is missing"},
	} {
		r := ts.tfSend(t, "LOCK", "/v1/states/dev/lock", []byte(tc.body))
		wantStatus(t, tc.name, r, http.StatusBadRequest)
		if msg := r.errorMessage(t); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q does not contain %q", tc.name, msg, tc.want)
		}
	}
	// An empty LOCK body is not lock info either.
	wantStatus(t, "empty LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", []byte{}), http.StatusBadRequest)
}

func TestForceUnlockOverHTTP(t *testing.T) {
	ts := startServer(t, server.Config{})
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", mustJSON(t, lockInfo("stuck-lock"))), http.StatusOK)
	// terraform force-unlock: an empty body (with Content-MD5 of nothing).
	r := ts.tfSend(t, "UNLOCK", "/v1/states/dev/lock", []byte{})
	wantStatus(t, "force-unlock", r, http.StatusOK)
	if !strings.Contains(string(r.body), `"id":"stuck-lock"`) {
		t.Errorf("force-unlock answer = %s, want the removed lock", r.body)
	}
	lines := ts.logs.lines(t, "force-unlock removed a held lock")
	if len(lines) != 1 {
		t.Fatalf("%d force-unlock log lines, want 1:\n%s", len(lines), ts.logs)
	}
	l := lines[0]
	if l["level"] != "WARN" || l["lock_id"] != "stuck-lock" || l["who"] != "root@vm" || l["operation"] != "OperationTypeApply" || l["state"] != "dev" {
		t.Errorf("force-unlock log line = %v", l)
	}
	// DELETE with an empty body is the same.
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", mustJSON(t, lockInfo("again"))), http.StatusOK)
	wantStatus(t, "DELETE force-unlock", ts.tfSend(t, "DELETE", "/v1/states/dev/lock", nil), http.StatusOK)
	wantStatus(t, "GET lock after force-unlock", ts.do(t, "GET", "/v1/states/dev/lock", nil, nil), http.StatusNotFound)
}

func TestLineageAndSerialRefusalsOverHTTP(t *testing.T) {
	ts := startServer(t, server.Config{})
	wantStatus(t, "first write", ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lineage-a", 5, 2)), http.StatusOK)

	r := ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lineage-b", 6, 2))
	wantStatus(t, "other lineage", r, http.StatusConflict)
	want := `state dev: cannot import state with lineage "lineage-b" over unrelated state with lineage "lineage-a" (current: serial 5, lineage "lineage-a"; incoming: serial 6, lineage "lineage-b")`
	if msg := r.errorMessage(t); msg != want {
		t.Errorf("lineage refusal:\n got %s\nwant %s", msg, want)
	}

	r = ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lineage-a", 3, 2))
	wantStatus(t, "lower serial", r, http.StatusConflict)
	want = `state dev: cannot import state with serial 3 over newer state with serial 5 (current: serial 5, lineage "lineage-a"; incoming: serial 3, lineage "lineage-a")`
	if msg := r.errorMessage(t); msg != want {
		t.Errorf("serial refusal:\n got %s\nwant %s", msg, want)
	}

	r = ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lineage-a", 5, 3))
	wantStatus(t, "same serial, other content", r, http.StatusConflict)
	// The same body again is a harmless retry.
	wantStatus(t, "retried write", ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lineage-a", 5, 2)), http.StatusOK)
}

// TestNamesRefusedWithTheReason covers every way a name is refused: each
// answer is 400 and carries statestore.ValidateName's reason.
func TestNamesRefusedWithTheReason(t *testing.T) {
	ts := startServer(t, server.Config{})
	body := stateBody("lin", 1, 1)
	lock := mustJSON(t, lockInfo("x"))
	tests := []struct {
		method, path string
		body         []byte
		want         string
	}{
		// Reserved last segments, however they are reached.
		{"GET", "/v1/states/lock", nil, `the last segment "lock" is reserved`},
		{"GET", "/v1/states/versions", nil, `the last segment "versions" is reserved`},
		{"GET", "/v1/states/diff", nil, `the last segment "diff" is reserved`},
		{"GET", "/v1/states/rollback", nil, `the last segment "rollback" is reserved`},
		{"PUT", "/v1/states/prod/lock", body, `invalid state name "prod/lock": the last segment "lock" is reserved`},
		{"POST", "/v1/states/prod/versions", body, `invalid state name "prod/versions": the last segment "versions" is reserved`},
		{"POST", "/v1/states/prod/diff", body, `invalid state name "prod/diff": the last segment "diff" is reserved`},
		{"PUT", "/v1/states/prod/rollback", body, `invalid state name "prod/rollback": the last segment "rollback" is reserved`},
		{"GET", "/v1/states/prod/rollback", nil, `the last segment "rollback" is reserved`},
		{"PUT", "/v1/states/prod/versions/3", body, `a segment "versions" followed by one more is reserved`},
		{"GET", "/v1/states/versions/3", nil, `a segment "versions" followed by one more is reserved`},
		{"LOCK", "/v1/states/prod/lock/lock", lock, `invalid state name "prod/lock"`},
		{"LOCK", "/v1/states/prod/versions/lock", lock, `invalid state name "prod/versions"`},
		{"GET", "/v1/states/a/versions/3/versions", nil, `a segment "versions" followed by one more is reserved`},
		// A misconfigured address = ".../prod/lock": Terraform POSTs its state there.
		{"POST", "/v1/states/prod/lock", body, `invalid state name "prod/lock": the last segment "lock" is reserved`},
		// Bad characters and shapes.
		{"GET", "/v1/states/Prod", nil, `has an uppercase letter "P"; names are lowercase`},
		{"POST", "/v1/states/ml/Prod", body, `segment 2 "Prod" has an uppercase letter`},
		{"GET", "/v1/states/-dev", nil, `"-dev" must start with a lowercase letter or a digit`},
		{"GET", "/v1/states/.hidden", nil, `must start with a lowercase letter or a digit`},
		{"GET", "/v1/states/a%20b", nil, `has the character " "`},
		{"GET", "/v1/states/caf%C3%A9", nil, `has the character "é"`},
		{"GET", "/v1/states/a:b", nil, `has the character ":"`},
		{"POST", "/v1/states/a//b", body, `segment 2 is empty`},
		{"GET", "/v1/states/a/", nil, `segment 2 is empty`},
		{"GET", "/v1/states/", nil, `invalid state name "": empty`},
		{"GET", "/v1/states/a/./b", nil, `segment 2 "." must start with a lowercase letter or a digit`},
		{"GET", "/v1/states/a/../b", nil, `segment 2 ".." must start with a lowercase letter or a digit`},
		{"LOCK", "/v1/states/A/lock", lock, `has an uppercase letter`},
		{"GET", "/v1/states/" + strings.Repeat("a", 201), nil, `longer than 200 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := ts.tfSend(t, tt.method, tt.path, tt.body)
			wantStatus(t, tt.method+" "+tt.path, r, http.StatusBadRequest)
			if msg := r.errorMessage(t); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
		})
	}
	r := ts.do(t, "GET", "/v1/states", nil, nil)
	if !strings.Contains(string(r.body), `"items":[]`) {
		t.Errorf("refused requests created states: %s", r.body)
	}
}

func TestMethodsAndUnknownRoutes(t *testing.T) {
	ts := startServer(t, server.Config{})
	r := ts.tfSend(t, "LOCK", "/v1/states/dev", mustJSON(t, lockInfo("x")))
	wantStatus(t, "LOCK on the state address", r, http.StatusMethodNotAllowed)
	if msg := r.errorMessage(t); !strings.Contains(msg, "/v1/states/dev/lock") {
		t.Errorf("405 message %q does not point at the lock address", msg)
	}
	if got := r.header.Get("Allow"); got != "GET, HEAD, POST, PUT, DELETE" {
		t.Errorf("Allow = %q", got)
	}
	wantStatus(t, "PATCH", ts.do(t, "PATCH", "/v1/states/dev", []byte("{}"), nil), http.StatusMethodNotAllowed)
	wantStatus(t, "unknown path", ts.do(t, "GET", "/v2/whatever", nil, nil), http.StatusNotFound)
}
