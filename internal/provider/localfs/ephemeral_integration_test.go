package localfs_test

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// ephemeralOps lists "addr type:action" for every ephemeral_op_* line of a
// `-json` UI stream, in order.
func ephemeralOps(t *testing.T, stream string) []string {
	t.Helper()
	var ops []string
	sc := bufio.NewScanner(strings.NewReader(stream))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var m struct {
			Type string `json:"type"`
			Hook struct {
				Resource struct {
					Addr string `json:"addr"`
				} `json:"resource"`
				Action string `json:"action"`
			} `json:"hook"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("decoding UI line %q: %v", sc.Text(), err)
		}
		if typ, ok := strings.CutPrefix(m.Type, "ephemeral_op_"); ok {
			ops = append(ops, m.Hook.Resource.Addr+" "+typ+":"+m.Hook.Action)
		}
	}
	return ops
}

// TestSecretEphemeral drives localfs_secret through real terraform: the value
// reaches a provisioner, never the state, and the UI shows open, renew and
// close.
func TestSecretEphemeral(t *testing.T) {
	t.Parallel()
	e := newEstate(t, `
# renewed 2s after opening: only the apply, whose provisioner sleeps 4s,
# lasts that long
ephemeral "localfs_secret" "s" {
  path        = "secret.txt"
  renew_after = "2s"
}

resource "localfs_file" "f" {
  path    = "f.txt"
  content = "plain\n"
  provisioner "local-exec" {
    command = "sleep 4; printf '%s' \"$S\" > seen.txt"
    environment = {
      S = ephemeral.localfs_secret.s.content
    }
  }
}
`)
	e.writeFile("secret.txt", "hunter2")

	plan := e.must("plan", "-input=false", "-json", "-out=tfplan")
	const s = "ephemeral.localfs_secret.s"
	if got, want := ephemeralOps(t, plan), []string{
		s + " start:open", s + " complete:open", s + " start:close", s + " complete:close",
	}; !slices.Equal(got, want) {
		t.Errorf("plan ephemeral ops = %q, want %q", got, want)
	}
	if got := actions(t, plan, "planned_change"); !sameActions(got, map[string]string{"localfs_file.f": "create"}) {
		t.Errorf("planned changes = %v, want only localfs_file.f create", got)
	}

	apply := e.must("apply", "-input=false", "-json", "tfplan")
	if got, want := ephemeralOps(t, apply), []string{
		s + " start:open", s + " complete:open", s + " start:renew", s + " complete:renew", s + " start:close", s + " complete:close",
	}; !slices.Equal(got, want) {
		t.Errorf("apply ephemeral ops = %q, want %q", got, want)
	}
	if got := e.readFile("seen.txt"); got != "hunter2" {
		t.Errorf("the provisioner saw %q, want the secret", got)
	}
	for _, f := range []string{"terraform.tfstate", "tfplan"} {
		b, err := os.ReadFile(e.path(f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "hunter2") {
			t.Errorf("%s holds the ephemeral value", f)
		}
	}

	// A missing file fails the plan at open.
	if err := os.Remove(e.path("secret.txt")); err != nil {
		t.Fatal(err)
	}
	out, _, code := e.run("plan", "-input=false", "-json")
	if code != 1 || !slices.Equal(errorSummaries(t, out), []string{"Cannot read secret"}) {
		t.Errorf("plan with secret.txt gone: exit %d, errors %q; want 1, [Cannot read secret]", code, errorSummaries(t, out))
	}
}

func TestSecretInvalidRenewAfter(t *testing.T) {
	t.Parallel()
	e := newEstate(t, `
ephemeral "localfs_secret" "s" {
  path        = "secret.txt"
  renew_after = "soon"
}
`)
	out, _, code := e.run("validate", "-json")
	if code != 1 || !strings.Contains(out, "Invalid renew_after") {
		t.Errorf("validate: exit %d, output %s; want 1 with Invalid renew_after", code, out)
	}
}
