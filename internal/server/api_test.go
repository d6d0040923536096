package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
	"github.com/infractl/infractl/internal/store/storetest"
)

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return v
}

// writeVersions locks name, writes serials 1..n of one lineage (resource
// count = serial) and unlocks.
func (ts *testServer) writeVersions(t *testing.T, name, lineage string, n int) {
	t.Helper()
	lock := mustJSON(t, lockInfo("writer"))
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/"+name+"/lock", lock), http.StatusOK)
	for i := 1; i <= n; i++ {
		wantStatus(t, "POST", ts.tfSend(t, "POST", "/v1/states/"+name+"?ID=writer", stateBody(lineage, uint64(i), i)), http.StatusOK)
	}
	wantStatus(t, "UNLOCK", ts.tfSend(t, "UNLOCK", "/v1/states/"+name+"/lock", lock), http.StatusOK)
}

func TestListStatesAndLocks(t *testing.T) {
	ts := startServer(t, server.Config{})
	ts.writeVersions(t, "a/dev", "lin-a", 2)
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/b/prod/lock", mustJSON(t, lockInfo("held-1"))), http.StatusOK)

	r := ts.do(t, "GET", "/v1/states", nil, nil)
	wantStatus(t, "GET /v1/states", r, http.StatusOK)
	raw := decode[map[string]json.RawMessage](t, r)
	if _, ok := raw["next"]; ok {
		t.Errorf("a complete list has a next: %s", r.body)
	}
	states := decode[api.List[api.State]](t, r)
	if len(states.Items) != 2 {
		t.Fatalf("states: %s", r.body)
	}
	a, b := states.Items[0], states.Items[1]
	if a.Name != "a/dev" || a.Serial != 2 || a.Lineage != "lin-a" || a.Resources != 2 || a.Size == 0 || a.UpdatedAt == nil || a.Locked || a.Lock != nil {
		t.Errorf("a/dev: %+v", a)
	}
	if b.Name != "b/prod" || !b.Locked || b.Lock == nil || b.Lock.ID != "held-1" || b.Lock.Who != "root@vm" || b.UpdatedAt != nil {
		t.Errorf("b/prod: %+v", b)
	}
	// snake_case, and lock is null rather than absent when unlocked.
	if !strings.Contains(string(r.body), `"updated_at":`) || !strings.Contains(string(r.body), `"lock":null`) {
		t.Errorf("state list JSON: %s", r.body)
	}

	r = ts.do(t, "GET", "/v1/locks", nil, nil)
	wantStatus(t, "GET /v1/locks", r, http.StatusOK)
	locks := decode[api.List[api.Lock]](t, r)
	if len(locks.Items) != 1 {
		t.Fatalf("locks: %s", r.body)
	}
	l := locks.Items[0]
	want := lockInfo("held-1")
	if l.Name != "b/prod" || l.ID != "held-1" || l.Operation != want.Operation || l.Who != want.Who || l.Version != want.Version ||
		!l.Created.Equal(want.Created) || !strings.HasPrefix(l.RemoteAddr, "127.0.0.1:") || l.AcquiredAt.IsZero() || l.AgeSeconds < 0 {
		t.Errorf("lock: %+v", l)
	}
	for _, key := range []string{"name", "id", "operation", "who", "version", "created", "path", "info", "remote_addr", "acquired_at", "age_seconds"} {
		if !strings.Contains(string(r.body), `"`+key+`":`) {
			t.Errorf("lock JSON lacks %q: %s", key, r.body)
		}
	}
	r = ts.do(t, "GET", "/v1/states/b/prod/lock", nil, nil)
	wantStatus(t, "GET one lock", r, http.StatusOK)
	if got := decode[api.Lock](t, r); got.ID != "held-1" {
		t.Errorf("GET lock: %s", r.body)
	}
	wantStatus(t, "GET lock of an unlocked state", ts.do(t, "GET", "/v1/states/a/dev/lock", nil, nil), http.StatusNotFound)
	wantStatus(t, "GET lock of an unknown state", ts.do(t, "GET", "/v1/states/nobody/lock", nil, nil), http.StatusNotFound)
}

