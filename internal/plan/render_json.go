package plan

import (
	"bytes"
	"encoding/json"
	"io"
)

// WritePlanJSON writes `infractl plan --json`:
// {"environments":[Summary...],"exit_code":N}. The shape is a stable public
// contract: environments is always an array, in the order given, and
// exit_code is PlanExitCode, so a script needs nothing else.
func WritePlanJSON(w io.Writer, envs []Summary) error {
	return writeJSON(w, envs, PlanExitCode(envs))
}

// WriteDriftJSON writes `infractl drift --json`:
// {"environments":[DriftReport...],"exit_code":N}.
func WriteDriftJSON(w io.Writer, envs []DriftReport) error {
	return writeJSON(w, envs, DriftExitCode(envs))
}

// WriteApplyJSON writes `infractl apply --json`:
// {"environments":[ApplyReport...],"exit_code":N}.
func WriteApplyJSON(w io.Writer, envs []ApplyReport) error {
	return writeJSON(w, envs, ApplyExitCode(envs))
}

func writeJSON[T any](w io.Writer, envs []T, code int) error {
	if envs == nil {
		envs = []T{}
	}
	doc := struct {
		Environments []T `json:"environments"`
		ExitCode     int `json:"exit_code"`
	}{envs, code}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// marshal encodes v without HTML escaping, so "<=" and "&" in addresses
// and error messages stay readable; the MarshalJSON methods use it.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
