package plan

import (
	"github.com/infractl/infractl/internal/tf/ui"
)

// Hand-built UI messages, shaped like the real lines quoted in
// docs/terraform-protocols.md section 5.

type changeOpt func(*ui.Change)

func reason(r ui.ChangeReason) changeOpt { return func(c *ui.Change) { c.Reason = r } }

func movedFrom(addr string) changeOpt {
	return func(c *ui.Change) { c.PreviousResource = &ui.ResourceAddr{Addr: addr} }
}

func importing(id string) changeOpt {
	return func(c *ui.Change) { c.Importing = &ui.Importing{ID: id} }
}

func change(typ ui.MessageType, addr string, action ui.ChangeAction, opts ...changeOpt) *ui.Message {
	c := &ui.Change{Resource: ui.ResourceAddr{Addr: addr}, Action: action}
	for _, o := range opts {
		o(c)
	}
	return &ui.Message{Type: typ, Change: c}
}

func planned(addr string, action ui.ChangeAction, opts ...changeOpt) *ui.Message {
	return change(ui.TypePlannedChange, addr, action, opts...)
}

func drifted(addr string, action ui.ChangeAction, opts ...changeOpt) *ui.Message {
	return change(ui.TypeResourceDrift, addr, action, opts...)
}

func summaryMsg(op string, add, chg, imp, rem int) *ui.Message {
	return &ui.Message{Type: ui.TypeChangeSummary, Changes: &ui.ChangeSummary{
		Add: add, Change: chg, Import: imp, Remove: rem, Operation: op,
	}}
}

func outputs(actions map[string]string) *ui.Message {
	m := &ui.Message{Type: ui.TypeOutputs, Outputs: map[string]ui.Output{}}
	for name, a := range actions {
		m.Outputs[name] = ui.Output{Action: a}
	}
	return m
}

func diag(severity, summary, detail string) *ui.Message {
	return &ui.Message{Type: ui.TypeDiagnostic, Diagnostic: &ui.Diagnostic{
		Severity: severity, Summary: summary, Detail: detail,
	}}
}

func diagAt(summary, detail, addr, file string, line int) *ui.Message {
	m := diag("error", summary, detail)
	m.Diagnostic.Address = addr
	m.Diagnostic.Range = &ui.Range{Filename: file, Start: ui.Pos{Line: line, Column: 1}}
	return m
}

func hook(typ ui.MessageType, addr string, action ui.ChangeAction, elapsed float64, id string) *ui.Message {
	h := &ui.Hook{Resource: ui.ResourceAddr{Addr: addr}, Action: action, ElapsedSeconds: elapsed}
	if id != "" {
		h.IDKey, h.IDValue = "id", id
	}
	return &ui.Message{Type: typ, Hook: h}
}

func msg(typ ui.MessageType) *ui.Message { return &ui.Message{Type: typ} }