func TestVersionsPagedNewestFirst(t *testing.T) {
	ts := startServer(t, server.Config{})
	ts.writeVersions(t, "dev", "lin", 5)

	var serials []uint64
	before := ""
	pages := 0
	for {
		path := "/v1/states/dev/versions?limit=2"
		if before != "" {
			path += "&before=" + before
		}
		r := ts.do(t, "GET", path, nil, nil)
		wantStatus(t, "versions page", r, http.StatusOK)
		page := decode[api.List[api.Version]](t, r)
		pages++
		for _, v := range page.Items {
			serials = append(serials, v.Serial)
			if v.Current != (v.Serial == 5) {
				t.Errorf("version %d current = %v", v.Serial, v.Current)
			}
			if v.LockID != "writer" || v.Who != "root@vm" || len(v.SHA256) != 64 || len(v.MD5) != 32 || v.Size == 0 || v.StoredSize == 0 || v.CreatedAt.IsZero() {
				t.Errorf("version %+v", v)
			}
		}
		if page.Next == "" {
			break
		}
		before = page.Next
	}
	if fmt.Sprint(serials) != "[5 4 3 2 1]" || pages != 3 {
		t.Errorf("serials %v in %d pages, want [5 4 3 2 1] in 3", serials, pages)
	}
	wantStatus(t, "bad cursor", ts.do(t, "GET", "/v1/states/dev/versions?before=x", nil, nil), http.StatusBadRequest)
	wantStatus(t, "bad limit", ts.do(t, "GET", "/v1/states/dev/versions?limit=0", nil, nil), http.StatusBadRequest)
	wantStatus(t, "unknown state", ts.do(t, "GET", "/v1/states/nobody/versions", nil, nil), http.StatusNotFound)

	// One version: body (with Content-MD5) or metadata.
	r := ts.do(t, "GET", "/v1/states/dev/versions/3", nil, nil)
	wantStatus(t, "version body", r, http.StatusOK)
	if string(r.body) != string(stateBody("lin", 3, 3)) || r.header.Get("Content-MD5") == "" {
		t.Errorf("version 3 body differs from what was written")
	}
	r = ts.do(t, "GET", "/v1/states/dev/versions/3?meta=1", nil, nil)
	wantStatus(t, "version meta", r, http.StatusOK)
	if v := decode[api.Version](t, r); v.Serial != 3 || v.Resources != 3 || v.Current {
		t.Errorf("version 3 meta: %s", r.body)
	}
	wantStatus(t, "missing version", ts.do(t, "GET", "/v1/states/dev/versions/99", nil, nil), http.StatusNotFound)
	wantStatus(t, "bad serial", ts.do(t, "GET", "/v1/states/dev/versions/-1", nil, nil), http.StatusBadRequest)
}

func TestDiffIsRedacted(t *testing.T) {
	ts := startServer(t, server.Config{})
	lock := mustJSON(t, lockInfo("w"))
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", lock), http.StatusOK)
	for i, spec := range []storetest.Spec{
		{Lineage: "lin", Serial: 1, Resources: 2, Secret: "hunter2-old"},
		{Lineage: "lin", Serial: 2, Resources: 3, Salt: "x", Secret: "hunter2-new"},
	} {
		wantStatus(t, fmt.Sprint("write ", i), ts.tfSend(t, "POST", "/v1/states/dev?ID=w", spec.Body()), http.StatusOK)
	}
	r := ts.do(t, "GET", "/v1/states/dev/diff?from=1&to=2", nil, nil)
	wantStatus(t, "diff", r, http.StatusOK)
	var d struct {
		Added   []struct{ Address string } `json:"added"`
		Changed []struct{ Address string } `json:"changed"`
	}
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 1 || d.Added[0].Address != "terraform_data.r2" || len(d.Changed) != 2 {
		t.Errorf("diff: %s", r.body)
	}
	if strings.Contains(string(r.body), "hunter2") {
		t.Errorf("the diff shows a sensitive value: %s", r.body)
	}
	wantStatus(t, "diff without to", ts.do(t, "GET", "/v1/states/dev/diff?from=1", nil, nil), http.StatusBadRequest)
	wantStatus(t, "diff of a missing serial", ts.do(t, "GET", "/v1/states/dev/diff?from=1&to=7", nil, nil), http.StatusNotFound)
	if strings.Contains(ts.logs.String(), "hunter2") {
		t.Errorf("the logs show a state's secret")
	}
}

