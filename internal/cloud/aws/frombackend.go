package aws

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/infractl/infractl/internal/estate"
)

// setting is one backend argument after merging the block with
// -backend-config, with where it was set for messages.
type setting struct {
	value   cty.Value
	literal bool
	expr    string
	where   string
}

// FromBackend reads an environment's s3 backend block, with each of
// backendConfig merged over it in order as terraform init -backend-config
// does, into a Config. An element of backendConfig is a file of HCL
// `key = value` lines (or JSON when it ends in .json) or, when no such
// file exists and it holds "=", a single key=value pair. Relative file
// names are opened as given, that is relative to the process's working
// directory: the CLI makes them absolute from the user's working directory
// before calling, as terraform init -backend-config would read them. File
// paths inside the block (custom_ca_bundle, shared_config_files,
// web_identity_token_file) are taken as given too.
//
// The region falls back to AWS_REGION and AWS_DEFAULT_REGION, and the
// endpoints to AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB and
// AWS_ENDPOINT_URL (then the deprecated AWS_S3_ENDPOINT and
// AWS_DYNAMODB_ENDPOINT), as Terraform's do. Credentials are left to the
// normal AWS chain unless the block sets profile, keys or roles.
//
// No argument is silently ignored. Every argument of the s3 backend's
// schema in Terraform 1.11 is either used (see Config and Connection),
// accepted because infractl makes no call it would change
// (skip_credentials_validation, skip_requesting_account_id,
// skip_region_validation, iam_endpoint and endpoints.iam), or refused
// with a *ConfigError saying infractl does not support it yet (http_proxy,
// https_proxy, no_proxy, endpoints.sso). An argument outside the schema is
// a *ConfigError too, as terraform would reject it.
//
// Only the default workspace's key is returned; use Config.ForWorkspace
// for others. Errors are *ConfigError naming the argument and the block's
// file:line: a backend of another type, a missing bucket, key or region,
// an unknown, unsupported or conflicting argument, or an argument that is
// not a literal value (infractl reads backends without running terraform).
func FromBackend(b *estate.Backend, backendConfig ...string) (Config, error) {
	if b == nil {
		return Config{}, &ConfigError{Msg: "the environment has no backend"}
	}
	source := blockSource(b)
	if b.Type != "s3" {
		kind := b.Type
		if b.Implicit {
			kind = "local (no backend block)"
		}
		return Config{}, &ConfigError{Source: source, Msg: fmt.Sprintf("the backend is %s, not s3", kind)}
	}
	set := map[string]setting{}
	for name, a := range b.Attributes {
		set[name] = setting{value: a.Value, literal: a.Literal, expr: a.Expr, where: rangeSource(a.Range)}
	}
	for _, nb := range b.Blocks {
		// Nested blocks such as assume_role { ... } read like objects.
		set[nb.Type] = blockSetting(nb)
	}
	for _, bc := range backendConfig {
		extra, err := readBackendConfig(bc)
		if err != nil {
			return Config{}, err
		}
		for name, s := range extra {
			set[name] = s
		}
	}
	if err := checkArguments(set, source); err != nil {
		return Config{}, err
	}
	cfg, err := configFromSettings(set, source)
	if err != nil {
		return Config{}, err
	}
	return cfg, cfg.Validate()
}

