package aws

import (
	"strings"
	"testing"
)

func TestPolicyDeniesInsecure(t *testing.T) {
	const b = "tfstate"
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"ours", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::tfstate","arn:aws:s3:::tfstate/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, true},
		{"single statement object, AWS principal, bool value", `{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["*"],"Resource":"*","Condition":{"Bool":{"aws:securetransport":false}}}}`, true},
		{"bucket only", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::tfstate","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"some actions only", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::tfstate","arn:aws:s3:::tfstate/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"allow", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::tfstate","arn:aws:s3:::tfstate/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, false},
		{"one principal", `{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*","Resource":["arn:aws:s3:::tfstate","arn:aws:s3:::tfstate/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, false},
		{"no condition", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::tfstate","arn:aws:s3:::tfstate/*"]}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := policyDeniesInsecure([]byte(tt.doc), b, "us-east-1")
			if err != nil || got != tt.want {
				t.Errorf("policyDeniesInsecure = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := policyDeniesInsecure([]byte("{"), b, "us-east-1"); err == nil {
		t.Error("invalid policy: no error")
	}
}

func TestPolicyWithTLS(t *testing.T) {
	fresh, err := policyWithTLS(nil, "tfstate", "cn-north-1")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := policyDeniesInsecure(fresh, "tfstate", "cn-north-1"); !ok || !strings.Contains(string(fresh), "arn:aws-cn:s3:::tfstate/*") {
		t.Errorf("fresh policy = %s", fresh)
	}
	existing := `{"Version":"2012-10-17","Id":"keep","Statement":{"Sid":"CI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::tfstate/*"}}`
	merged, err := policyWithTLS([]byte(existing), "tfstate", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := policyWithTLS(merged, "tfstate", "us-east-1")
	for _, doc := range [][]byte{merged, again} {
		if ok, _ := policyDeniesInsecure(doc, "tfstate", "us-east-1"); !ok || !strings.Contains(string(doc), `"Sid":"CI"`) ||
			!strings.Contains(string(doc), `"Id":"keep"`) || strings.Count(string(doc), TLSPolicySid) != 1 {
			t.Errorf("merged policy = %s", doc)
		}
	}
}