func TestRollbackAPI(t *testing.T) {
	ts := startServer(t, server.Config{})
	ts.writeVersions(t, "dev", "lin", 3)

	r := ts.tfSend(t, "POST", "/v1/states/dev/rollback", []byte(`{"serial": 1, "who": "alice"}`))
	wantStatus(t, "rollback", r, http.StatusOK)
	v := decode[api.Version](t, r)
	if v.Serial != 4 || v.Lineage != "lin" || v.RolledBackFrom == nil || *v.RolledBackFrom != 1 || v.Who != "alice" || v.Resources != 1 || !v.Current {
		t.Errorf("rollback version: %s", r.body)
	}

	// Locked: 423 with the holder in the API's error envelope.
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", mustJSON(t, lockInfo("busy"))), http.StatusOK)
	r = ts.tfSend(t, "POST", "/v1/states/dev/rollback", []byte(`{"serial": 2}`))
	wantStatus(t, "rollback while locked", r, http.StatusLocked)
	e := decode[api.Error](t, r)
	if e.Lock == nil || e.Lock.ID != "busy" || !strings.Contains(e.Message, "ID=busy") || e.RequestID == "" {
		t.Errorf("423 body: %s", r.body)
	}
	wantStatus(t, "UNLOCK", ts.tfSend(t, "UNLOCK", "/v1/states/dev/lock", mustJSON(t, lockInfo("busy"))), http.StatusOK)

	// Another lineage (after a delete and a new generation): 409.
	wantStatus(t, "DELETE", ts.tfSend(t, "DELETE", "/v1/states/dev", nil), http.StatusOK)
	ts.writeVersions(t, "dev", "lin-2", 2) // serials 1, 2 again, lineage lin-2
	r = ts.tfSend(t, "POST", "/v1/states/dev/rollback", []byte(`{"serial": 4}`))
	wantStatus(t, "rollback across lineages", r, http.StatusConflict)
	if msg := r.errorMessage(t); !strings.Contains(msg, `cannot roll back to serial 4: it has lineage "lin"`) {
		t.Errorf("409 message: %q", msg)
	}

	for body, want := range map[string]string{
		`{}`:                    "serial is missing",
		`{"serial": "x"}`:       "rollback body",
		`{"serial": 1, "x": 1}`: "unknown field",
	} {
		r := ts.tfSend(t, "POST", "/v1/states/dev/rollback", []byte(body))
		wantStatus(t, "rollback "+body, r, http.StatusBadRequest)
		if msg := r.errorMessage(t); !strings.Contains(msg, want) {
			t.Errorf("rollback %s: message %q does not contain %q", body, msg, want)
		}
	}
	wantStatus(t, "rollback to a missing serial", ts.tfSend(t, "POST", "/v1/states/dev/rollback", []byte(`{"serial": 42}`)), http.StatusNotFound)
}

func TestHealthz(t *testing.T) {
	store, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, server.Config{Store: store})
	r := ts.do(t, "GET", "/healthz", nil, nil)
	wantStatus(t, "healthz", r, http.StatusOK)
	if string(r.body) != `{"status":"ok"}`+"\n" {
		t.Errorf("healthz body %q", r.body)
	}
	// A store that cannot answer: 503, and Terraform's writes get 503 too
	// (its client retries those).
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	r = ts.do(t, "GET", "/healthz", nil, nil)
	wantStatus(t, "healthz with the store closed", r, http.StatusServiceUnavailable)
	if got := decode[api.Health](t, r); got.Status != "unavailable" {
		t.Errorf("healthz body %s", r.body)
	}
	r = ts.tfSend(t, "POST", "/v1/states/dev", stateBody("lin", 1, 1))
	wantStatus(t, "write with the store closed", r, http.StatusServiceUnavailable)
	if r.header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
}