// configFromSettings maps backend arguments to a Config, falling back to
// the environment where Terraform does.
func configFromSettings(set map[string]setting, source string) (Config, error) {
	r := reader{set: set, source: source}
	cfg := Config{Source: source}
	cfg.Bucket = r.str("bucket")
	cfg.Key = r.str("key")
	cfg.Region = r.str("region")
	cfg.WorkspaceKeyPrefix = r.str("workspace_key_prefix")
	cfg.Table = r.str("dynamodb_table")
	cfg.UseLockfile = r.boolean("use_lockfile")
	cfg.Encrypt = r.boolean("encrypt")
	cfg.KMSKeyID = r.str("kms_key_id")
	cfg.SSECustomerKey = r.str("sse_customer_key")
	cfg.ACL = r.str("acl")
	cfg.AllowedAccountIDs = r.list("allowed_account_ids")
	cfg.ForbiddenAccountIDs = r.list("forbidden_account_ids")
	cfg.UsePathStyle = r.boolean("use_path_style") || r.boolean("force_path_style")
	cfg.Profile = r.str("profile")
	cfg.AccessKey = r.str("access_key")
	cfg.SecretKey = r.str("secret_key")
	cfg.Token = r.str("token")
	cfg.SharedConfigFiles = r.list("shared_config_files")
	cfg.SharedCredentialsFiles = r.list("shared_credentials_files")
	if f := r.str("shared_credentials_file"); f != "" && len(cfg.SharedCredentialsFiles) == 0 {
		cfg.SharedCredentialsFiles = []string{f}
	}
	if n := r.str("max_retries"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			r.fail("max_retries", fmt.Sprintf("max_retries must be a whole number, got %q", n))
		}
		cfg.MaxRetries = v
	}
	cfg.RetryMode = r.str("retry_mode")
	if m := cfg.RetryMode; m != "" && m != "standard" && m != "adaptive" {
		r.fail("retry_mode", fmt.Sprintf("retry_mode must be \"standard\" or \"adaptive\", got %q", m))
	}
	cfg.STSRegion = r.str("sts_region")
	cfg.CustomCABundle = r.str("custom_ca_bundle")
	cfg.Insecure = r.boolean("insecure")
	cfg.UseFIPSEndpoint = r.boolean("use_fips_endpoint")
	cfg.UseDualStackEndpoint = r.boolean("use_dualstack_endpoint")
	cfg.SkipMetadataAPICheck = r.boolean("skip_metadata_api_check")
	cfg.SkipS3Checksum = r.boolean("skip_s3_checksum")
	cfg.EC2MetadataEndpoint = r.str("ec2_metadata_service_endpoint")
	cfg.EC2MetadataEndpointMode = r.str("ec2_metadata_service_endpoint_mode")
	if m := strings.ToLower(cfg.EC2MetadataEndpointMode); m != "" && m != "ipv4" && m != "ipv6" {
		r.fail("ec2_metadata_service_endpoint_mode", fmt.Sprintf("ec2_metadata_service_endpoint_mode must be \"IPv4\" or \"IPv6\", got %q", cfg.EC2MetadataEndpointMode))
	}
	ep := r.object("endpoints")
	cfg.Endpoints = Endpoints{
		S3:       firstOf(ep.str("s3"), r.str("endpoint"), os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_S3_ENDPOINT"), os.Getenv("AWS_ENDPOINT_URL")),
		DynamoDB: firstOf(ep.str("dynamodb"), r.str("dynamodb_endpoint"), os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), os.Getenv("AWS_DYNAMODB_ENDPOINT"), os.Getenv("AWS_ENDPOINT_URL")),
		STS:      firstOf(ep.str("sts"), r.str("sts_endpoint"), os.Getenv("AWS_ENDPOINT_URL_STS"), os.Getenv("AWS_ENDPOINT_URL")),
	}
	if role := r.object("assume_role"); role != nil {
		cfg.AssumeRole = AssumeRole{
			RoleARN:           role.str("role_arn"),
			SessionName:       role.str("session_name"),
			ExternalID:        role.str("external_id"),
			Duration:          role.duration("duration"),
			Policy:            strings.TrimSpace(role.str("policy")),
			PolicyARNs:        role.list("policy_arns"),
			SourceIdentity:    role.str("source_identity"),
			Tags:              role.strMap("tags"),
			TransitiveTagKeys: role.list("transitive_tag_keys"),
		}
		if cfg.AssumeRole.RoleARN == "" {
			r.fail("assume_role", "assume_role needs role_arn")
		}
	}
	if web := r.object("assume_role_with_web_identity"); web != nil {
		cfg.WebIdentity = WebIdentityRole{
			RoleARN:     web.str("role_arn"),
			SessionName: web.str("session_name"),
			Duration:    web.duration("duration"),
			Policy:      strings.TrimSpace(web.str("policy")),
			PolicyARNs:  web.list("policy_arns"),
			Token:       web.str("web_identity_token"),
			TokenFile:   web.str("web_identity_token_file"),
		}
		w := cfg.WebIdentity
		switch {
		case w.RoleARN == "":
			r.fail("assume_role_with_web_identity", "assume_role_with_web_identity needs role_arn")
		case (w.Token == "") == (w.TokenFile == ""):
			r.fail("assume_role_with_web_identity", "assume_role_with_web_identity needs exactly one of web_identity_token and web_identity_token_file")
		}
	}
	if cfg.Region == "" {
		cfg.Region = firstOf(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	}
	if cfg.SSECustomerKey == "" {
		cfg.SSECustomerKey = os.Getenv("AWS_SSE_CUSTOMER_KEY")
	}
	if r.err != nil {
		return Config{}, r.err
	}
	return cfg, nil
}

