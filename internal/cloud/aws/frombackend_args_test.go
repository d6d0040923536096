package aws

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFromBackendEveryArgument(t *testing.T) {
	clearAWSEnv(t)
	_, env := loadEnv(t, `
terraform {
  backend "s3" {
    bucket               = "acme-tfstate"
    key                  = "dev/terraform.tfstate"
    region               = "eu-west-1"
    use_lockfile         = true
    encrypt              = true
    sse_customer_key     = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
    acl                  = "bucket-owner-full-control"
    access_key           = "AKIAEXAMPLE"
    secret_key           = "secret"
    token                = "session"
    shared_credentials_file = "/etc/aws/credentials"
    endpoints = {
      s3  = "https://s3.local"
      sts = "https://sts.local"
      iam = "https://iam.local"
    }
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
    max_retries                 = 2
    retry_mode                  = "adaptive"
    sts_region                  = "us-east-1"
    assume_role = {
      role_arn            = "arn:aws:iam::111111111111:role/tf"
      session_name        = "infractl"
      external_id         = "x-1"
      duration            = "1h"
      policy              = "{}"
      policy_arns         = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
      source_identity     = "alice"
      tags                = { team = "platform" }
      transitive_tag_keys = ["team"]
    }
    assume_role_with_web_identity = {
      role_arn                = "arn:aws:iam::222222222222:role/ci"
      session_name            = "ci"
      duration                = "30m"
      web_identity_token_file = "/var/run/token"
    }
    allowed_account_ids                = ["111111111111"]
    custom_ca_bundle                   = "/etc/ssl/ca.pem"
    insecure                           = true
    use_fips_endpoint                  = true
    use_dualstack_endpoint             = true
    ec2_metadata_service_endpoint      = "http://[fd00:ec2::254]"
    ec2_metadata_service_endpoint_mode = "IPv6"
  }
}
`, nil)
	cfg, err := FromBackend(env.Backend)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Connection: Connection{
			Region:                 "eu-west-1",
			Endpoints:              Endpoints{S3: "https://s3.local", STS: "https://sts.local"},
			UsePathStyle:           true,
			AccessKey:              "AKIAEXAMPLE",
			SecretKey:              "secret",
			Token:                  "session",
			SharedCredentialsFiles: []string{"/etc/aws/credentials"},
			WebIdentity: WebIdentityRole{RoleARN: "arn:aws:iam::222222222222:role/ci", SessionName: "ci",
				Duration: 30 * time.Minute, TokenFile: "/var/run/token"},
			AssumeRole: AssumeRole{RoleARN: "arn:aws:iam::111111111111:role/tf", SessionName: "infractl", ExternalID: "x-1",
				Duration: time.Hour, Policy: "{}", PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
				SourceIdentity: "alice", Tags: map[string]string{"team": "platform"}, TransitiveTagKeys: []string{"team"}},
			STSRegion:               "us-east-1",
			MaxRetries:              2,
			RetryMode:               "adaptive",
			CustomCABundle:          "/etc/ssl/ca.pem",
			Insecure:                true,
			UseFIPSEndpoint:         true,
			UseDualStackEndpoint:    true,
			SkipMetadataAPICheck:    true,
			EC2MetadataEndpoint:     "http://[fd00:ec2::254]",
			EC2MetadataEndpointMode: "IPv6",
			SkipS3Checksum:          true,
		},
		Bucket: "acme-tfstate", Key: "dev/terraform.tfstate", UseLockfile: true, Encrypt: true,
		SSECustomerKey: "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", ACL: "bucket-owner-full-control",
		AllowedAccountIDs: []string{"111111111111"}, Source: "environments/dev/main.tf:3",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("FromBackend =\n%#v\nwant\n%#v", cfg.Connection, want.Connection)
		t.Errorf("config: %+v", cfg)
	}
}

func TestFromBackendRefusesArguments(t *testing.T) {
	clearAWSEnv(t)
	base := "    bucket = \"b\"\n    key    = \"k\"\n    region = \"us-east-1\"\n"
	tests := []struct {
		name, args     string
		backendConfig  string // a -backend-config file's content
		wantArg, wants string
	}{
		{"unknown", `foo = "bar"`, "", "foo", `An argument named "foo" is not expected here`},
		{"versioning", `versioning = true`, "", "versioning", "versioning is a property of the bucket"},
		{"removed top-level role", `role_arn = "arn:aws:iam::1:role/x"`, "", "role_arn", "use assume_role = { role_arn = ... }"},
		{"unknown in -backend-config", "", "lock_table = \"t\"\n", "lock_table", "is not an argument of the s3 backend"},
		{"proxy", `https_proxy = "http://proxy:3128"`, "", "https_proxy", "infractl does not support the s3 backend argument https_proxy yet: set HTTP_PROXY"},
		{"no_proxy", `no_proxy = "internal"`, "", "no_proxy", "does not support"},
		{"sso endpoint", `endpoints = { sso = "http://sso" }`, "", "endpoints.sso", "does not support the s3 backend argument endpoints.sso yet"},
		{"unknown nested", `assume_role = { role_arn = "arn:aws:iam::1:role/x", bogus = 1 }`, "", "assume_role", "assume_role.bogus is not an argument"},
		{"unknown endpoint", `endpoints = { ec2 = "http://x" }`, "", "endpoints", "endpoints.ec2 is not an argument"},
		{"kms and sse-c", "kms_key_id = \"k\"\n    sse_customer_key = \"MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=\"", "", "kms_key_id", "cannot be set together"},
		{"allowed and forbidden", "allowed_account_ids = [\"1\"]\n    forbidden_account_ids = [\"2\"]", "", "allowed_account_ids", "cannot be set together"},
		{"endpoint twice", "endpoint = \"http://a\"\n    endpoints = { s3 = \"http://b\" }", "", "endpoint", "endpoint and endpoints.s3 cannot be set together"},
		{"bad duration", `assume_role = { role_arn = "arn:aws:iam::1:role/x", duration = "5m" }`, "", "assume_role", "between 15m and 12h"},
		{"role without arn", `assume_role = { session_name = "x" }`, "", "assume_role", "needs role_arn"},
		{"web identity without token", `assume_role_with_web_identity = { role_arn = "arn:aws:iam::1:role/x" }`, "", "assume_role_with_web_identity", "exactly one of"},
		{"bad retry mode", `retry_mode = "eager"`, "", "retry_mode", `"standard" or "adaptive"`},
		{"non-literal block", "assume_role {\n      role_arn = var.role\n    }", "", "assume_role", "is not a literal value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := map[string]string{}
			if tt.backendConfig != "" {
				extra["environments/dev/extra.tfbackend"] = tt.backendConfig
			}
			e, env := loadEnv(t, "variable \"role\" {}\nterraform {\n  backend \"s3\" {\n"+base+"    "+tt.args+"\n  }\n}\n", extra)
			var bc []string
			if tt.backendConfig != "" {
				bc = append(bc, filepath.Join(e.Root, "environments/dev/extra.tfbackend"))
			}
			_, err := FromBackend(env.Backend, bc...)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Arg != tt.wantArg || !strings.Contains(err.Error(), tt.wants) {
				t.Errorf("err = %q (arg %q), want arg %q and text %q", err, ce.Arg, tt.wantArg, tt.wants)
			}
		})
	}
}
