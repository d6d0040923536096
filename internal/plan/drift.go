package plan

import (
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/infractl/infractl/internal/tf/ui"
)

// DriftReport is the outcome of `terraform plan -refresh-only` in one
// environment: the objects that changed outside Terraform, for
// `infractl drift`.
type DriftReport struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Resources lists the drifted objects sorted by address.
	Resources []DriftedResource `json:"resources"`
	// Error explains StatusError or StatusSkipped.
	Error string `json:"error"`

	// Progress follows the run for the live progress line.
	Progress Progress `json:"-"`

	diags diagnostics
	index map[string]int // address -> position in Resources
}

// DriftedResource is one object whose real state no longer matches the
// state Terraform recorded.
type DriftedResource struct {
	Address string `json:"address"`
	// Action is ActionUpdate (changed), ActionDelete (gone) or ActionMove
	// (a pending moved block, not drift by itself).
	Action          Action `json:"action"`
	PreviousAddress string `json:"previous_address,omitempty"`
	// Attributes are the changed attribute paths, from AttachPlan. They
	// never carry values; a sensitive attribute is one path however deep
	// the change inside it.
	Attributes []string `json:"attributes"`
}

// Observe records one message of the refresh-only plan's UI stream.
func (r *DriftReport) Observe(m *ui.Message) {
	r.Progress.Observe(m)
	switch m.Type {
	case ui.TypeResourceDrift:
		if m.Change == nil {
			return
		}
		act, ok := fromUI(m.Change.Action)
		if !ok {
			return
		}
		d := r.resource(m.Change.Resource.Addr)
		d.Action = act
		if m.Change.PreviousResource != nil {
			d.PreviousAddress = m.Change.PreviousResource.Addr
		}
	case ui.TypeDiagnostic:
		r.diags.observe(m.Diagnostic)
	}
}

// AttachPlan adds what only the saved plan knows: the changed attribute
// paths of each drifted object. Call it with the `show -json` of the
// refresh-only plan, before Finish; entries the stream did not report are
// added too.
func (r *DriftReport) AttachPlan(p *tfjson.Plan) {
	if p == nil {
		return
	}
	for _, rc := range p.ResourceDrift {
		if rc == nil || rc.Change == nil {
			continue
		}
		act := driftAction(rc)
		if act == "" {
			continue
		}
		d := r.resource(rc.Address)
		if d.Action == "" {
			d.Action = act
		}
		if rc.PreviousAddress != "" && rc.PreviousAddress != rc.Address {
			d.PreviousAddress = rc.PreviousAddress
		}
		if act == ActionUpdate {
			d.Attributes = changedAttributes(rc.Change)
		}
	}
}

// driftAction names the drift of a plan JSON resource_drift entry, or ""
// for an entry that is not drift.
func driftAction(rc *tfjson.ResourceChange) Action {
	a := rc.Change.Actions
	switch {
	case a.Update():
		return ActionUpdate
	case a.Delete():
		return ActionDelete
	case rc.PreviousAddress != "" && rc.PreviousAddress != rc.Address:
		return ActionMove
	}
	return ""
}

// resource returns the entry for addr, adding it when new.
func (r *DriftReport) resource(addr string) *DriftedResource {
	if r.index == nil {
		r.index = make(map[string]int, len(r.Resources))
		for i, d := range r.Resources {
			r.index[d.Address] = i
		}
	}
	i, ok := r.index[addr]
	if !ok {
		i = len(r.Resources)
		r.index[addr] = i
		r.Resources = append(r.Resources, DriftedResource{Address: addr})
	}
	return &r.Resources[i]
}

// Finish closes the report with the run's error and settles its Status.
func (r *DriftReport) Finish(err error) {
	slices.SortFunc(r.Resources, func(a, b DriftedResource) int {
		return strings.Compare(a.Address, b.Address)
	})
	r.index = nil // positions changed; resource rebuilds it
	if r.Status == StatusSkipped {
		return
	}
	failed := err != nil || r.diags.failed()
	r.Progress.finish(failed)
	switch {
	case failed:
		r.Status = StatusError
		r.Error = r.diags.message(err)
	case r.Drifted() > 0:
		r.Status = StatusDrift
	default:
		r.Status = StatusNoDrift
	}
}

// Skip marks the environment as not run; reason becomes Error.
func (r *DriftReport) Skip(reason string) {
	r.Status = StatusSkipped
	r.Error = reason
}

// Drifted counts the resources that really drifted (updated or deleted
// outside Terraform), leaving out pending moves as Terraform's
// -detailed-exitcode does.
func (r *DriftReport) Drifted() int {
	n := 0
	for _, d := range r.Resources {
		if d.Action != ActionMove {
			n++
		}
	}
	return n
}

// count returns how many resources have action a.
func (r *DriftReport) count(a Action) int {
	n := 0
	for _, d := range r.Resources {
		if d.Action == a {
			n++
		}
	}
	return n
}

// MarshalJSON keeps resources and attributes arrays, never null.
func (r DriftReport) MarshalJSON() ([]byte, error) {
	type report DriftReport // drops this method
	c := report(r)
	c.Resources = make([]DriftedResource, len(r.Resources))
	for i, d := range r.Resources {
		if d.Attributes == nil {
			d.Attributes = []string{}
		}
		c.Resources[i] = d
	}
	return marshal(c)
}
