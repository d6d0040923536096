package plan

import (
	"strconv"

	"github.com/infractl/infractl/internal/tf/ui"
)

// Phase is the stage a terraform run is in, shown on the CLI's live
// progress line.
type Phase string

// Phases in the order a run goes through them; a plan skips applying, an
// apply of a saved plan skips refreshing and planning.
const (
	PhaseStarting   Phase = "starting"
	PhaseRefreshing Phase = "refreshing"
	PhasePlanning   Phase = "planning"
	PhaseApplying   Phase = "applying"
	PhaseDone       Phase = "done"
	PhaseFailed     Phase = "failed"
)

// Progress is a small per-environment value for the CLI's live progress
// line. Observe costs a switch and an increment, so it can run on every
// message. It is not synchronized: the goroutine feeding messages owns it,
// and a printer on another goroutine should read a copy taken under the
// caller's lock.
type Progress struct {
	// Phase is the current stage; the zero value means PhaseStarting.
	Phase Phase
	// Refreshed counts refresh_complete messages.
	Refreshed int
	// Planned counts planned_change messages.
	Planned int
	// Steps is the number of apply hooks the planned changes will produce:
	// one per create, update, delete and read, two per replace.
	Steps int
	// Done counts the apply_complete and apply_errored hooks seen while
	// applying; Errored counts the latter alone.
	Done, Errored int
	// Current is the address of the resource that last started applying.
	Current string
}

// Observe advances the progress with one message.
func (p *Progress) Observe(m *ui.Message) {
	switch m.Type {
	case ui.TypeRefreshStart, ui.TypeRefreshComplete:
		if p.before(PhaseRefreshing) {
			p.Phase = PhaseRefreshing
		}
		if m.Type == ui.TypeRefreshComplete {
			p.Refreshed++
		}
	case ui.TypeResourceDrift:
		if p.before(PhasePlanning) {
			p.Phase = PhasePlanning
		}
	case ui.TypePlannedChange:
		if p.before(PhasePlanning) {
			p.Phase = PhasePlanning
		}
		p.Planned++
		if m.Change != nil {
			switch m.Change.Action {
			case ui.ActionCreate, ui.ActionUpdate, ui.ActionDelete, ui.ActionRead:
				p.Steps++
			case ui.ActionReplace:
				p.Steps += 2
			}
		}
	case ui.TypeChangeSummary:
		if m.Changes != nil && m.Changes.Operation != "plan" {
			p.Phase = PhaseDone
		} else if p.before(PhasePlanning) {
			p.Phase = PhasePlanning
		}
	case ui.TypeApplyStart:
		// Data sources read while planning also emit apply hooks; they come
		// before any planned_change, so they do not start the apply.
		if p.Planned > 0 && p.before(PhaseApplying) {
			p.Phase = PhaseApplying
		} else if p.before(PhaseRefreshing) {
			p.Phase = PhaseRefreshing
		}
		if p.Phase == PhaseApplying && m.Hook != nil {
			p.Current = m.Hook.Resource.Addr
		}
	case ui.TypeApplyComplete, ui.TypeApplyErrored:
		if p.Phase != PhaseApplying {
			return
		}
		p.Done++
		if m.Type == ui.TypeApplyErrored {
			p.Errored++
		}
	}
}

// finish records the end of the run.
func (p *Progress) finish(failed bool) {
	if failed {
		p.Phase = PhaseFailed
		return
	}
	p.Phase = PhaseDone
}

// before reports whether the progress has not reached phase yet.
func (p *Progress) before(phase Phase) bool {
	return phaseRank(p.Phase) < phaseRank(phase)
}

func phaseRank(p Phase) int {
	switch p {
	case PhaseRefreshing:
		return 1
	case PhasePlanning:
		return 2
	case PhaseApplying:
		return 3
	case PhaseDone, PhaseFailed:
		return 4
	}
	return 0
}

// String renders the progress for a status line, e.g. "refreshing 12",
// "planning 40", "applying 3/10".
func (p Progress) String() string {
	switch p.Phase {
	case "", PhaseStarting:
		return string(PhaseStarting)
	case PhaseRefreshing:
		return "refreshing " + strconv.Itoa(p.Refreshed)
	case PhasePlanning:
		return "planning " + strconv.Itoa(p.Planned)
	case PhaseApplying:
		return "applying " + strconv.Itoa(p.Done) + "/" + strconv.Itoa(p.Steps)
	}
	return string(p.Phase)
}
