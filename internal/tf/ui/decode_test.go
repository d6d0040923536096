package ui

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// decodeString decodes s to the end, returning messages (with Raw copied)
// and the first non-EOF error.
func decodeString(t *testing.T, r io.Reader) ([]Message, []error) {
	t.Helper()
	var msgs []Message
	var errs []error
	d := NewDecoder(r)
	for i := 0; i < 1000; i++ {
		m, err := d.Next()
		if errors.Is(err, io.EOF) {
			return msgs, errs
		}
		if err != nil {
			errs = append(errs, err)
			if !errors.Is(err, ErrLineTooLong) {
				return msgs, errs
			}
			continue
		}
		c := *m
		c.Raw = bytes.Clone(m.Raw)
		msgs = append(msgs, c)
	}
	t.Fatal("decoder did not reach the end")
	return nil, nil
}

const versionLine = `{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15.839406Z","terraform":"1.11.4","type":"version","ui":"1.2"}`

func TestDecodeTolerance(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Message // compared on Level, Text, Type and the listed payloads
	}{
		{"empty input", "", nil},
		{"only blank lines", "\n\n  \r\n\t\n", nil},
		{"version", versionLine + "\n", []Message{{Level: "info", Text: "Terraform 1.11.4", Type: TypeVersion, Terraform: "1.11.4", UI: "1.2"}}},
		{"blank lines between", "\n" + versionLine + "\n\n\n" + versionLine + "\n", []Message{
			{Level: "info", Text: "Terraform 1.11.4", Type: TypeVersion, Terraform: "1.11.4", UI: "1.2"},
			{Level: "info", Text: "Terraform 1.11.4", Type: TypeVersion, Terraform: "1.11.4", UI: "1.2"},
		}},
		{"CRLF", versionLine + "\r\n", []Message{{Level: "info", Text: "Terraform 1.11.4", Type: TypeVersion, Terraform: "1.11.4", UI: "1.2"}}},
		{"final line without newline", versionLine, []Message{{Level: "info", Text: "Terraform 1.11.4", Type: TypeVersion, Terraform: "1.11.4", UI: "1.2"}}},
		{"truncated final line", versionLine + "\n" + versionLine[:40], []Message{
			{Level: "info", Text: "Terraform 1.11.4", Type: TypeVersion, Terraform: "1.11.4", UI: "1.2"},
			{Level: LevelRaw, Text: versionLine[:40]},
		}},
		{"plain text", "Terraform has been successfully initialized!\n", []Message{{Level: LevelRaw, Text: "Terraform has been successfully initialized!"}}},
		{"panic output", "panic: runtime error\n\tgoroutine 1 [running]:\n", []Message{
			{Level: LevelRaw, Text: "panic: runtime error"},
			{Level: LevelRaw, Text: "goroutine 1 [running]:"},
		}},
		{"JSON that is not an object", "42\n[1,2]\n\"x\"\n", []Message{
			{Level: LevelRaw, Text: "42"}, {Level: LevelRaw, Text: "[1,2]"}, {Level: LevelRaw, Text: `"x"`},
		}},
		{"JSON object that is not a UI message", `{"format_version":"1.0","valid":true}` + "\n", []Message{
			{Level: LevelRaw, Text: `{"format_version":"1.0","valid":true}`},
		}},
		{"unknown type keeps the envelope only", `{"@level":"info","@message":"Action started","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","type":"action_start","hook":{"resource":{"addr":"x"}},"change":{"action":"create"}}` + "\n",
			[]Message{{Level: "info", Text: "Action started", Type: "action_start"}}},
		{"unknown type whose payload does not fit", `{"@level":"info","@message":"Action started","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","type":"action_start","hook":{"action":{"addr":"action.x"}}}` + "\n",
			[]Message{{Level: "info", Text: "Action started", Type: "action_start"}}},
		{"known type with a changed payload shape", `{"@level":"info","@message":"x: Plan to create","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","type":"planned_change","change":{"resource":"not-an-object","action":"create"}}` + "\n",
			[]Message{{Level: "info", Text: "x: Plan to create", Type: TypePlannedChange}}},
		{"bad timestamp", `{"@level":"info","@message":"hello","@module":"terraform.ui","@timestamp":"yesterday","type":"log"}` + "\n",
			[]Message{{Level: "info", Text: "hello", Type: TypeLog}}},
		{"unknown fields are ignored", `{"@level":"info","@message":"hello","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","type":"log","@new_field":{"a":[1,2]}}` + "\n",
			[]Message{{Level: "info", Text: "hello", Type: TypeLog}}},
		{"opentofu version", `{"@level":"info","@message":"OpenTofu 1.8.0","@module":"tofu.ui","@timestamp":"2026-11-25T18:05:15.839406+01:00","tofu":"1.8.0","type":"version","ui":"1.2"}` + "\n",
			[]Message{{Level: "info", Text: "OpenTofu 1.8.0", Type: TypeVersion, Tofu: "1.8.0", UI: "1.2"}}},
		{"invalid UTF-8 in a message", "{\"@level\":\"info\",\"@message\":\"bad \xff byte\",\"@module\":\"terraform.ui\",\"@timestamp\":\"2026-11-25T18:05:15Z\",\"type\":\"log\"}\n",
			[]Message{{Level: "info", Text: "bad \ufffd byte", Type: TypeLog}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := decodeString(t, strings.NewReader(tt.input))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d messages %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Level != w.Level || g.Text != w.Text || g.Type != w.Type || g.Terraform != w.Terraform || g.Tofu != w.Tofu || g.UI != w.UI {
					t.Errorf("message %d = %+v, want %+v", i, g, w)
				}
				if w.Type == "" || w.Type == "action_start" || w.Type == TypePlannedChange && w.Change == nil {
					if g.Change != nil || g.Hook != nil || g.Diagnostic != nil || g.Outputs != nil {
						t.Errorf("message %d kept a payload: %+v", i, g)
					}
				}
				if len(g.Raw) == 0 {
					t.Errorf("message %d has no Raw", i)
				}
			}
		})
	}
}