func TestMetrics(t *testing.T) {
	ts := startServer(t, server.Config{})
	ts.writeVersions(t, "dev", "lin", 2)
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", mustJSON(t, lockInfo("x"))), http.StatusOK)
	wantStatus(t, "LOCK held", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", mustJSON(t, lockInfo("y"))), http.StatusLocked)
	wantStatus(t, "force-unlock", ts.tfSend(t, "UNLOCK", "/v1/states/dev/lock", []byte{}), http.StatusOK)
	wantStatus(t, "LOCK other", ts.tfSend(t, "LOCK", "/v1/states/other/lock", mustJSON(t, lockInfo("z"))), http.StatusOK)
	ts.do(t, "GET", "/v1/states/a/b/c/d", nil, nil)

	r := ts.do(t, "GET", "/metrics", nil, nil)
	wantStatus(t, "metrics", r, http.StatusOK)
	text := string(r.body)
	for _, want := range []string{
		`infractl_http_requests_total{code="200",route="LOCK /v1/states/{name}/lock"} 3`,
		`infractl_http_requests_total{code="423",route="LOCK /v1/states/{name}/lock"} 1`,
		`infractl_http_requests_total{code="200",route="POST /v1/states/{name}"} 2`,
		`infractl_http_requests_total{code="204",route="GET /v1/states/{name}"} 1`,
		`infractl_http_request_duration_seconds_bucket{route="POST /v1/states/{name}",le="+Inf"} 2`,
		`infractl_state_versions_written_total 2`,
		`infractl_state_force_unlocks_total 1`,
		`infractl_state_locks_held 1`,
		`infractl_state_bytes_written_total `,
		`infractl_state_bytes_stored_total `,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "a/b/c/d") {
		t.Errorf("a raw path became a label")
	}
	var written float64
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "infractl_state_bytes_written_total "); ok {
			written, _ = strconv.ParseFloat(v, 64)
		}
	}
	if want := len(stateBody("lin", 1, 1)) + len(stateBody("lin", 2, 2)); written != float64(want) {
		t.Errorf("bytes written = %v, want %d", written, want)
	}
}

func TestAccessLogHasConstantKeysAndNoBodies(t *testing.T) {
	ts := startServer(t, server.Config{})
	info := lockInfo("log-lock")
	info.Info = "private-info-text"
	wantStatus(t, "LOCK", ts.tfSend(t, "LOCK", "/v1/states/dev/lock", mustJSON(t, info)), http.StatusOK)
	body := storetest.Spec{Lineage: "lin", Serial: 1, Resources: 1, Secret: "s3cr3t-value"}.Body()
	wantStatus(t, "POST", ts.tfSend(t, "POST", "/v1/states/dev?ID=log-lock", body), http.StatusOK)
	r := ts.do(t, "GET", "/v1/states/dev", nil, map[string]string{"X-Request-Id": "from-proxy-1"})
	if r.header.Get("X-Request-Id") != "from-proxy-1" {
		t.Errorf("X-Request-Id = %q, want the caller's", r.header.Get("X-Request-Id"))
	}
	logs := ts.logs.String()
	for _, secret := range []string{"s3cr3t-value", "private-info-text", "terraform_data"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q:\n%s", secret, logs)
		}
	}
	var write map[string]any
	for _, l := range ts.logs.lines(t, "request") {
		if l["route"] == "POST /v1/states/{name}" {
			write = l
		}
	}
	if write == nil {
		t.Fatalf("no access log line for the write:\n%s", logs)
	}
	for _, key := range []string{"request_id", "method", "route", "state", "status", "duration_ms", "remote_addr", "lock_id", "serial"} {
		if _, ok := write[key]; !ok {
			t.Errorf("access log line lacks %q: %v", key, write)
		}
	}
	if write["component"] != "http" || write["state"] != "dev" || write["lock_id"] != "log-lock" || write["status"] != float64(200) {
		t.Errorf("access log line: %v", write)
	}
}

