package tfstate

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Mode values of Resource.Mode: Terraform keeps managed resources and data
// sources side by side in the resources array and tells them apart by mode.
const (
	ModeManaged = "managed"
	ModeData    = "data"
)

// StatusTainted is Instance.Status for an object Terraform will replace on
// the next apply; an empty status means the object is ready.
const StatusTainted = "tainted"

// State is a decoded version 4 state file, field for field as Terraform
// 1.x writes it, so that callers can inspect it and re-encode it losslessly
// (unknown top-level fields are tolerated on input but not kept).
type State struct {
	// Version is the format version, always 4 after Parse.
	Version int `json:"version"`
	// TerraformVersion is the version of the Terraform that wrote the state.
	TerraformVersion string `json:"terraform_version"`
	// Serial grows with every write; push rules compare it.
	Serial uint64 `json:"serial"`
	// Lineage identifies the state's history; it never changes.
	Lineage string `json:"lineage"`
	// Outputs are the root module's outputs by name.
	Outputs map[string]Output `json:"outputs"`
	// Resources are managed resources and data sources of all modules.
	Resources []Resource `json:"resources"`
	// CheckResults is kept raw: infractl only carries it along and notices
	// when it changes.
	CheckResults json.RawMessage `json:"check_results"`

	size int64 // bytes of the body Parse read, for Meta
}

// Output is a root module output value; Value and Type stay raw JSON (Type is
// a cty type expression) because only Terraform interprets them fully.
type Output struct {
	// Value is the output's value as JSON.
	Value json.RawMessage `json:"value"`
	// Type is the value's cty type as JSON, such as "string" or
	// ["list","number"].
	Type json.RawMessage `json:"type"`
	// Sensitive hides the value in every diff and redacted state.
	Sensitive bool `json:"sensitive,omitempty"`
}

// Resource is one resource block's entry in state with all its instance
// objects, the unit Terraform sorts and addresses by.
type Resource struct {
	// Module is the module instance address (module.vpc, module.a["k"]),
	// empty for the root module.
	Module string `json:"module,omitempty"`
	// Mode is ModeManaged or ModeData.
	Mode string `json:"mode"`
	// Type and Name are the resource type and the block's name.
	Type string `json:"type"`
	Name string `json:"name"`
	// Each is a legacy field Terraform 1.x declares but never writes.
	Each string `json:"each,omitempty"`
	// Provider is the provider configuration address, such as
	// provider["registry.terraform.io/hashicorp/aws"].
	Provider string `json:"provider"`
	// Instances are the resource's objects, current and deposed.
	Instances []Instance `json:"instances"`
}

// Instance is one object of a resource: the current object of an instance
// key, or a deposed one when Deposed is set.
type Instance struct {
	// IndexKey is nil (no count/for_each), an int (count) or a string
	// (for_each) after Parse.
	IndexKey any `json:"index_key,omitempty"`
	// Status is StatusTainted or empty.
	Status string `json:"status,omitempty"`
	// Deposed is the 8-character key of a deposed object, empty for the
	// current object.
	Deposed string `json:"deposed,omitempty"`
	// SchemaVersion is the provider schema version the attributes follow.
	SchemaVersion uint64 `json:"schema_version"`
	// Attributes is the object's attribute values as a JSON object; kept raw
	// so that Parse does not pay for decoding values nobody looks at.
	Attributes json.RawMessage `json:"attributes,omitempty"`
	// AttributesFlat is the legacy flatmap form some very old objects still
	// carry instead of Attributes.
	AttributesFlat map[string]string `json:"attributes_flat,omitempty"`
	// SensitiveAttributes is the JSON list of cty paths Terraform marked
	// sensitive; see SensitivePaths.
	SensitiveAttributes json.RawMessage `json:"sensitive_attributes,omitempty"`
	// Private is provider-private data (base64 in JSON); never shown.
	Private []byte `json:"private,omitempty"`
	// Dependencies are the resources this object was created after.
	Dependencies []string `json:"dependencies,omitempty"`
	// CreateBeforeDestroy records the lifecycle setting for replacement.
	CreateBeforeDestroy bool `json:"create_before_destroy,omitempty"`
}

// IsEmpty reports whether the state holds no resources and no outputs, the
// test Terraform's states.State.Empty applies before letting any state
// replace it regardless of lineage and serial. A nil state is empty.
func (s *State) IsEmpty() bool {
	return s == nil || (len(s.Resources) == 0 && len(s.Outputs) == 0)
}

// Meta summarises the state the way Inspect does, so a parsed state and a
// scanned body can be compared and recorded alike. Size is the length of the
// body Parse read, or 0 for a state built in memory.
func (s *State) Meta() Meta {
	if s == nil {
		return Meta{}
	}
	m := Meta{
		Version:          s.Version,
		TerraformVersion: s.TerraformVersion,
		Serial:           s.Serial,
		Lineage:          s.Lineage,
		Outputs:          len(s.Outputs),
		Size:             s.size,
	}
	for _, r := range s.Resources {
		if r.Mode == ModeData {
			m.DataResources++
			continue
		}
		m.Resources++
		for _, in := range r.Instances {
			if in.Deposed == "" {
				m.Instances++
			}
		}
	}
	return m
}

// Encode writes the state as Terraform does (2-space indent, trailing
// newline, resources sorted by module, mode, type and name and instances by
// key then deposed key), so an encoded state reads like one Terraform wrote.
func (s *State) Encode() ([]byte, error) {
	c := *s
	if c.Outputs == nil {
		c.Outputs = map[string]Output{}
	}
	c.Resources = make([]Resource, len(s.Resources))
	for i, r := range s.Resources {
		if r.Instances == nil {
			r.Instances = []Instance{}
		} else {
			r.Instances = append([]Instance(nil), r.Instances...)
		}
		sort.SliceStable(r.Instances, func(a, b int) bool {
			return instanceLess(r.Instances[a], r.Instances[b])
		})
		c.Resources[i] = r
	}
	sort.SliceStable(c.Resources, func(a, b int) bool {
		return resourceLess(c.Resources[a], c.Resources[b])
	})
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding state: %w", err)
	}
	return append(b, '\n'), nil
}

func resourceLess(a, b Resource) bool {
	switch {
	case a.Module != b.Module:
		return a.Module < b.Module
	case a.Mode != b.Mode:
		return a.Mode < b.Mode
	case a.Type != b.Type:
		return a.Type < b.Type
	default:
		return a.Name < b.Name
	}
}

// instanceLess orders like Terraform's sortInstancesV4: no key first, then
// int keys numerically, then string keys, then by deposed key.
func instanceLess(a, b Instance) bool {
	if c := compareKeys(a.IndexKey, b.IndexKey); c != 0 {
		return c < 0
	}
	return a.Deposed < b.Deposed
}

func compareKeys(a, b any) int {
	rank := func(k any) int {
		switch k.(type) {
		case nil:
			return 0
		case int:
			return 1
		case string:
			return 2
		default:
			return 3
		}
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch av := a.(type) {
	case int:
		bv := b.(int)
		switch {
		case av < bv:
			return -1
		case av > bv:
			return 1
		}
	case string:
		bv := b.(string)
		switch {
		case av < bv:
			return -1
		case av > bv:
			return 1
		}
	}
	return 0
}
