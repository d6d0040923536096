package plan

import "github.com/infractl/infractl/internal/tf/ui"

// ApplyReport is the outcome of `terraform apply -json <planfile>` in one
// environment, for `infractl apply`. When the apply fails it still says what
// was done before the error, since that is what the operator must know.
type ApplyReport struct {
	Name   string `json:"name"`
	Status Status `json:"status"`

	// The counts come from Terraform's apply change_summary, or from the
	// apply_complete hooks when a failed apply sent none. After a
	// successful apply that counted no imports, Imported is the import
	// count of the plan given to Expect.
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Destroyed int `json:"destroyed"`
	Imported  int `json:"imported"`

	// Completed lists the apply_complete hooks in order, data source reads
	// left out; a replace appears twice (delete and create).
	Completed []HookResult `json:"completed"`
	// Errored lists the apply_errored hooks in order.
	Errored []HookResult `json:"errored"`
	// Error explains StatusError, StatusSkipped or StatusRefused.
	Error string `json:"error"`

	// Progress follows the run for the live progress line.
	Progress Progress `json:"-"`

	diags     diagnostics
	summary   bool                // an apply/destroy change_summary arrived
	changed   bool                // a planned_change other than a read arrived
	importing map[string]struct{} // addresses of planned imports
	expected  bool                // Expect was given a plan with changes
	planned   int                 // the Import count of that plan
}

// HookResult is one resource operation of an apply as Terraform reported it.
type HookResult struct {
	Address string `json:"address"`
	// Action is ActionCreate, ActionUpdate or ActionDelete; a replace is two
	// results, never ActionReplace.
	Action         Action  `json:"action"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	// IDKey and IDValue identify the object, e.g. "id" and "i-0abc", when
	// Terraform printed them.
	IDKey   string `json:"id_key,omitempty"`
	IDValue string `json:"id_value,omitempty"`
}

// Expect tells the report what the applied saved plan held, since `apply
// -json PLANFILE` says nothing about moves, imports and forgets: when
// s.HasChanges(), a successful apply is StatusApplied even if the stream
// showed no change, and if Terraform counted no imports, Imported is
// s.Import. A failed apply is unaffected. Call it before Finish; a nil or
// change-free s changes nothing.
func (r *ApplyReport) Expect(s *Summary) {
	if s == nil || !s.HasChanges() {
		return
	}
	r.expected = true
	r.planned = s.Import
}

// Observe records one message of the apply's UI stream.
func (r *ApplyReport) Observe(m *ui.Message) {
	r.Progress.Observe(m)
	switch m.Type {
	case ui.TypePlannedChange:
		c := m.Change
		if c == nil || c.Action == ui.ActionNoop || c.Action == ui.ActionRead {
			return
		}
		r.changed = true
		if c.Importing != nil {
			if r.importing == nil {
				r.importing = make(map[string]struct{})
			}
			r.importing[c.Resource.Addr] = struct{}{}
		}
	case ui.TypeApplyComplete:
		if h, ok := hookResult(m.Hook); ok {
			r.Completed = append(r.Completed, h)
		}
	case ui.TypeApplyErrored:
		if h, ok := hookResult(m.Hook); ok {
			r.Errored = append(r.Errored, h)
		}
	case ui.TypeChangeSummary:
		cs := m.Changes
		if cs == nil || cs.Operation == "plan" {
			return
		}
		r.summary = true
		r.Added, r.Changed, r.Destroyed, r.Imported = cs.Add, cs.Change, cs.Remove, cs.Import
	case ui.TypeDiagnostic:
		r.diags.observe(m.Diagnostic)
	}
}

// hookResult copies a hook, leaving out data source reads.
func hookResult(h *ui.Hook) (HookResult, bool) {
	if h == nil || h.Action == ui.ActionRead {
		return HookResult{}, false
	}
	return HookResult{
		Address:        h.Resource.Addr,
		Action:         Action(h.Action),
		ElapsedSeconds: h.ElapsedSeconds,
		IDKey:          h.IDKey,
		IDValue:        h.IDValue,
	}, true
}

// Finish closes the report with the run's error and settles its Status.
func (r *ApplyReport) Finish(err error) {
	if r.Status == StatusSkipped || r.Status == StatusRefused {
		return
	}
	if !r.summary {
		r.countHooks()
	}
	failed := err != nil || r.diags.failed()
	r.Progress.finish(failed)
	switch {
	case failed:
		r.Status = StatusError
		r.Error = r.diags.message(err)
	case r.expected:
		// The whole plan was carried out, its imports included.
		if r.Imported == 0 {
			r.Imported = r.planned
		}
		r.Status = StatusApplied
	case r.changed || len(r.Completed) > 0 ||
		r.Added+r.Changed+r.Destroyed+r.Imported > 0:
		r.Status = StatusApplied
	default:
		r.Status = StatusNoChanges
	}
}

// countHooks derives the counts from the completed hooks, for an apply that
// ended without a change_summary.
func (r *ApplyReport) countHooks() {
	r.Added, r.Changed, r.Destroyed, r.Imported = 0, 0, 0, 0
	imported := make(map[string]struct{})
	for _, h := range r.Completed {
		switch h.Action {
		case ActionCreate:
			r.Added++
		case ActionUpdate:
			r.Changed++
		case ActionDelete:
			r.Destroyed++
		}
		if _, ok := r.importing[h.Address]; ok {
			imported[h.Address] = struct{}{}
		}
	}
	r.Imported = len(imported)
}

// Skip marks the environment as not run because a dependency failed.
func (r *ApplyReport) Skip(reason string) {
	r.Status = StatusSkipped
	r.Error = reason
}

// Refuse marks an apply infractl declined to run (a protected environment
// without confirmation, a stale plan); reason becomes Error.
func (r *ApplyReport) Refuse(reason string) {
	r.Status = StatusRefused
	r.Error = reason
}

// MarshalJSON keeps completed and errored arrays, never null.
func (r ApplyReport) MarshalJSON() ([]byte, error) {
	type report ApplyReport // drops this method
	c := report(r)
	if c.Completed == nil {
		c.Completed = []HookResult{}
	}
	if c.Errored == nil {
		c.Errored = []HookResult{}
	}
	return marshal(c)
}
