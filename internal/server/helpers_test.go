package server_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/server/client"
	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/storetest"
)

// logBuffer collects the server's JSON logs for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the decoded log lines whose msg is msg.
func (b *logBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// testServer is a server started in-process on 127.0.0.1:0 with a
// temporary data directory, closed at the end of the test.
type testServer struct {
	*server.Server
	dir    string
	logs   *logBuffer
	client *client.Client
}

func startServer(t *testing.T, cfg server.Config) *testServer {
	t.Helper()
	logs := &logBuffer{}
	cfg.Listen = "127.0.0.1:0"
	if cfg.DataDir == "" && cfg.Store == nil {
		cfg.DataDir = t.TempDir() + "/data"
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Close(ctx); err != nil {
			t.Errorf("closing server: %v", err)
		}
	})
	c, err := client.New(s.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: s, dir: cfg.DataDir, logs: logs, client: c}
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errorMessage decodes the api.Error message of the response.
func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON: %q", r.body)
	}
	return e.Error
}

// do sends one request; with md5 set, the body's Content-MD5 is added as
// Terraform does.
func (ts *testServer) do(t *testing.T, method, path string, body []byte, hdr map[string]string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// tfSend sends a request as Terraform's http backend does: a body gets
// Content-Type and Content-MD5.
func (ts *testServer) tfSend(t *testing.T, method, path string, body []byte) response {
	t.Helper()
	hdr := map[string]string{}
	if body != nil {
		sum := md5.Sum(body)
		hdr["Content-Type"] = "application/json"
		hdr["Content-MD5"] = base64.StdEncoding.EncodeToString(sum[:])
	}
	return ts.do(t, method, path, body, hdr)
}

// lockInfo is lock info as Terraform 1.11.4 sends it.
func lockInfo(id string) statestore.LockInfo {
	return statestore.LockInfo{
		ID:        id,
		Operation: "OperationTypeApply",
		Who:       "root@vm",
		Version:   "1.11.4",
		Created:   time.Date(2026, 11, 25, 16, 59, 7, 516287585, time.UTC),
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stateBody is a generated v4 state.
func stateBody(lineage string, serial uint64, resources int) []byte {
	return storetest.Spec{Lineage: lineage, Serial: serial, Resources: resources}.Body()
}

func wantStatus(t *testing.T, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, want, r.body)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func statDir(p string) (os.FileInfo, error) { return os.Stat(p) }
