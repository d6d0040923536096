package lint

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/cloud/aws"
	"github.com/infractl/infractl/internal/estate"
)

// deprecatedS3Args are the s3 backend arguments Terraform 1.11 deprecates
// (terraform-protocols.md section 2), with their replacements.
// dynamodb_table has a rule of its own (IFX005).
var deprecatedS3Args = map[string]string{
	"dynamodb_endpoint":       "endpoints = { dynamodb = ... }",
	"endpoint":                "endpoints = { s3 = ... }",
	"iam_endpoint":            "endpoints = { iam = ... }",
	"sts_endpoint":            "endpoints = { sts = ... }",
	"force_path_style":        "use_path_style",
	"shared_credentials_file": "shared_credentials_files = [...]",
}

// backendRules checks one environment's backend block on its own.
func (l *linter) backendRules(env *estate.Environment) {
	b := env.Backend
	if b == nil || b.Implicit {
		return
	}
	switch b.Type {
	case "s3":
		l.s3Arguments(env)
		l.s3Protection(env)
	case "http":
		l.httpBackend(env)
	case "pg":
		if a, ok := b.Attributes["conn_str"]; ok {
			if s, ok := a.AsString(); ok && strings.Contains(strings.ToLower(s), "sslmode=disable") {
				l.add(newFinding(RuleUnencryptedState, env.Name, locationOf(a.Range, ""), "pg.sslmode",
					fmt.Sprintf("the pg backend of %s connects with sslmode=disable, so state crosses the network unencrypted", env.Name), ""))
			}
		}
	case "consul":
		if a, ok := b.Attributes["lock"]; ok && a.Literal && a.Value.Type() == cty.Bool && a.Value.False() {
			l.add(newFinding(RuleUnlockedState, env.Name, locationOf(a.Range, ""), "consul.lock",
				fmt.Sprintf("the consul backend of %s sets lock = false, so two runs can write its state at once", env.Name),
				"Remove lock = false (consul locks by default)."))
		}
	}
}

// s3Arguments reports arguments the s3 backend rejects or deprecates.
func (l *linter) s3Arguments(env *estate.Environment) {
	b := env.Backend
	names := make([]string, 0, len(b.Attributes))
	for n := range b.Attributes {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		a := b.Attributes[name]
		loc := locationOf(a.Range, "")
		spec := aws.LookupS3BackendArg(name)
		switch {
		case !spec.Known:
			msg := fmt.Sprintf("%s is not an argument of the s3 backend: terraform init fails with \"An argument named %q is not expected here\"", name, name)
			hint := "Remove it."
			switch {
			case name == "versioning":
				hint = "Remove it: versioning is a property of the bucket, not of the backend. Enable it on the state bucket (aws_s3_bucket_versioning, or `infractl bootstrap s3`, which also sets encryption and blocks public access)."
			case spec.Replacement != "":
				hint = "Remove it: it was removed from the s3 backend; use " + spec.Replacement + "."
			}
			l.add(newFinding(RuleUnsupportedBackend, env.Name, loc, "s3."+name, msg, hint))
		case spec.Attributes != nil && a.Literal && !a.Value.IsNull() && (a.Value.Type().IsObjectType() || a.Value.Type().IsMapType()):
			var keys []string
			for it := a.Value.ElementIterator(); it.Next(); {
				k, _ := it.Element()
				keys = append(keys, k.AsString())
			}
			slices.Sort(keys)
			for _, k := range keys {
				if !slices.Contains(spec.Attributes, k) {
					l.add(newFinding(RuleUnsupportedBackend, env.Name, loc, "s3."+name+"."+k,
						fmt.Sprintf("%s.%s is not an argument of the s3 backend; %s takes %s", name, k, name, strings.Join(spec.Attributes, ", ")),
						"Remove it, or correct its name."))
				} else if name == "endpoints" && k == "dynamodb" {
					l.add(newFinding(RuleDeprecatedBackendArg, env.Name, loc, "s3.endpoints.dynamodb",
						"endpoints.dynamodb is deprecated in Terraform 1.11 with the rest of DynamoDB locking",
						"Lock with use_lockfile = true and remove dynamodb_table and endpoints.dynamodb."))
				}
			}
		case deprecatedS3Args[name] != "":
			l.add(newFinding(RuleDeprecatedBackendArg, env.Name, loc, "s3."+name,
				fmt.Sprintf("%s is deprecated in the s3 backend of Terraform 1.11", name),
				"Use "+deprecatedS3Args[name]+" instead."))
		}
	}
	for _, blk := range b.Blocks {
		spec := aws.LookupS3BackendArg(blk.Type)
		msg := fmt.Sprintf("the s3 backend takes no %s block: terraform init fails with \"Blocks of type %q are not expected here\"", blk.Type, blk.Type)
		hint := "Remove the block."
		if spec.Attributes != nil {
			hint = fmt.Sprintf("Write it as an argument: %s = { ... } (Terraform 1.6 and later).", blk.Type)
		}
		l.add(newFinding(RuleUnsupportedBackend, env.Name, locationOf(blk.Range, ""), "s3.block."+blk.Type, msg, hint))
	}
}

