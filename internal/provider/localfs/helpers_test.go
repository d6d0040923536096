package localfs_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/provider/localfs"
	"github.com/infractl/infractl/internal/testenv"
)

// estate is one terraform working directory driven by a test.
type estate struct {
	t   *testing.T
	p   testenv.ProviderSetup
	dir string
	env []string // extra variables for every terraform run
}

// newEstate writes main.tf (after the required_providers block) into a temp
// dir and runs terraform init there.
func newEstate(t *testing.T, mainTF string) *estate {
	t.Helper()
	p := testenv.Provider(t)
	e := &estate{t: t, p: p, dir: testenv.TempEstate(t, map[string]string{
		"main.tf": localfs.RequiredProviders + "\n" + mainTF,
	})}
	e.must("init", "-input=false")
	return e
}

// setConfig replaces main.tf's body, keeping the required_providers block.
func (e *estate) setConfig(mainTF string) {
	e.t.Helper()
	e.writeFile("main.tf", localfs.RequiredProviders+"\n"+mainTF)
}

// run runs terraform and returns stdout, stderr and the exit code.
func (e *estate) run(args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.p.Command(ctx, e.dir, append(args, "-no-color")...)
	cmd.Env = append(cmd.Env, "TF_IN_AUTOMATION=1")
	cmd.Env = append(cmd.Env, e.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		e.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), code
}

// must runs terraform and fails the test unless it exits 0.
func (e *estate) must(args ...string) string {
	e.t.Helper()
	out, errs, code := e.run(args...)
	if code != 0 {
		e.t.Fatalf("terraform %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// planExit runs `plan -detailed-exitcode` and returns 0 (no changes) or 2 (changes).
func (e *estate) planExit(args ...string) (int, string) {
	e.t.Helper()
	out, errs, code := e.run(append([]string{"plan", "-input=false", "-detailed-exitcode"}, args...)...)
	if code != 0 && code != 2 {
		e.t.Fatalf("terraform plan: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	return code, out
}

func (e *estate) path(rel string) string { return filepath.Join(e.dir, filepath.FromSlash(rel)) }

func (e *estate) writeFile(rel, content string) {
	e.t.Helper()
	if err := os.WriteFile(e.path(rel), []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *estate) readFile(rel string) string {
	e.t.Helper()
	b, err := os.ReadFile(e.path(rel))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// uiMessage is the part of a `-json` UI line these tests look at.
type uiMessage struct {
	Type    string `json:"type"`
	Message string `json:"@message"`
	Change  struct {
		Resource struct {
			Addr string `json:"addr"`
		} `json:"resource"`
		Action string `json:"action"`
	} `json:"change"`
	Diagnostic struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
	} `json:"diagnostic"`
}

func decodeUI(t *testing.T, stream string) []uiMessage {
	t.Helper()
	var msgs []uiMessage
	sc := bufio.NewScanner(strings.NewReader(stream))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var m uiMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("decoding UI line %q: %v", sc.Text(), err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// actions maps resource address to action for the UI messages of one type
// ("resource_drift" or "planned_change").
func actions(t *testing.T, stream, typ string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range decodeUI(t, stream) {
		if m.Type == typ {
			got[m.Change.Resource.Addr] = m.Change.Action
		}
	}
	return got
}

// errorSummaries lists the summaries of error diagnostics in a UI stream.
func errorSummaries(t *testing.T, stream string) []string {
	t.Helper()
	var got []string
	for _, m := range decodeUI(t, stream) {
		if m.Type == "diagnostic" && m.Diagnostic.Severity == "error" {
			got = append(got, m.Diagnostic.Summary)
		}
	}
	return got
}

func sameActions(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// stateResource is one resource in `terraform show -json` state output.
type stateResource struct {
	Address         string         `json:"address"`
	Values          map[string]any `json:"values"`
	SensitiveValues map[string]any `json:"sensitive_values"`
}

type stateJSON struct {
	t         *testing.T
	Resources []stateResource
}

// state returns the current state as `terraform show -json` reports it.
func (e *estate) state() stateJSON {
	e.t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(e.must("show", "-json")), &doc); err != nil {
		e.t.Fatal(err)
	}
	return stateJSON{t: e.t, Resources: doc.Values.RootModule.Resources}
}

func (s stateJSON) resource(addr string) stateResource {
	s.t.Helper()
	for _, r := range s.Resources {
		if r.Address == addr {
			return r
		}
	}
	s.t.Fatalf("no %s in state", addr)
	return stateResource{}
}

func (s stateJSON) attr(addr, name string) any {
	s.t.Helper()
	return s.resource(addr).Values[name]
}

// planChange is one resource_changes[].change of `terraform show -json <plan>`.
type planChange struct {
	Actions      []string       `json:"actions"`
	After        map[string]any `json:"after"`
	AfterUnknown map[string]any `json:"after_unknown"`
}

// planChange plans into a file and returns the change `show -json` reports for addr.
func (e *estate) planChange(addr string) planChange {
	e.t.Helper()
	e.must("plan", "-input=false", "-out=tfplan")
	var doc struct {
		ResourceChanges []struct {
			Address string     `json:"address"`
			Change  planChange `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(e.must("show", "-json", "tfplan")), &doc); err != nil {
		e.t.Fatal(err)
	}
	for _, rc := range doc.ResourceChanges {
		if rc.Address == addr {
			return rc.Change
		}
	}
	e.t.Fatalf("no change for %s in the plan", addr)
	return planChange{}
}

// readTimes maps each address to how long its read took, from a `-json`
// plan's refresh_start/refresh_complete messages (resources) and
// apply_start/apply_complete messages (data sources, which a plan reports as
// "read" applies).
func readTimes(t *testing.T, stream string) map[string]time.Duration {
	t.Helper()
	type hookMsg struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"@timestamp"`
		Hook      struct {
			Resource struct {
				Addr string `json:"addr"`
			} `json:"resource"`
		} `json:"hook"`
	}
	started := map[string]time.Time{}
	took := map[string]time.Duration{}
	sc := bufio.NewScanner(strings.NewReader(stream))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var m hookMsg
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("decoding UI line %q: %v", sc.Text(), err)
		}
		switch m.Type {
		case "refresh_start", "apply_start":
			started[m.Hook.Resource.Addr] = m.Timestamp
		case "refresh_complete", "apply_complete":
			if s, ok := started[m.Hook.Resource.Addr]; ok {
				took[m.Hook.Resource.Addr] = m.Timestamp.Sub(s)
			}
		}
	}
	return took
}
