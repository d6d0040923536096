package tfstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Push rejections, one per rule of Terraform's statemgr.CheckValidImport.
// A *PushError wraps one of the last three and also matches
// ErrPushRejected, so a server can map every rejection to 409 Conflict with
// one errors.Is and still tell them apart.
var (
	ErrPushRejected      = errors.New("state push rejected")
	ErrStaleSerial       = errors.New("incoming serial is lower than the current serial")
	ErrLineageMismatch   = errors.New("incoming lineage differs from the current lineage")
	ErrSameSerialDiffers = errors.New("incoming state differs from the current state with the same serial")
)

// PushError is a rejected push with both sides' Meta, worded exactly as
// Terraform words it so users see familiar messages.
type PushError struct {
	// Kind is ErrStaleSerial, ErrLineageMismatch or ErrSameSerialDiffers.
	Kind     error
	Current  Meta
	Incoming Meta
}

// Error implements error with Terraform's wording.
func (e *PushError) Error() string {
	switch e.Kind {
	case ErrLineageMismatch:
		return fmt.Sprintf("cannot import state with lineage %q over unrelated state with lineage %q",
			e.Incoming.Lineage, e.Current.Lineage)
	case ErrStaleSerial:
		return fmt.Sprintf("cannot import state with serial %d over newer state with serial %d",
			e.Incoming.Serial, e.Current.Serial)
	case ErrSameSerialDiffers:
		return fmt.Sprintf("cannot overwrite existing state with serial %d with a different state that has the same serial",
			e.Incoming.Serial)
	default:
		return fmt.Sprintf("state push rejected: %v", e.Kind)
	}
}

// Unwrap returns Kind, for errors.Is against the specific rule.
func (e *PushError) Unwrap() error { return e.Kind }

// Is makes every PushError match ErrPushRejected.
func (e *PushError) Is(target error) bool { return target == ErrPushRejected }

// CheckPush applies Terraform's rules for replacing the current state with
// an incoming one (terraform state push, or any write that must not lose
// data), so the state server refuses what Terraform would refuse:
//
//   - force skips every check, like terraform state push -force;
//   - an empty current state (no resources, no outputs; the zero Meta for
//     "no state yet") may be replaced by anything;
//   - if either side has no lineage, anything goes (legacy states);
//   - a different lineage is rejected (ErrLineageMismatch);
//   - a higher serial is accepted, a lower one rejected (ErrStaleSerial);
//   - the same serial is accepted only with the same content
//     (ErrSameSerialDiffers); sameContent is the caller's SameContent.
func CheckPush(current, incoming Meta, sameContent bool, force bool) error {
	if force || current.IsEmpty() {
		return nil
	}
	if current.Lineage == "" || incoming.Lineage == "" {
		return nil
	}
	reject := func(kind error) error {
		return &PushError{Kind: kind, Current: current, Incoming: incoming}
	}
	switch {
	case incoming.Lineage != current.Lineage:
		return reject(ErrLineageMismatch)
	case incoming.Serial > current.Serial:
		return nil
	case incoming.Serial < current.Serial:
		return reject(ErrStaleSerial)
	case sameContent:
		return nil
	default:
		return reject(ErrSameSerialDiffers)
	}
}

// SameContent reports whether two states hold the same outputs, resources
// and check results, ignoring version, terraform_version, serial, lineage,
// formatting, and the order of resources, sensitive attribute paths and
// check results. It stands in for Terraform's StatesMarshalEqual, which
// decides whether a push with an unchanged serial is a harmless repeat, but
// ignores order where Terraform 1.11.4 writes it at random: with two or
// more check results, pushing a state over an identical copy of itself is
// refused by Terraform now and then. Nil states never match, as in
// Terraform.
func SameContent(a, b *State) bool {
	if a == nil || b == nil {
		return false
	}
	ea, errA := contentBytes(a)
	eb, errB := contentBytes(b)
	return errA == nil && errB == nil && bytes.Equal(ea, eb)
}

func contentBytes(s *State) ([]byte, error) {
	c := *s
	c.Version, c.TerraformVersion, c.Serial, c.Lineage = 0, "", 0, ""
	c.CheckResults = sortedJSONList(c.CheckResults)
	c.Resources = make([]Resource, len(s.Resources))
	for i, r := range s.Resources {
		r.Instances = append([]Instance(nil), r.Instances...)
		for j := range r.Instances {
			r.Instances[j].SensitiveAttributes = sortedJSONList(r.Instances[j].SensitiveAttributes)
		}
		c.Resources[i] = r
	}
	return c.Encode()
}

// sortedJSONList returns a JSON list with its elements in a canonical
// order, nil for null, [] and missing, and raw unchanged if it is not a
// list.
func sortedJSONList(raw json.RawMessage) json.RawMessage {
	v, err := decodeJSON(raw)
	if err != nil {
		return raw
	}
	list, ok := v.([]any)
	if v == nil || ok && len(list) == 0 {
		return nil
	}
	if !ok {
		return raw
	}
	elems := make([]string, len(list))
	for i, e := range list {
		b, err := json.Marshal(e) // map keys sorted: a canonical form
		if err != nil {
			return raw
		}
		elems[i] = string(b)
	}
	sort.Strings(elems)
	return json.RawMessage("[" + strings.Join(elems, ",") + "]")
}
