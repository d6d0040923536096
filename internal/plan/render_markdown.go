package plan

import (
	"bytes"
	"html"
	"io"
	"strconv"
	"strings"
)

// WritePlanMarkdown writes a pull-request comment for `infractl plan`: a
// table of environments and counts, then each environment's resources
// folded in a <details> block; errors and skip reasons are shown open, in a
// fenced block.
func WritePlanMarkdown(w io.Writer, envs []Summary) error {
	var m mdWriter
	m.tableHeader("Environment", "Status", "Add", "Change", "Destroy", "Replace",
		"Import", "Move", "Forget", "Read", "Drift")
	for i := range envs {
		s := &envs[i]
		m.envRow(s.Name, s.Status,
			s.Add, s.Change, s.Destroy, s.Replace, s.Import, s.Move, s.Forget, s.Read, s.Drift)
	}
	for i := range envs {
		s := &envs[i]
		if len(s.Resources) == 0 && len(s.OutputChanges) == 0 && !s.Status.Failed() {
			continue
		}
		m.open(s.Name, planPhrase(s), s.Status, s.Error)
		if len(s.Resources)+len(s.OutputChanges) > 0 {
			m.tableHeader("", "Address", "Action", "Notes")
			for _, rc := range s.Resources {
				m.item(rc.Action, rc.Address, string(rc.Action), mdChangeNotes(rc))
			}
			for _, o := range s.OutputChanges {
				m.item(Action(o.Action), "output."+o.Name, o.Action, "")
			}
		}
		m.close()
	}
	return m.flush(w)
}

// WriteDriftMarkdown writes a pull-request or issue comment for
// `infractl drift`: a table of environments, then each environment's
// drifted resources and their changed attribute paths.
func WriteDriftMarkdown(w io.Writer, envs []DriftReport) error {
	var m mdWriter
	m.tableHeader("Environment", "Status", "Update", "Delete", "Move")
	for i := range envs {
		r := &envs[i]
		m.envRow(r.Name, r.Status, r.count(ActionUpdate), r.count(ActionDelete), r.count(ActionMove))
	}
	for i := range envs {
		r := &envs[i]
		if len(r.Resources) == 0 && !r.Status.Failed() {
			continue
		}
		m.open(r.Name, driftPhrase(r), r.Status, r.Error)
		if len(r.Resources) > 0 {
			m.tableHeader("", "Address", "Action", "Attributes")
			for _, d := range r.Resources {
				notes := make([]string, len(d.Attributes))
				for j, a := range d.Attributes {
					notes[j] = mdCode(a)
				}
				if d.PreviousAddress != "" {
					notes = append(notes, "moved from "+mdCode(d.PreviousAddress))
				}
				m.item(d.Action, d.Address, string(d.Action), strings.Join(notes, ", "))
			}
		}
		m.close()
	}
	return m.flush(w)
}

// WriteApplyMarkdown writes a pull-request comment for `infractl apply`: a
// table of environments, then each environment's completed and errored
// operations in the order they happened.
func WriteApplyMarkdown(w io.Writer, envs []ApplyReport) error {
	var m mdWriter
	m.tableHeader("Environment", "Status", "Added", "Changed", "Destroyed", "Imported", "Errored")
	for i := range envs {
		r := &envs[i]
		m.envRow(r.Name, r.Status, r.Added, r.Changed, r.Destroyed, r.Imported, len(r.Errored))
	}
	for i := range envs {
		r := &envs[i]
		if len(r.Completed) == 0 && len(r.Errored) == 0 && !r.Status.Failed() {
			continue
		}
		m.open(r.Name, applyPhrase(r), r.Status, r.Error)
		if len(r.Completed)+len(r.Errored) > 0 {
			m.tableHeader("", "Address", "Action", "Notes")
			for _, h := range r.Completed {
				m.item(h.Action, h.Address, string(h.Action), mdHookNotes(h))
			}
			for _, h := range r.Errored {
				m.item(h.Action, h.Address, string(h.Action)+" errored", mdText(formatSeconds(h.ElapsedSeconds)))
			}
		}
		m.close()
	}
	return m.flush(w)
}