func TestDecodeKeepsEnvelopeTimestamps(t *testing.T) {
	got, _ := decodeString(t, strings.NewReader(versionLine+"\n"+`{"@level":"info","@message":"Initializing the backend...","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","message_code":"initializing_backend_message","type":"init_output"}`))
	want := []time.Time{
		time.Date(2026, 11, 25, 18, 5, 15, 839406000, time.UTC),
		time.Date(2026, 11, 25, 18, 5, 15, 0, time.UTC),
	}
	for i, m := range got {
		if !m.Timestamp.Equal(want[i]) {
			t.Errorf("timestamp %d = %v, want %v", i, m.Timestamp, want[i])
		}
	}
	if got[1].MessageCode != "initializing_backend_message" {
		t.Errorf("message_code = %q", got[1].MessageCode)
	}
}

// TestDecodeLongLines checks lines longer than the read buffer (a big
// diagnostic) are decoded, and the buffer kept afterwards stays small.
func TestDecodeLongLines(t *testing.T) {
	detail := strings.Repeat("very long detail ", 200_000) // ~3.4 MB
	line := `{"@level":"error","@message":"Error: big","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","diagnostic":{"severity":"error","summary":"big","detail":"` + detail + `"},"type":"diagnostic"}`
	input := versionLine + "\n" + line + "\n" + versionLine + "\n" + line // last one without newline
	for _, r := range []struct {
		name string
		r    io.Reader
	}{
		{"whole", strings.NewReader(input)},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader(input))},
		{"half reads", iotest.HalfReader(strings.NewReader(input))},
	} {
		t.Run(r.name, func(t *testing.T) {
			d := NewDecoder(r.r)
			var types []MessageType
			for {
				m, err := d.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				types = append(types, m.Type)
				if m.Type == TypeDiagnostic && m.Diagnostic.Detail != detail {
					t.Fatalf("detail has %d bytes, want %d", len(m.Diagnostic.Detail), len(detail))
				}
				if cap(d.long) > 0 && m.Type == TypeVersion && cap(d.long) > keepLongBuffer {
					t.Errorf("spill buffer of %d bytes kept after a long line", cap(d.long))
				}
			}
			if want := "version diagnostic version diagnostic"; strings.Join(typeNames(types), " ") != want {
				t.Errorf("types = %v, want %s", types, want)
			}
		})
	}
}

// repeatReader yields n copies of b without holding them in memory.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n))
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= int64(k)
	return k, nil
}