// reader converts settings to Go values, keeping the first error.
type reader struct {
	set    map[string]setting
	source string
	err    error
}

func (r *reader) fail(name, msg string) {
	if r.err != nil {
		return
	}
	where := r.source
	if s, ok := r.set[name]; ok && s.where != "" {
		where = s.where
	}
	r.err = &ConfigError{Source: where, Arg: name, Msg: msg}
}

// get returns a literal, non-null setting; a non-literal one is an error.
func (r *reader) get(name string) (cty.Value, bool) {
	s, ok := r.set[name]
	if !ok {
		return cty.NilVal, false
	}
	if !s.literal {
		r.fail(name, fmt.Sprintf("%s = %s is not a literal value; infractl reads the backend without running terraform, "+
			"so write the value or pass it with -backend-config", name, strings.TrimSpace(s.expr)))
		return cty.NilVal, false
	}
	if s.value.IsNull() {
		return cty.NilVal, false
	}
	return s.value, true
}

func (r *reader) str(name string) string {
	v, ok := r.get(name)
	if !ok {
		return ""
	}
	return r.toStr(name, name, v)
}

func (r *reader) toStr(arg, name string, v cty.Value) string {
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() {
		r.fail(arg, fmt.Sprintf("%s must be a string", name))
		return ""
	}
	return s.AsString()
}

func (r *reader) boolean(name string) bool {
	v, ok := r.get(name)
	if !ok {
		return false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil || b.IsNull() {
		r.fail(name, fmt.Sprintf("%s must be true or false", name))
		return false
	}
	return b.True()
}

func (r *reader) list(name string) []string {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	return r.toList(name, name, v)
}

func (r *reader) toList(arg, name string, v cty.Value) []string {
	l, err := convert.Convert(v, cty.List(cty.String))
	if err != nil || l.IsNull() {
		r.fail(arg, fmt.Sprintf("%s must be a list of strings", name))
		return nil
	}
	var out []string
	for it := l.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

// object returns an object argument (endpoints, assume_role) for reading
// its attributes; nil when it is not set.
func (r *reader) object(name string) *objectReader {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		r.fail(name, fmt.Sprintf("%s must be an object, as in %s = { ... }", name, name))
		return nil
	}
	o := &objectReader{r: r, name: name, attrs: map[string]cty.Value{}}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if !e.IsNull() {
			o.attrs[k.AsString()] = e
		}
	}
	return o
}

// objectReader reads the attributes of one object argument; errors name
// the argument, and the attribute as parent.attr.
type objectReader struct {
	r     *reader
	name  string
	attrs map[string]cty.Value
}

func (o *objectReader) str(attr string) string {
	if o == nil {
		return ""
	}
	v, ok := o.attrs[attr]
	if !ok {
		return ""
	}
	return o.r.toStr(o.name, o.name+"."+attr, v)
}

func (o *objectReader) list(attr string) []string {
	v, ok := o.attrs[attr]
	if !ok {
		return nil
	}
	return o.r.toList(o.name, o.name+"."+attr, v)
}

