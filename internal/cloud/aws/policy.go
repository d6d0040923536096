package aws

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// TLSPolicySid names the statement Bootstrap adds to the bucket policy, so
// a later run finds and repairs its own statement without touching others.
const TLSPolicySid = "DenyInsecureTransport"

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// bucketARNs are the bucket's ARN and the ARN of all its objects.
func bucketARNs(bucket, region string) []string {
	arn := "arn:" + partition(region) + ":s3:::" + bucket
	return []string{arn, arn + "/*"}
}

// tlsStatement denies every request to the bucket and its objects that
// does not come over TLS.
func tlsStatement(bucket, region string) map[string]any {
	return map[string]any{
		"Sid":       TLSPolicySid,
		"Effect":    "Deny",
		"Principal": "*",
		"Action":    "s3:*",
		"Resource":  bucketARNs(bucket, region),
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
}

// policyDeniesInsecure reports whether some statement of the policy
// denies all non-TLS access to the bucket and its objects.
func policyDeniesInsecure(doc []byte, bucket, region string) (bool, error) {
	stmts, _, err := policyStatements(doc)
	if err != nil {
		return false, err
	}
	for _, s := range stmts {
		if deniesInsecure(s, bucket, region) {
			return true, nil
		}
	}
	return false, nil
}

// policyWithTLS returns doc (or a new policy when doc is empty) with the
// TLS statement added, replacing an earlier statement of ours and keeping
// every other statement.
func policyWithTLS(doc []byte, bucket, region string) ([]byte, error) {
	policy := map[string]any{"Version": "2012-10-17"}
	var stmts []map[string]any
	if len(strings.TrimSpace(string(doc))) > 0 {
		var err error
		stmts, policy, err = policyStatements(doc)
		if err != nil {
			return nil, err
		}
	}
	stmts = slices.DeleteFunc(stmts, func(s map[string]any) bool { return s["Sid"] == TLSPolicySid })
	stmts = append(stmts, tlsStatement(bucket, region))
	policy["Statement"] = stmts
	return json.Marshal(policy)
}

// policyStatements decodes a policy document; Statement may be one object
// or a list.
func policyStatements(doc []byte) ([]map[string]any, map[string]any, error) {
	var policy map[string]any
	if err := json.Unmarshal(doc, &policy); err != nil {
		return nil, nil, fmt.Errorf("reading the bucket policy: %w", err)
	}
	var stmts []map[string]any
	switch s := policy["Statement"].(type) {
	case map[string]any:
		stmts = append(stmts, s)
	case []any:
		for _, e := range s {
			if m, ok := e.(map[string]any); ok {
				stmts = append(stmts, m)
			}
		}
	}
	return stmts, policy, nil
}

func deniesInsecure(s map[string]any, bucket, region string) bool {
	if s["Effect"] != "Deny" {
		return false
	}
	if !principalIsEveryone(s["Principal"]) {
		return false
	}
	actions := stringList(s["Action"])
	if !slices.Contains(actions, "s3:*") && !slices.Contains(actions, "*") {
		return false
	}
	resources := stringList(s["Resource"])
	for _, want := range bucketARNs(bucket, region) {
		if !slices.Contains(resources, want) && !slices.Contains(resources, "*") {
			return false
		}
	}
	cond, _ := s["Condition"].(map[string]any)
	boolCond, _ := cond["Bool"].(map[string]any)
	for k, v := range boolCond {
		if strings.EqualFold(k, "aws:SecureTransport") {
			for _, val := range stringList(v) {
				if strings.EqualFold(val, "false") {
					return true
				}
			}
		}
	}
	return false
}

func principalIsEveryone(p any) bool {
	switch v := p.(type) {
	case string:
		return v == "*"
	case map[string]any:
		return slices.Contains(stringList(v["AWS"]), "*")
	}
	return false
}

// stringList reads an IAM "string or list of strings" value; booleans
// (aws:SecureTransport: false) read as their text.
func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case bool:
		return []string{fmt.Sprint(x)}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, stringList(e)...)
		}
		return out
	}
	return nil
}
