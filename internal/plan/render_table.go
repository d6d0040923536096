package plan

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// TableOptions chooses how much a text table shows and whether it is
// colored; the CLI decides both from its flags, the terminal and NO_COLOR.
type TableOptions struct {
	// Detail lists each environment's resources, with action and reason,
	// below the table.
	Detail bool
	// Color paints statuses and action symbols with ANSI colors.
	Color bool
}

// errorWidth is how many runes of an error the ERROR column shows; the
// detail view and the JSON carry the whole text.
const errorWidth = 60

// WritePlanTable writes one row per environment (ENV STATUS ADD CHANGE
// DESTROY REPLACE IMPORT MOVE FORGET READ DRIFT ERROR), in the order given,
// for `infractl plan`.
func WritePlanTable(w io.Writer, envs []Summary, opts TableOptions) error {
	t := newTextTable(opts.Color)
	t.header("ENV", "STATUS", "ADD", "CHANGE", "DESTROY", "REPLACE", "IMPORT",
		"MOVE", "FORGET", "READ", "DRIFT", "ERROR")
	for i := range envs {
		s := &envs[i]
		t.envRow(s.Name, s.Status, s.Error,
			s.Add, s.Change, s.Destroy, s.Replace, s.Import, s.Move, s.Forget, s.Read, s.Drift)
	}
	if opts.Detail {
		for i := range envs {
			s := &envs[i]
			t.section(s.Name, planPhrase(s), s.Status, s.Error)
			for _, rc := range s.Resources {
				t.item(rc.Action, rc.Address, string(rc.Action), changeNotes(rc))
			}
			for _, o := range s.OutputChanges {
				t.item(Action(o.Action), "output."+o.Name, o.Action, "")
			}
		}
	}
	return t.flush(w)
}

// WriteDriftTable writes one row per environment (ENV STATUS UPDATE DELETE
// MOVE ERROR), in the order given, for `infractl drift`; the detail view
// adds the changed attribute paths of each resource.
func WriteDriftTable(w io.Writer, envs []DriftReport, opts TableOptions) error {
	t := newTextTable(opts.Color)
	t.header("ENV", "STATUS", "UPDATE", "DELETE", "MOVE", "ERROR")
	for i := range envs {
		r := &envs[i]
		t.envRow(r.Name, r.Status, r.Error,
			r.count(ActionUpdate), r.count(ActionDelete), r.count(ActionMove))
	}
	if opts.Detail {
		for i := range envs {
			r := &envs[i]
			t.section(r.Name, driftPhrase(r), r.Status, r.Error)
			for _, d := range r.Resources {
				t.item(d.Action, d.Address, string(d.Action), driftNotes(d))
			}
		}
	}
	return t.flush(w)
}

// WriteApplyTable writes one row per environment (ENV STATUS ADDED CHANGED
// DESTROYED IMPORTED ERRORED ERROR), in the order given, for
// `infractl apply`. Below the rows, every environment that failed gets a
// section with its full error and the operations that completed before the
// error and those that errored, since that is what an operator must know
// even without Detail; Detail adds the same section for every environment.
func WriteApplyTable(w io.Writer, envs []ApplyReport, opts TableOptions) error {
	t := newTextTable(opts.Color)
	t.header("ENV", "STATUS", "ADDED", "CHANGED", "DESTROYED", "IMPORTED", "ERRORED", "ERROR")
	for i := range envs {
		r := &envs[i]
		t.envRow(r.Name, r.Status, r.Error,
			r.Added, r.Changed, r.Destroyed, r.Imported, len(r.Errored))
	}
	for i := range envs {
		r := &envs[i]
		if opts.Detail || r.Status.Failed() {
			t.section(r.Name, applyPhrase(r), r.Status, r.Error)
			for _, h := range r.Completed {
				t.item(h.Action, h.Address, string(h.Action), hookNotes(h))
			}
			for _, h := range r.Errored {
				t.item(h.Action, h.Address, string(h.Action)+" errored", formatSeconds(h.ElapsedSeconds))
			}
		}
	}
	return t.flush(w)
}

// textTable aligns rows with a tabwriter into a buffer, then trims the
// padding tabwriter leaves at the end of lines.
type textTable struct {
	p   painter
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newTextTable(color bool) *textTable {
	t := &textTable{p: painter(color)}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	return t
}

func (t *textTable) line(cells ...string) {
	// Errors go into the buffer and surface, if ever, from Flush.
	_, _ = io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

// header writes the column names; STATUS is painted like the cells below it
// so the column keeps its alignment when colored.
func (t *textTable) header(cells ...string) {
	cells[1] = t.p.paint(ansiDefault, cells[1])
	t.line(cells...)
}

// envRow writes an environment's row; a skipped or refused environment did
// not run, so its counts are "-".
func (t *textTable) envRow(name string, st Status, errText string, nums ...int) {
	cells := []string{name, t.p.paint(st.color(), string(st))}
	for _, n := range nums {
		if st == StatusSkipped || st == StatusRefused {
			cells = append(cells, "-")
		} else {
			cells = append(cells, strconv.Itoa(n))
		}
	}
	cells = append(cells, oneLine(cell(errText, errorWidth)))
	t.line(cells...)
}

// section starts an environment's detail block: a blank line, "env:
// phrase", and for a failed environment its full error, indented.
func (t *textTable) section(name, phrase string, st Status, errText string) {
	t.line()
	t.line(oneLine(name) + ": " + t.p.paint(st.color(), phrase))
	if st.Failed() && errText != "" {
		for _, l := range strings.Split(strings.TrimRight(errText, "\n"), "\n") {
			t.line("    " + oneLine(l))
		}
	}
}

// item writes one resource line of a detail block: symbol, address, action
// and notes.
func (t *textTable) item(a Action, addr, action, notes string) {
	sym := a.Symbol()
	sym += strings.Repeat(" ", 3-len(sym))
	t.line("  "+t.p.paint(a.color(), sym)+" "+oneLine(addr), oneLine(action), oneLine(notes))
}

func (t *textTable) flush(w io.Writer) error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	var out bytes.Buffer
	for _, l := range strings.SplitAfter(t.buf.String(), "\n") {
		if line, ok := strings.CutSuffix(l, "\n"); ok {
			out.WriteString(strings.TrimRight(line, " "))
			out.WriteByte('\n')
		} else {
			out.WriteString(l)
		}
	}
	_, err := w.Write(out.Bytes())
	return err
}

// oneLine keeps free text from breaking the table: tabs would start new
// cells and escape sequences could repaint the terminal.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}