// literalTrue reports whether attribute name is set to a literal true, and
// whether it is set at all (to anything, literal or not).
func literalTrue(b *estate.Backend, name string) (isTrue, set, literal bool) {
	a, ok := b.Attributes[name]
	if !ok || (a.Literal && a.Value.IsNull()) {
		return false, false, true
	}
	if !a.Literal {
		return false, true, false
	}
	v := a.Value
	if v.Type() == cty.String {
		return v.AsString() == "true", true, true
	}
	return v.Type() == cty.Bool && v.True(), true, true
}

// s3Protection checks encryption and locking of a complete s3 backend
// block. Partial configurations (no bucket or key: the rest comes from
// -backend-config) are skipped, as lint cannot see the rest.
func (l *linter) s3Protection(env *estate.Environment) {
	b := env.Backend
	if _, ok := b.Attributes["bucket"]; !ok {
		return
	}
	if _, ok := b.Attributes["key"]; !ok {
		return
	}
	header := locationOf(b.Range, "")
	encrypted, encSet, encLiteral := literalTrue(b, "encrypt")
	_, ssec := b.Attributes["sse_customer_key"]
	if !encrypted && !ssec && encLiteral {
		loc := header
		what := "does not set encrypt = true"
		if encSet {
			loc = locationOf(b.Attributes["encrypt"].Range, "")
			what = "sets encrypt = false"
		}
		l.add(newFinding(RuleUnencryptedState, env.Name, loc, "s3.encrypt",
			fmt.Sprintf("the s3 backend of %s %s: terraform does not ask S3 to encrypt the state object, which holds every secret in the state", env.Name, what),
			"Set encrypt = true (and kms_key_id for a customer-managed KMS key)."))
	}
	lockfile, lfSet, lfLiteral := literalTrue(b, "use_lockfile")
	dyn, hasDyn := b.Attributes["dynamodb_table"]
	hasDyn = hasDyn && !(dyn.Literal && dyn.Value.IsNull())
	switch {
	case !lfLiteral:
		// use_lockfile = var.x (OpenTofu): cannot tell.
	case !lockfile && !hasDyn:
		loc := header
		what := "sets neither use_lockfile nor dynamodb_table"
		if lfSet {
			loc = locationOf(b.Attributes["use_lockfile"].Range, "")
			what = "sets use_lockfile = false and no dynamodb_table"
		}
		l.add(newFinding(RuleUnlockedState, env.Name, loc, "s3.lock",
			fmt.Sprintf("the s3 backend of %s %s, so nothing stops two runs from writing its state at once", env.Name, what),
			"Set use_lockfile = true (S3-native locking, Terraform 1.10+)."))
	case !lockfile && hasDyn:
		l.add(newFinding(RuleDeprecatedDynamoDB, env.Name, locationOf(dyn.Range, ""), "s3.dynamodb_table",
			fmt.Sprintf("the s3 backend of %s locks only with dynamodb_table, deprecated since Terraform 1.11 in favour of use_lockfile", env.Name), ""))
	}
}

// httpBackend checks locking and transport of an http backend.
func (l *linter) httpBackend(env *estate.Environment) {
	b := env.Backend
	if _, ok := b.Attributes["address"]; !ok {
		return // partial configuration
	}
	if a, ok := b.Attributes["lock_address"]; !ok || (a.Literal && a.Value.IsNull()) {
		l.add(newFinding(RuleUnlockedState, env.Name, locationOf(b.Range, ""), "http.lock",
			fmt.Sprintf("the http backend of %s has no lock_address, so terraform never locks its state", env.Name),
			"Set lock_address and unlock_address (an infractl server serves both at the state address)."))
	}
	for _, name := range []string{"address", "lock_address", "unlock_address"} {
		a, ok := b.Attributes[name]
		if !ok {
			continue
		}
		s, ok := a.AsString()
		if !ok {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "http" || isLoopback(u.Hostname()) {
			continue
		}
		l.add(newFinding(RuleUnencryptedState, env.Name, locationOf(a.Range, ""), "http."+name,
			fmt.Sprintf("the http backend of %s uses plain http:// for %s (host %s), so state and credentials cross the network unencrypted", env.Name, name, u.Hostname()),
			"Use an https:// address."))
	}
}

// isLoopback reports whether host is this machine, where plain http is
// harmless (the demo and tests).
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