// mdWriter builds GitHub-flavored markdown.
type mdWriter struct {
	buf bytes.Buffer
}

func (m *mdWriter) tableHeader(cols ...string) {
	m.row(cols...)
	seps := make([]string, len(cols))
	for i := range cols {
		switch {
		case i == 0 && cols[0] == "":
			seps[i] = ":-:"
		case i < 2 || cols[0] == "":
			seps[i] = "---"
		default:
			seps[i] = "--:"
		}
	}
	m.row(seps...)
}

func (m *mdWriter) row(cells ...string) {
	m.buf.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// envRow writes an environment's row; a skipped or refused environment did
// not run, so its counts are "-".
func (m *mdWriter) envRow(name string, st Status, nums ...int) {
	cells := []string{mdText(name), st.emoji() + " " + string(st)}
	for _, n := range nums {
		if st == StatusSkipped || st == StatusRefused {
			cells = append(cells, "-")
		} else {
			cells = append(cells, strconv.Itoa(n))
		}
	}
	m.row(cells...)
}

// open starts an environment's <details> block, open when it failed so
// the error is seen without a click, and shows the error in a fence.
func (m *mdWriter) open(name, phrase string, st Status, errText string) {
	m.buf.WriteString("\n<details")
	if st.Failed() {
		m.buf.WriteString(" open")
	}
	m.buf.WriteString("><summary>" + html.EscapeString(name+": "+phrase) + "</summary>\n\n")
	if st.Failed() && errText != "" {
		fence := mdFence(errText)
		m.buf.WriteString(fence + "text\n" + strings.TrimRight(errText, "\n") + "\n" + fence + "\n\n")
	}
}

// item writes one resource row: symbol, address, action and notes (notes
// already markdown).
func (m *mdWriter) item(a Action, addr, action, notes string) {
	m.row(mdCode(a.Symbol()), mdCode(addr), mdText(action), notes)
}

func (m *mdWriter) close() {
	m.buf.WriteString("\n</details>\n")
}

func (m *mdWriter) flush(w io.Writer) error {
	_, err := w.Write(m.buf.Bytes())
	return err
}

// mdChangeNotes is changeNotes with addresses and IDs as code spans.
func mdChangeNotes(rc ResourceChange) string {
	var notes []string
	if rc.Reason != "" {
		notes = append(notes, mdText(string(rc.Reason)))
	}
	if rc.PreviousAddress != "" {
		notes = append(notes, "moved from "+mdCode(rc.PreviousAddress))
	}
	if rc.ImportID != "" {
		notes = append(notes, "import id "+mdCode(rc.ImportID))
	}
	return strings.Join(notes, ", ")
}

// mdHookNotes is hookNotes with the object's ID as a code span.
func mdHookNotes(h HookResult) string {
	s := formatSeconds(h.ElapsedSeconds)
	if h.IDKey != "" {
		s += ", " + mdCode(h.IDKey+"="+h.IDValue)
	}
	return s
}

// mdEscaper escapes what would break a table cell: a pipe ends the cell,
// angle brackets and ampersands would be read as HTML.
var mdEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`)

// mdText escapes plain text for a table cell, on one line.
func mdText(s string) string {
	return mdEscaper.Replace(oneLine(s))
}

// mdCode renders s as a code span that is safe in a table cell: pipes are
// escaped (GitHub unescapes them inside code spans in tables) and the span
// uses more backticks than s contains.
func mdCode(s string) string {
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return ticks + " " + s + " " + ticks
	}
	return ticks + s + ticks
}

// mdFence returns a code fence longer than any backtick run in s.
func mdFence(s string) string {
	return strings.Repeat("`", max(3, longestRun(s, '`')+1))
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