// TestDecodeLineTooLong feeds a line one byte over the limit: Next reports
// ErrLineTooLong without buffering the whole line, then carries on.
func TestDecodeLineTooLong(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MiB")
	}
	for _, tail := range []string{"\n" + versionLine + "\n", ""} {
		r := io.MultiReader(
			strings.NewReader(versionLine+"\n"),
			&repeatReader{b: 'x', n: MaxLineSize + 1},
			strings.NewReader(tail),
		)
		d := NewDecoder(r)
		var seq []string
		for {
			m, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			switch {
			case errors.Is(err, ErrLineTooLong):
				if !strings.Contains(err.Error(), "line 2") {
					t.Errorf("error %q does not name the line", err)
				}
				seq = append(seq, "too-long")
			case err != nil:
				t.Fatal(err)
			default:
				seq = append(seq, string(m.Type))
			}
			if cap(d.long) > MaxLineSize {
				t.Fatalf("spill buffer grew to %d bytes", cap(d.long))
			}
		}
		want := "version too-long version"
		if tail == "" {
			want = "version too-long"
		}
		if got := strings.Join(seq, " "); got != want {
			t.Errorf("sequence = %q, want %q", got, want)
		}
	}
}

// TestDecodeReadError delivers complete lines before a reader's error and
// then keeps returning the error.
func TestDecodeReadError(t *testing.T) {
	boom := errors.New("boom")
	d := NewDecoder(io.MultiReader(strings.NewReader(versionLine+"\n"), iotest.ErrReader(boom)))
	if m, err := d.Next(); err != nil || m.Type != TypeVersion {
		t.Fatalf("Next = %v, %v; want the version message", m, err)
	}
	for range 2 {
		if _, err := d.Next(); !errors.Is(err, boom) {
			t.Fatalf("Next error = %v, want boom", err)
		}
	}
}

// TestDecodeRawIsTheLine checks Raw is the trimmed line.
func TestDecodeRawIsTheLine(t *testing.T) {
	d := NewDecoder(strings.NewReader("  " + versionLine + "  \r\n"))
	m, err := d.Next()
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Raw) != versionLine {
		t.Errorf("Raw = %q", m.Raw)
	}
}

// TestDecodeUndecodedPayloads checks the payloads kept as raw JSON.
func TestDecodeUndecodedPayloads(t *testing.T) {
	input := `{"@level":"info","@message":"-verbose flag enabled, printing plan","@module":"terraform.ui","@testfile":"tests/a.tftest.hcl","@testrun":"ok","@timestamp":"2026-11-25T18:05:15Z","test_plan":{"plan_format_version":"1.2","resource_changes":[]},"type":"test_plan"}
{"@level":"error","@message":"Error: Error in function call","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","diagnostic":{"severity":"error","summary":"Error in function call","detail":"Call to function \"file\" failed.","snippet":{"context":null,"code":"x = file(\"nope\")","start_line":1,"highlight_start_offset":4,"highlight_end_offset":16,"values":[],"function_call":{"called_as":"file","signature":{"description":"reads a file","return_type":"string"}}}},"type":"diagnostic"}
{"@level":"error","@message":"Terraform left some resources in state","@module":"terraform.ui","@timestamp":"2026-11-25T18:05:15Z","test_cleanup":{"failed_resources":[{"instance":"terraform_data.a","deposed_key":"00000001"}]},"type":"test_cleanup"}
`
	got, errs := decodeString(t, strings.NewReader(input))
	if len(errs) > 0 || len(got) != 3 {
		t.Fatalf("got %d messages, errors %v", len(got), errs)
	}
	if string(got[0].TestPlan) != `{"plan_format_version":"1.2","resource_changes":[]}` || got[0].TestFile != "tests/a.tftest.hcl" {
		t.Errorf("test_plan = %s", got[0].TestPlan)
	}
	fc := got[1].Diagnostic.Snippet.FunctionCall
	if fc == nil || fc.CalledAs != "file" || string(fc.Signature) != `{"description":"reads a file","return_type":"string"}` {
		t.Errorf("function_call = %+v", fc)
	}
	if c := got[2].TestCleanup; c == nil || len(c.FailedResources) != 1 || c.FailedResources[0] != (TestFailedResource{Instance: "terraform_data.a", DeposedKey: "00000001"}) {
		t.Errorf("test_cleanup = %+v", c)
	}
}