func TestMiddlewareSeesTheRoute(t *testing.T) {
	var mu sync.Mutex
	var seen []server.Route
	deny := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rt := server.RouteOf(r)
			mu.Lock()
			seen = append(seen, rt)
			mu.Unlock()
			if rt.Access == server.AccessWrite && rt.State == "protected" {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	ts := startServer(t, server.Config{Middleware: []server.Middleware{deny}})
	wantStatus(t, "write to protected", ts.tfSend(t, "POST", "/v1/states/protected", stateBody("l", 1, 1)), http.StatusForbidden)
	wantStatus(t, "write elsewhere", ts.tfSend(t, "POST", "/v1/states/open", stateBody("l", 1, 1)), http.StatusOK)
	wantStatus(t, "lock", ts.tfSend(t, "LOCK", "/v1/states/protected/lock", mustJSON(t, lockInfo("m"))), http.StatusOK)
	wantStatus(t, "health", ts.do(t, "GET", "/healthz", nil, nil), http.StatusOK)
	mu.Lock()
	defer mu.Unlock()
	want := []server.Route{
		{Pattern: "POST /v1/states/{name}", Access: server.AccessWrite, Protocol: true, State: "protected"},
		{Pattern: "POST /v1/states/{name}", Access: server.AccessWrite, Protocol: true, State: "open"},
		{Pattern: "LOCK /v1/states/{name}/lock", Access: server.AccessLock, Protocol: true, State: "protected"},
		{Pattern: "GET /healthz", Access: server.AccessPublic},
	}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("middleware saw %+v\nwant %+v", seen, want)
	}
}

// TestCloseFinishesAnInFlightWrite starts a write, closes the server while
// its body is still arriving, and checks that the write completes, is
// acknowledged and is in the store afterwards.
func TestCloseFinishesAnInFlightWrite(t *testing.T) {
	dir := t.TempDir()
	s, err := server.New(server.Config{Listen: "127.0.0.1:0", DataDir: dir, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	body := stateBody("lin", 7, 50)
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	half := len(body) / 2
	fmt.Fprintf(conn, "POST /v1/states/inflight HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	if _, err := conn.Write(body[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the request is being read

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		closed <- s.Close(ctx)
	}()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a write was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := conn.Write(body[half:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("in-flight write answered %d", resp.StatusCode)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		t.Errorf("the server still accepts connections after Close")
	}

	store, err := sqlite.Open(context.Background(), dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	meta, err := store.Current(context.Background(), "inflight")
	if err != nil || meta.Serial != 7 {
		t.Fatalf("after Close the write is missing: %+v, %v", meta, err)
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := server.New(server.Config{Listen: "no-port"}); err == nil {
		t.Errorf("New accepted a listen address without a port")
	}
	ts := startServer(t, server.Config{})
	s, err := server.New(server.Config{Listen: ts.Addr(), DataDir: t.TempDir(), Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "listening on") {
		t.Errorf("Start on a used port: %v", err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("Close after a failed Start: %v", err)
	}
}

func TestDefaultDataDirIsPrivate(t *testing.T) {
	t.Chdir(t.TempDir())
	s, err := server.New(server.Config{Listen: "127.0.0.1:0", Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	fi, err := statDir(server.DefaultDataDir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir %s: %v, mode %v", server.DefaultDataDir, err, fi)
	}
	if s.Service() == nil || !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("Service %v, URL %q", s.Service(), s.URL())
	}
}

// failingStore is a real store whose listing fails with an internal error.
type failingStore struct {
	statestore.Store
}

func (failingStore) States(context.Context) ([]statestore.StateRecord, error) {
	return nil, fmt.Errorf("reading /srv/secret/path/state.db: disk I/O error")
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	store, err := sqlite.Open(context.Background(), t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	boom := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if server.RouteOf(r).Pattern == "GET /v1/locks" {
				panic("boom in a middleware")
			}
			next.ServeHTTP(w, r)
		})
	}
	ts := startServer(t, server.Config{Store: failingStore{store}, Middleware: []server.Middleware{boom}})
	for _, path := range []string{"/v1/states", "/v1/locks"} {
		r := ts.do(t, "GET", path, nil, nil)
		wantStatus(t, path, r, http.StatusInternalServerError)
		e := decode[api.Error](t, r)
		if e.Message != "internal server error (request ID "+e.RequestID+")" || e.RequestID != r.header.Get("X-Request-Id") {
			t.Errorf("%s: 500 body %s", path, r.body)
		}
		var logged map[string]any
		for _, l := range ts.logs.lines(t, "request") {
			if l["request_id"] == e.RequestID {
				logged = l
			}
		}
		if logged == nil || logged["level"] != "ERROR" || logged["status"] != float64(500) {
			t.Errorf("%s: access log line %v", path, logged)
		}
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "disk I/O error") || !strings.Contains(logs, "boom in a middleware") {
		t.Errorf("the causes are not logged:\n%s", logs)
	}
}
