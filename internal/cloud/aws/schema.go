package aws

import (
	"fmt"
	"slices"
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// argSupport says what infractl does with one s3 backend argument.
type argSupport int

const (
	// argUsed arguments are read into Config.
	argUsed argSupport = iota
	// argNoEffect arguments change only calls infractl never makes; they
	// are accepted so a working backend block is not refused.
	argNoEffect
	// argUnsupported arguments would change what infractl does, and it
	// cannot do it yet: refused, with a way around when there is one.
	argUnsupported
)

// argSpec is one argument of the s3 backend's schema.
type argSpec struct {
	support argSupport
	// note explains argNoEffect and argUnsupported.
	note string
	// nested are the attributes of an object argument; nil for others.
	nested map[string]argSpec
}

var used = argSpec{support: argUsed}

// s3Schema is the s3 backend's ConfigSchema in Terraform 1.11 (see
// terraform-protocols.md section 2), with what infractl does with each.
// Keep it in step with configFromSettings.
var s3Schema = map[string]argSpec{
	"bucket": used, "key": used, "region": used,
	"use_lockfile": used, "workspace_key_prefix": used, "encrypt": used, "kms_key_id": used,
	"sse_customer_key": used, "acl": used,
	"access_key": used, "secret_key": used, "token": used, "profile": used,
	"shared_config_files": used, "shared_credentials_files": used,
	"endpoints": {support: argUsed, nested: map[string]argSpec{
		"s3": used, "dynamodb": used, "sts": used,
		"iam": {support: argNoEffect, note: "infractl makes no IAM calls"},
		"sso": {support: argUnsupported, note: "set AWS_ENDPOINT_URL_SSO in the environment instead, which the AWS SDK honours"},
	}},
	"use_path_style":              used,
	"skip_credentials_validation": {support: argNoEffect, note: "infractl does not validate credentials up front"},
	"skip_requesting_account_id":  {support: argNoEffect, note: "infractl asks for the account only to enforce allowed_account_ids and forbidden_account_ids"},
	"skip_metadata_api_check":     used,
	"skip_region_validation":      {support: argNoEffect, note: "infractl does not validate region names"},
	"skip_s3_checksum":            used,
	"max_retries":                 used, "retry_mode": used, "sts_region": used,
	"assume_role": {support: argUsed, nested: map[string]argSpec{
		"role_arn": used, "duration": used, "external_id": used, "policy": used, "policy_arns": used,
		"session_name": used, "source_identity": used, "tags": used, "transitive_tag_keys": used,
	}},
	"assume_role_with_web_identity": {support: argUsed, nested: map[string]argSpec{
		"role_arn": used, "duration": used, "policy": used, "policy_arns": used, "session_name": used,
		"web_identity_token": used, "web_identity_token_file": used,
	}},
	"allowed_account_ids": used, "forbidden_account_ids": used,
	"custom_ca_bundle": used, "insecure": used,
	"http_proxy":        {support: argUnsupported, note: proxyNote},
	"https_proxy":       {support: argUnsupported, note: proxyNote},
	"no_proxy":          {support: argUnsupported, note: proxyNote},
	"use_fips_endpoint": used, "use_dualstack_endpoint": used,
	"ec2_metadata_service_endpoint": used, "ec2_metadata_service_endpoint_mode": used,
	// Deprecated, still accepted by Terraform 1.11.
	"dynamodb_table": used, "dynamodb_endpoint": used, "endpoint": used, "sts_endpoint": used,
	"force_path_style": used, "shared_credentials_file": used,
	"iam_endpoint": {support: argNoEffect, note: "infractl makes no IAM calls"},
}

const proxyNote = "set HTTP_PROXY, HTTPS_PROXY and NO_PROXY in the environment instead, which infractl honours"

// removedArgs are arguments older Terraform versions took and 1.11
// rejects, with what replaced them.
var removedArgs = map[string]string{
	"role_arn":                        "assume_role = { role_arn = ... }",
	"session_name":                    "assume_role = { session_name = ... }",
	"external_id":                     "assume_role = { external_id = ... }",
	"assume_role_duration_seconds":    "assume_role = { duration = \"1h\" }",
	"assume_role_policy":              "assume_role = { policy = ... }",
	"assume_role_policy_arns":         "assume_role = { policy_arns = [...] }",
	"assume_role_tags":                "assume_role = { tags = {...} }",
	"assume_role_transitive_tag_keys": "assume_role = { transitive_tag_keys = [...] }",
	"lock_table":                      "dynamodb_table, or better use_lockfile = true",
	"skip_get_ec2_platforms":          "nothing (it was removed)",
}

// conflicts are argument pairs Terraform refuses together.
var conflicts = [][2]string{
	{"kms_key_id", "sse_customer_key"},
	{"allowed_account_ids", "forbidden_account_ids"},
	{"force_path_style", "use_path_style"},
	{"shared_credentials_file", "shared_credentials_files"},
	{"endpoint", "endpoints.s3"},
	{"dynamodb_endpoint", "endpoints.dynamodb"},
	{"sts_endpoint", "endpoints.sts"},
	{"iam_endpoint", "endpoints.iam"},
}

// checkArguments refuses, with a *ConfigError naming it, the first
// argument (in name order) that is not in the schema, that infractl does
// not support yet, or that conflicts with another.
func checkArguments(set map[string]setting, source string) error {
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	present := map[string]bool{}
	for _, name := range names {
		s := set[name]
		where := firstOf(s.where, source)
		spec, known := s3Schema[name]
		if !known {
			return unknownArgument(name, where)
		}
		if err := checkSupport(name, spec, where); err != nil {
			return err
		}
		present[name] = true
		if spec.nested == nil || !s.literal || s.value.IsNull() {
			continue
		}
		if !isObject(s.value) {
			continue // reading says it must be an object
		}
		var attrs []string
		for it := s.value.ElementIterator(); it.Next(); {
			k, v := it.Element()
			if !v.IsNull() {
				attrs = append(attrs, k.AsString())
			}
		}
		sort.Strings(attrs)
		for _, attr := range attrs {
			full := name + "." + attr
			nspec, ok := spec.nested[attr]
			if !ok {
				return &ConfigError{Source: where, Arg: name, Msg: fmt.Sprintf(
					"%s is not an argument of the s3 backend (terraform rejects it too); %s takes %s",
					full, name, listNames(spec.nested))}
			}
			if err := checkSupport(full, nspec, where); err != nil {
				return err
			}
			present[full] = true
		}
	}
	for _, c := range conflicts {
		if present[c[0]] && present[c[1]] {
			s := set[c[0]]
			return &ConfigError{Source: firstOf(s.where, source), Arg: c[0],
				Msg: fmt.Sprintf("%s and %s cannot be set together (terraform refuses them too)", c[0], c[1])}
		}
	}
	return nil
}

func checkSupport(name string, spec argSpec, where string) error {
	if spec.support != argUnsupported {
		return nil
	}
	return &ConfigError{Source: where, Arg: name, Msg: fmt.Sprintf(
		"infractl does not support the s3 backend argument %s yet: %s", name, spec.note)}
}

func unknownArgument(name, where string) error {
	var hint string
	switch {
	case name == "versioning":
		hint = "; versioning is a property of the bucket, not of the backend (infractl bootstrap s3 enables it)"
	case removedArgs[name] != "":
		hint = "; it was removed from the s3 backend, use " + removedArgs[name]
	}
	return &ConfigError{Source: where, Arg: name, Msg: fmt.Sprintf(
		"%s is not an argument of the s3 backend (terraform rejects it too: An argument named %q is not expected here)%s",
		name, name, hint)}
}

func listNames(m map[string]argSpec) string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return fmt.Sprint(names)
}

// isObject reports whether v can be read as an object argument.
func isObject(v cty.Value) bool {
	return v.Type().IsObjectType() || v.Type().IsMapType()
}

// S3BackendArg is what Terraform 1.11's s3 backend makes of one top-level
// argument name; it is exported so infractl lint checks backend blocks
// against this package's schema instead of keeping a second list.
type S3BackendArg struct {
	// Known is true when the s3 backend accepts the argument (deprecated
	// arguments included).
	Known bool
	// Attributes are the sorted attribute names an object argument
	// (endpoints, assume_role, assume_role_with_web_identity) accepts; nil
	// for other arguments.
	Attributes []string
	// Replacement says what to use instead of an argument older Terraform
	// versions accepted and 1.11 rejects; empty otherwise.
	Replacement string
}

// LookupS3BackendArg describes the s3 backend argument called name.
func LookupS3BackendArg(name string) S3BackendArg {
	spec, known := s3Schema[name]
	arg := S3BackendArg{Known: known, Replacement: removedArgs[name]}
	for attr := range spec.nested {
		arg.Attributes = append(arg.Attributes, attr)
	}
	slices.Sort(arg.Attributes)
	return arg
}
