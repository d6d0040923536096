package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/infractl/infractl/internal/tfstate"
)

// Spec describes a generated v4 state, so the suite and the benchmarks
// have real state bodies without running terraform. Bodies are
// deterministic: the same Spec always gives the same bytes.
type Spec struct {
	Lineage string
	Serial  uint64
	// Resources is the number of terraform_data resources (r0, r1, ...).
	Resources int
	// Salt changes every attribute value, and so the content, without
	// changing the shape; an empty salt is a salt too.
	Salt string
	// Secret, when set, is the value of a sensitive root output
	// "db_password", for redaction checks.
	Secret string
	// TerraformVersion defaults to 1.11.4.
	TerraformVersion string
}

// Body renders the state as Terraform writes it (tfstate.State.Encode).
func (s Spec) Body() []byte {
	st := tfstate.State{
		Version:          4,
		TerraformVersion: s.TerraformVersion,
		Serial:           s.Serial,
		Lineage:          s.Lineage,
		Outputs:          map[string]tfstate.Output{},
	}
	if st.TerraformVersion == "" {
		st.TerraformVersion = "1.11.4"
	}
	if s.Secret != "" {
		st.Outputs["db_password"] = tfstate.Output{
			Value: mustJSON(s.Secret), Type: json.RawMessage(`"string"`), Sensitive: true,
		}
	}
	for i := range s.Resources {
		st.Resources = append(st.Resources, s.resource(i))
	}
	b, err := st.Encode()
	if err != nil {
		panic(fmt.Sprintf("storetest: encoding generated state: %v", err))
	}
	return b
}

// resource is one terraform_data resource with an id that looks like a
// UUID and input/output values that look like names and digests, so the
// body compresses about as well as a real state.
func (s Spec) resource(i int) tfstate.Resource {
	seed := sha256.Sum256([]byte(s.Lineage + "/" + s.Salt + "/" + strconv.Itoa(i)))
	more := sha256.Sum256(seed[:])
	extra := sha256.Sum256(more[:])
	h, m, x := hex.EncodeToString(seed[:]), hex.EncodeToString(more[:]), hex.EncodeToString(extra[:])
	id := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	value := fmt.Sprintf(`{"name":"app-%d%s","digest":"sha256:%s","role_arn":"arn:aws:iam::%d:role/app-%d-%s","address":"10.%d.%d.%d","replicas":"%d","etag":"%s","kms_key_id":"%s","instance_id":"i-%s","subnet_id":"subnet-%s"}`,
		i, s.Salt, h, 100000000000+int(more[0])<<16+int(more[1])<<8+int(more[2]), i, m[:12],
		more[3], more[4], more[5], i%5+1, m[12:44], x, m[44:61], h[40:57])
	typ := `["map","string"]`
	attrs := fmt.Sprintf(`{"id":%q,"input":{"value":%s,"type":%s},"output":{"value":%s,"type":%s},"triggers_replace":null}`,
		id, value, typ, value, typ)
	inst := tfstate.Instance{
		SchemaVersion:       0,
		Attributes:          json.RawMessage(attrs),
		SensitiveAttributes: json.RawMessage(`[]`),
	}
	if i > 0 {
		inst.Dependencies = []string{"terraform_data.r" + strconv.Itoa(i-1)}
	}
	return tfstate.Resource{
		Mode:      tfstate.ModeManaged,
		Type:      "terraform_data",
		Name:      "r" + strconv.Itoa(i),
		Provider:  `provider["terraform.io/builtin/terraform"]`,
		Instances: []tfstate.Instance{inst},
	}
}

// ResourcesForSize returns how many resources make a body of at least size
// bytes, for benchmarks that want a state of a given size.
func ResourcesForSize(size int) int {
	one := len(Spec{Lineage: "x", Resources: 1}.Body())
	two := len(Spec{Lineage: "x", Resources: 2}.Body())
	per := two - one
	n := (size-one)/per + 1
	for len(Spec{Lineage: "x", Resources: n}.Body()) < size {
		n++
	}
	return n
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// Template renders the Spec once and returns a function that makes its
// body with any serial by splicing the number in, so benchmark loops do
// not pay for encoding a state at every write (a real client does not
// either).
func (s Spec) Template() func(serial uint64) []byte {
	s.Serial = 0
	body := s.Body()
	const marker = `"serial": 0,`
	i := bytes.Index(body, []byte(marker))
	if i < 0 {
		panic("storetest: no serial in generated state")
	}
	head, tail := body[:i+len(`"serial": `)], body[i+len(`"serial": 0`):]
	return func(serial uint64) []byte {
		b := make([]byte, 0, len(body)+20)
		b = append(b, head...)
		b = strconv.AppendUint(b, serial, 10)
		return append(b, tail...)
	}
}
