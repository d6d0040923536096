package plan

import "github.com/infractl/infractl/internal/tf/ui"

// Action is what happens to one resource in a report. It is infractl's own
// vocabulary so that every report and renderer agrees on one set of names:
// the UI's "remove" is called ActionForget here, to match the forget count.
type Action string

// The actions a report can hold. ActionMove and ActionImport are primary
// actions only when nothing else happens to the object.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionDelete  Action = "delete"
	ActionReplace Action = "replace"
	ActionForget  Action = "forget"
	ActionRead    Action = "read"
	ActionMove    Action = "move"
	ActionImport  Action = "import"
)

// fromUI maps a UI change action to an Action; ok is false for actions no
// report lists (noop and the ephemeral open, renew and close).
func fromUI(a ui.ChangeAction) (act Action, ok bool) {
	switch a {
	case ui.ActionCreate:
		return ActionCreate, true
	case ui.ActionUpdate:
		return ActionUpdate, true
	case ui.ActionDelete:
		return ActionDelete, true
	case ui.ActionReplace:
		return ActionReplace, true
	case ui.ActionRemove:
		return ActionForget, true
	case ui.ActionRead:
		return ActionRead, true
	case ui.ActionMove:
		return ActionMove, true
	case ui.ActionImport:
		return ActionImport, true
	}
	return "", false
}

// Symbol returns the marker renderers print before an address, the one
// Terraform's human plan uses where it has one, so output reads familiar.
func (a Action) Symbol() string {
	switch a {
	case ActionCreate:
		return "+"
	case ActionUpdate:
		return "~"
	case ActionDelete:
		return "-"
	case ActionReplace:
		return "-/+"
	case ActionForget:
		return "."
	case ActionRead:
		return "<="
	case ActionMove:
		return "->"
	case ActionImport:
		return "<-"
	}
	return "?"
}

// color returns the ANSI color Terraform uses for the action's symbol.
func (a Action) color() string {
	switch a {
	case ActionCreate, ActionImport:
		return ansiGreen
	case ActionUpdate, ActionMove:
		return ansiYellow
	case ActionDelete, ActionReplace, ActionForget:
		return ansiRed
	case ActionRead:
		return ansiCyan
	}
	return ansiDefault
}
