package ui

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// MaxLineSize is the longest line (newline included) Decoder accepts. Real lines are small (a
// few KiB; a diagnostic with a big snippet or an outputs message with large
// values can reach megabytes), so the cap only guards memory against a
// runaway or hostile stream.
const MaxLineSize = 64 << 20

// ErrLineTooLong is wrapped by the error Next returns for a line longer than
// MaxLineSize. The line is skipped and the Decoder stays usable, so a caller
// may report it and keep reading.
var ErrLineTooLong = errors.New("line too long")

// readBufferSize is the bufio buffer: lines shorter than this are decoded
// straight out of it without copying.
const readBufferSize = 64 << 10

// keepLongBuffer is the largest spill buffer kept between lines; a rare huge
// line must not pin its memory for the rest of the run.
const keepLongBuffer = 1 << 20

// unmarshalOptions favour speed and tolerance: Terraform never writes
// duplicate keys, and a stray invalid UTF-8 byte must not lose a message.
var unmarshalOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// Decoder reads Terraform's machine-readable UI one line at a time. Its memory
// use is bounded by the longest line, not by the length of the stream.
type Decoder struct {
	r    *bufio.Reader
	long []byte // spill buffer for lines longer than the bufio buffer
	line int    // number of the line last read, for errors
	err  error  // sticky read error (io.EOF at the end)
}

// NewDecoder returns a Decoder reading from r, typically a terraform
// process's stdout.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, readBufferSize)}
}

// Next returns the next message. It returns io.EOF after the last one; a
// final line without a newline is still returned. Blank lines are skipped;
// lines that are not UI messages come back as LevelRaw messages rather than
// errors. The only decoding error is one wrapping ErrLineTooLong, after which
// Next may be called again; any other error comes from the reader.
func (d *Decoder) Next() (*Message, error) {
	for {
		line, err := d.readLine()
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return decodeLine(line), nil
	}
}

// readLine returns the next line including its newline. The slice is valid
// until the next call.
func (d *Decoder) readLine() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	if cap(d.long) > keepLongBuffer {
		d.long = nil
	}
	d.long = d.long[:0]
	d.line++
	for {
		frag, err := d.r.ReadSlice('\n')
		switch {
		case err == nil && len(d.long) == 0:
			return frag, nil // common case: the whole line is in the buffer
		case err == nil || err == bufio.ErrBufferFull:
			if len(d.long)+len(frag) > MaxLineSize {
				return nil, d.skipLine(err == nil)
			}
			d.appendLong(frag)
			if err == nil {
				return d.long, nil
			}
		default:
			// End of input or a read error: hand back a truncated final
			// line first, and the error on the next call.
			d.err = err
			if len(d.long)+len(frag) > MaxLineSize {
				return nil, d.skipLine(true)
			}
			if len(d.long) > 0 {
				d.appendLong(frag)
				return d.long, nil
			}
			if len(frag) > 0 {
				return frag, nil
			}
			return nil, err
		}
	}
}

// appendLong adds frag to the spill buffer, growing it geometrically but
// never beyond MaxLineSize.
func (d *Decoder) appendLong(frag []byte) {
	if need := len(d.long) + len(frag); need > cap(d.long) {
		grown := make([]byte, len(d.long), min(max(2*cap(d.long), need), MaxLineSize))
		copy(grown, d.long)
		d.long = grown
	}
	d.long = append(d.long, frag...)
}

// skipLine discards the rest of an overlong line and returns the error that
// reports it.
func (d *Decoder) skipLine(atEnd bool) error {
	d.long = nil
	for !atEnd {
		_, err := d.r.ReadSlice('\n')
		switch {
		case err == nil:
			atEnd = true
		case err != bufio.ErrBufferFull:
			d.err = err
			atEnd = true
		}
	}
	return fmt.Errorf("ui stream line %d: %w (limit %d bytes); line skipped", d.line, ErrLineTooLong, MaxLineSize)
}

// envelope is the part of a message every type shares; it is decoded on its
// own when the full message does not fit the known payload shapes (a newer
// Terraform changed one), so the message is still delivered.
type envelope struct {
	Level     string         `json:"@level"`
	Text      string         `json:"@message"`
	Module    string         `json:"@module"`
	Timestamp jsontext.Value `json:"@timestamp"`
	Type      MessageType    `json:"type"`
	TestFile  string         `json:"@testfile"`
	TestRun   string         `json:"@testrun"`
}

// decodeLine turns one non-blank line into a Message; it never fails.
func decodeLine(line []byte) *Message {
	m := new(Message)
	if line[0] != '{' || json.Unmarshal(line, m, unmarshalOptions) != nil {
		*m = Message{}
		var env envelope
		if line[0] != '{' || json.Unmarshal(line, &env, unmarshalOptions) != nil {
			return rawMessage(line)
		}
		m.Level, m.Text, m.Module, m.Type = env.Level, env.Text, env.Module, env.Type
		m.TestFile, m.TestRun = env.TestFile, env.TestRun
		// A malformed timestamp is what most likely failed; keep it zero.
		_ = json.Unmarshal(env.Timestamp, &m.Timestamp)
	}
	if m.Type == "" && m.Module == "" && m.Level == "" {
		// Valid JSON, but not a UI message.
		return rawMessage(line)
	}
	if !m.Type.known() {
		m.clearPayload()
	}
	m.Raw = line
	return m
}

// rawMessage wraps a line that is not a UI message.
func rawMessage(line []byte) *Message {
	return &Message{Level: LevelRaw, Text: string(line), Raw: line}
}

// clearPayload drops payload fields that happened to match an unknown type's
// keys, so consumers never act on a shape they do not understand.
func (m *Message) clearPayload() {
	*m = Message{
		Level:     m.Level,
		Text:      m.Text,
		Module:    m.Module,
		Timestamp: m.Timestamp,
		Type:      m.Type,
		TestFile:  m.TestFile,
		TestRun:   m.TestRun,
	}
}

// known reports whether t is one of the types this package models.
func (t MessageType) known() bool {
	switch t {
	case TypeVersion, TypeLog, TypeDiagnostic,
		TypeResourceDrift, TypePlannedChange, TypeChangeSummary, TypeOutputs,
		TypeApplyStart, TypeApplyProgress, TypeApplyComplete, TypeApplyErrored,
		TypeProvisionStart, TypeProvisionProgress, TypeProvisionComplete, TypeProvisionErrored,
		TypeRefreshStart, TypeRefreshComplete,
		TypeEphemeralOpStart, TypeEphemeralOpProgress, TypeEphemeralOpComplete, TypeEphemeralOpErrored,
		TypeTestAbstract, TypeTestFile, TypeTestRun, TypeTestPlan, TypeTestState, TypeTestSummary,
		TypeTestCleanup, TypeTestInterrupt, TypeTestStatus, TypeTestRetry,
		TypeStateLockAcquire, TypeStateLockRelease, TypeInitOutput:
		return true
	}
	return false
}
