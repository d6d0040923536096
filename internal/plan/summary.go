package plan

import (
	"slices"
	"strings"

	"github.com/infractl/infractl/internal/tf/ui"
)

// Summary is the outcome of `terraform plan -json` in one environment: what
// `infractl plan` prints per row and in its JSON output. Its JSON encoding
// is a stable public contract; see the package documentation for how each
// count is made.
type Summary struct {
	Name   string `json:"name"`
	Status Status `json:"status"`

	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Replace int `json:"replace"`
	Import  int `json:"import"`
	Move    int `json:"move"`
	Forget  int `json:"forget"`
	Read    int `json:"read"`
	Drift   int `json:"drift"`

	// TerraformSummary is Terraform's own plan change_summary, unchanged,
	// or nil when the run did not get that far.
	TerraformSummary *ui.ChangeSummary `json:"terraform_summary"`
	// Resources lists every counted change, sorted by address, for --detail.
	Resources []ResourceChange `json:"resources"`
	// Error explains StatusError (the first error diagnostic) or
	// StatusSkipped (the reason given to Skip).
	Error string `json:"error"`

	// OutputChanges lists the root outputs the plan changes, sorted by name,
	// as the JSON key "outputs" (always an array). They make a plan
	// applyable, so they must survive the JSON the CLI saves beside a plan
	// file and reads back before applying it.
	OutputChanges []OutputChange `json:"outputs"`
	// Progress follows the run for the live progress line.
	Progress Progress `json:"-"`

	diags diagnostics
}

// ResourceChange is one resource instance a plan changes, listed so a
// reviewer can see what and why without reading the full plan.
type ResourceChange struct {
	Address string `json:"address"`
	Action  Action `json:"action"`
	// Reason is Terraform's reason for the action, e.g. "cannot_update".
	Reason          ui.ChangeReason `json:"reason"`
	PreviousAddress string          `json:"previous_address,omitempty"`
	ImportID        string          `json:"import_id,omitempty"`
}

// OutputChange is a root module output a plan changes; an output-only plan
// still has changes to apply.
type OutputChange struct {
	Name string `json:"name"`
	// Action is Terraform's output action: "create", "update" or "delete".
	Action string `json:"action"`
}

// Observe counts one message of the plan's UI stream.
func (s *Summary) Observe(m *ui.Message) {
	s.Progress.Observe(m)
	switch m.Type {
	case ui.TypePlannedChange:
		if m.Change != nil {
			s.observeChange(m.Change)
		}
	case ui.TypeResourceDrift:
		s.Drift++
	case ui.TypeChangeSummary:
		if m.Changes != nil && m.Changes.Operation == "plan" {
			cs := *m.Changes
			s.TerraformSummary = &cs
		}
	case ui.TypeOutputs:
		s.observeOutputs(m.Outputs)
	case ui.TypeDiagnostic:
		s.diags.observe(m.Diagnostic)
	}
}

func (s *Summary) observeChange(c *ui.Change) {
	act, ok := fromUI(c.Action)
	if !ok {
		return
	}
	switch act {
	case ActionCreate:
		s.Add++
	case ActionUpdate:
		s.Change++
	case ActionDelete:
		s.Destroy++
	case ActionReplace:
		s.Replace++
	case ActionForget:
		s.Forget++
	case ActionRead:
		s.Read++
	}
	rc := ResourceChange{Address: c.Resource.Addr, Action: act, Reason: c.Reason}
	if c.Importing != nil {
		s.Import++
		rc.ImportID = c.Importing.ID
	}
	if c.PreviousResource != nil {
		s.Move++
		rc.PreviousAddress = c.PreviousResource.Addr
	}
	s.Resources = append(s.Resources, rc)
}

func (s *Summary) observeOutputs(outputs map[string]ui.Output) {
	start := len(s.OutputChanges)
	for name, o := range outputs {
		if o.Action == "" || o.Action == string(ui.ActionNoop) {
			continue
		}
		s.OutputChanges = append(s.OutputChanges, OutputChange{Name: name, Action: o.Action})
	}
	added := s.OutputChanges[start:]
	slices.SortFunc(added, func(a, b OutputChange) int { return strings.Compare(a.Name, b.Name) })
}

// Finish closes the summary with the run's error (nil on success, including
// a -detailed-exitcode 2) and settles its Status.
func (s *Summary) Finish(err error) {
	slices.SortFunc(s.Resources, func(a, b ResourceChange) int {
		if c := strings.Compare(a.Address, b.Address); c != 0 {
			return c
		}
		return strings.Compare(string(a.Action), string(b.Action))
	})
	if s.Status == StatusSkipped {
		return
	}
	failed := err != nil || s.diags.failed()
	s.Progress.finish(failed)
	switch {
	case failed:
		s.Status = StatusError
		s.Error = s.diags.message(err)
	case s.HasChanges():
		s.Status = StatusChanges
	default:
		s.Status = StatusNoChanges
	}
}

// Skip marks the environment as not run, for example because a dependency
// failed; reason becomes Error.
func (s *Summary) Skip(reason string) {
	s.Status = StatusSkipped
	s.Error = reason
}

// HasChanges applies Terraform's "applyable" rule (ChangesSrc.Empty, behind
// `plan -detailed-exitcode` exiting 2) to the counts: any resource action
// other than a no-op (a deferred data source read included), any move, any
// import, or any root output change. Drift alone is not a change. It only
// reads fields that are in the JSON encoding, so a Summary read back from
// JSON answers the same.
func (s *Summary) HasChanges() bool {
	return s.Add+s.Change+s.Destroy+s.Replace+s.Forget+s.Read > 0 ||
		s.Import+s.Move > 0 ||
		len(s.OutputChanges) > 0
}

// MarshalJSON keeps the public contract: resources and outputs are always
// arrays.
func (s Summary) MarshalJSON() ([]byte, error) {
	type summary Summary // drops this method
	c := summary(s)
	if c.Resources == nil {
		c.Resources = []ResourceChange{}
	}
	if c.OutputChanges == nil {
		c.OutputChanges = []OutputChange{}
	}
	return marshal(c)
}