func (o *objectReader) strMap(attr string) map[string]string {
	v, ok := o.attrs[attr]
	if !ok {
		return nil
	}
	m, err := convert.Convert(v, cty.Map(cty.String))
	if err != nil || m.IsNull() {
		o.r.fail(o.name, fmt.Sprintf("%s.%s must be a map of strings", o.name, attr))
		return nil
	}
	out := map[string]string{}
	for it := m.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if !e.IsNull() {
			out[k.AsString()] = e.AsString()
		}
	}
	return out
}

// duration reads a role session duration ("1h", "90m"), which Terraform
// bounds to 15 minutes .. 12 hours.
func (o *objectReader) duration(attr string) time.Duration {
	s := o.str(attr)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 15*time.Minute || d > 12*time.Hour {
		o.r.fail(o.name, fmt.Sprintf("%s.%s must be a duration between 15m and 12h, such as \"1h\", got %q", o.name, attr, s))
		return 0
	}
	return d
}

// readBackendConfig reads one -backend-config argument: a file, or a
// key=value pair.
func readBackendConfig(arg string) (map[string]setting, error) {
	src, err := os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			if name, value, ok := strings.Cut(arg, "="); ok && name != "" && !strings.ContainsAny(name, "/\\") {
				return map[string]setting{strings.TrimSpace(name): pairSetting(strings.TrimSpace(name), value, arg)}, nil
			}
		}
		return nil, &ConfigError{Source: arg, Msg: fmt.Sprintf("reading -backend-config file: %v", err)}
	}
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(arg, ".json") {
		file, diags = hcljson.Parse(src, arg)
	} else {
		file, diags = hclsyntax.ParseConfig(src, arg, hcl.InitialPos)
	}
	if diags.HasErrors() {
		return nil, &ConfigError{Source: arg, Msg: "invalid -backend-config file: " + diags.Error()}
	}
	attrs, diags := file.Body.JustAttributes()
	if diags.HasErrors() {
		return nil, &ConfigError{Source: arg, Msg: "invalid -backend-config file: " + diags.Error()}
	}
	out := make(map[string]setting, len(attrs))
	for name, a := range attrs {
		s := setting{where: rangeSource(a.Range), expr: string(a.Expr.Range().SliceBytes(src))}
		if v, d := a.Expr.Value(nil); !d.HasErrors() && v.IsWhollyKnown() {
			s.value, s.literal = v, true
		}
		out[name] = s
	}
	return out, nil
}

// pairSetting reads the value of a key=value -backend-config argument:
// objects and lists are HCL expressions, anything else is taken as text,
// as terraform does for string arguments.
func pairSetting(name, value, arg string) setting {
	s := setting{value: cty.StringVal(value), literal: true, expr: value, where: "-backend-config=" + name}
	if t := strings.TrimSpace(value); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		expr, diags := hclsyntax.ParseExpression([]byte(t), arg, hcl.InitialPos)
		if !diags.HasErrors() {
			if v, d := expr.Value(nil); !d.HasErrors() && v.IsWhollyKnown() {
				s.value = v
			}
		}
	}
	return s
}

// blockSetting turns a nested block into an object setting; a block with
// a non-literal argument, or a block nested in it, is a non-literal
// setting, which reading refuses with its source text.
func blockSetting(b estate.Block) setting {
	s := setting{literal: true, where: rangeSource(b.Range), expr: b.Type + " { ... }"}
	attrs := map[string]cty.Value{}
	for name, a := range b.Attributes {
		if !a.Literal {
			s.literal, s.expr = false, b.Type+" { "+name+" = "+a.Expr+" }"
			return s
		}
		attrs[name] = a.Value
	}
	if len(b.Blocks) > 0 {
		s.literal, s.expr = false, b.Type+" { "+b.Blocks[0].Type+" { ... } }"
		return s
	}
	s.value = cty.ObjectVal(attrs)
	return s
}

func blockSource(b *estate.Backend) string {
	if b.Implicit || b.Range.Filename == "" {
		return ""
	}
	return rangeSource(b.Range)
}

func rangeSource(r hcl.Range) string {
	if r.Filename == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
