package tfstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	version "github.com/hashicorp/go-version"
)

// Parse validates a version 4 state body and decodes it, so that callers
// can refuse a body Terraform would refuse (or misread) before storing it.
// Beyond Inspect's checks it requires what Terraform's reader requires:
// a valid terraform_version, outputs with value and type, resources with
// type, name and provider, instance keys that are integers or strings,
// status "" or "tainted", 8-character deposed keys, readable
// sensitive_attributes, no object twice, and well-formed check_results.
// Errors are *ParseError or *VersionError and match ErrInvalidState.
func Parse(b []byte) (*State, error) {
	s, _, err := parse(b)
	return s, err
}

func parse(b []byte) (*State, *scanner, error) {
	sc, err := scanState(b)
	if err != nil {
		return nil, nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, nil, locateDecodeError(b, err)
	}
	s.size = int64(len(b))
	if err := s.validate(); err != nil {
		return nil, nil, err
	}
	return &s, sc, nil
}

// locateDecodeError names the resource instance a decoding error comes
// from, which encoding/json's error does not (it has no indexes).
func locateDecodeError(b []byte, err error) error {
	var top struct {
		Resources []struct {
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(b, &top) == nil {
		for i, r := range top.Resources {
			for j, raw := range r.Instances {
				var in Instance
				if ierr := json.Unmarshal(raw, &in); ierr != nil {
					return decodeError(fmt.Sprintf("resources[%d].instances[%d]", i, j), ierr)
				}
			}
		}
	}
	return decodeError("", err)
}

func decodeError(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if prefix != "" {
			field = prefix + "." + field
		}
		return &ParseError{Field: strings.Trim(field, "."), Offset: -1,
			Msg: fmt.Sprintf("cannot use JSON %s as %s", te.Value, te.Type)}
	}
	return &ParseError{Field: prefix, Offset: -1, Msg: "cannot decode", Err: err}
}

func (s *State) validate() error {
	if s.TerraformVersion != "" {
		if _, err := version.NewVersion(s.TerraformVersion); err != nil {
			return fieldErr("terraform_version", "%q is not a version number", s.TerraformVersion)
		}
	}
	names := make([]string, 0, len(s.Outputs))
	for name := range s.Outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		o := s.Outputs[name]
		f := joinField("outputs", name)
		if o.Value == nil {
			return fieldErr(f+".value", "missing")
		}
		if o.Type == nil || string(o.Type) == "null" {
			return fieldErr(f+".type", "missing")
		}
	}
	seen := map[string]bool{}
	for i := range s.Resources {
		r := &s.Resources[i]
		f := "resources[" + strconv.Itoa(i) + "]"
		switch {
		case r.Type == "":
			return fieldErr(f+".type", "missing")
		case r.Name == "":
			return fieldErr(f+".name", "missing")
		case r.Provider == "":
			return fieldErr(f+".provider", "missing")
		case r.Module != "" && !strings.HasPrefix(r.Module, "module."):
			return fieldErr(f+".module", "must be a module address such as module.vpc, got %q", r.Module)
		}
		for j := range r.Instances {
			in := &r.Instances[j]
			if err := in.validate(f+".instances["+strconv.Itoa(j)+"]", r, seen); err != nil {
				return err
			}
		}
	}
	return validateCheckResults(s.CheckResults)
}

func (in *Instance) validate(f string, r *Resource, seen map[string]bool) error {
	key, err := normalizeKey(in.IndexKey)
	if err != nil {
		return fieldErr(f+".index_key", "%v", err)
	}
	in.IndexKey = key
	if in.Status != "" && in.Status != StatusTainted {
		return fieldErr(f+".status", "must be %q or absent, got %q", StatusTainted, in.Status)
	}
	if in.Deposed != "" && len(in.Deposed) != 8 {
		return fieldErr(f+".deposed", "must be an 8-character deposed key, got %q", in.Deposed)
	}
	if in.Attributes != nil && string(in.Attributes) != "null" && in.Attributes[0] != '{' {
		return fieldErr(f+".attributes", "must be an object")
	}
	if _, err := in.SensitivePaths(); err != nil {
		return fieldErr(f+".sensitive_attributes", "%v", strings.TrimPrefix(err.Error(), "sensitive_attributes"))
	}
	for k, dep := range in.Dependencies {
		if dep == "" {
			return fieldErr(fmt.Sprintf("%s.dependencies[%d]", f, k), "must not be empty")
		}
	}
	addr := r.InstanceAddress(key)
	id := addr + "\x00" + in.Deposed
	if seen[id] {
		if in.Deposed != "" {
			return fieldErr(f, "deposed object %q of %s appears more than once", in.Deposed, addr)
		}
		return fieldErr(f, "instance %s appears more than once", addr)
	}
	seen[id] = true
	return nil
}

// normalizeKey turns a decoded index_key into nil, an int or a string, as
// Terraform's reader does (it also takes JSON numbers as ints).
func normalizeKey(k any) (any, error) {
	switch v := k.(type) {
	case nil, string:
		return v, nil
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, fmt.Errorf("must be an integer or a string, got %v", v)
		}
		return int(v), nil
	case int:
		return v, nil
	default:
		return nil, fmt.Errorf("must be an integer or a string, got %T", k)
	}
}

// checkableKinds are the object_kind values Terraform 1.11 writes.
var checkableKinds = map[string]bool{"resource": true, "output": true, "check": true, "var": true}

func validateCheckResults(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var results []struct {
		ObjectKind string `json:"object_kind"`
		ConfigAddr string `json:"config_addr"`
		Status     string `json:"status"`
		Objects    []struct {
			ObjectAddr      string   `json:"object_addr"`
			Status          string   `json:"status"`
			FailureMessages []string `json:"failure_messages"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(raw, &results); err != nil {
		return decodeError("check_results", err)
	}
	for i, r := range results {
		f := "check_results[" + strconv.Itoa(i) + "]"
		if !checkableKinds[r.ObjectKind] {
			return fieldErr(f+".object_kind", "unsupported checkable object kind %q", r.ObjectKind)
		}
		if r.ConfigAddr == "" {
			return fieldErr(f+".config_addr", "missing")
		}
		for j, o := range r.Objects {
			if o.ObjectAddr == "" {
				return fieldErr(fmt.Sprintf("%s.objects[%d].object_addr", f, j), "missing")
			}
		}
	}
	return nil
}
