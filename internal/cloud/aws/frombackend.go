package aws

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

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
// names are taken as they are, so the CLI resolves them against the
// environment directory as terraform would.
//
// The region falls back to AWS_REGION and AWS_DEFAULT_REGION, and the
// endpoints to AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB and
// AWS_ENDPOINT_URL (then the deprecated AWS_S3_ENDPOINT and
// AWS_DYNAMODB_ENDPOINT), as Terraform's do. Credentials are left to the
// normal AWS chain unless the block sets profile or keys literally.
//
// Only the default workspace's key is returned; use Config.ForWorkspace
// for others. Errors are *ConfigError naming the argument and the block's
// file:line: a backend of another type, a missing bucket, key or region,
// or an argument that is not a literal value (infractl reads backends
// without running terraform).
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
		if obj, ok := blockObject(nb); ok {
			set[nb.Type] = setting{value: obj, literal: true, where: rangeSource(nb.Range)}
		}
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
	ep := r.object("endpoints")
	cfg.Endpoints = Endpoints{
		S3:       firstOf(ep["s3"], r.str("endpoint"), os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_S3_ENDPOINT"), os.Getenv("AWS_ENDPOINT_URL")),
		DynamoDB: firstOf(ep["dynamodb"], r.str("dynamodb_endpoint"), os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"), os.Getenv("AWS_DYNAMODB_ENDPOINT"), os.Getenv("AWS_ENDPOINT_URL")),
		STS:      firstOf(ep["sts"], r.str("sts_endpoint"), os.Getenv("AWS_ENDPOINT_URL_STS"), os.Getenv("AWS_ENDPOINT_URL")),
	}
	role := r.object("assume_role")
	cfg.AssumeRole = AssumeRole{
		RoleARN:     firstOf(role["role_arn"], r.str("role_arn")),
		SessionName: firstOf(role["session_name"], r.str("session_name")),
		ExternalID:  firstOf(role["external_id"], r.str("external_id")),
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
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() {
		r.fail(name, fmt.Sprintf("%s must be a string", name))
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
	l, err := convert.Convert(v, cty.List(cty.String))
	if err != nil || l.IsNull() {
		r.fail(name, fmt.Sprintf("%s must be a list of strings", name))
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

func (r *reader) object(name string) map[string]string {
	v, ok := r.get(name)
	if !ok {
		return nil
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		r.fail(name, fmt.Sprintf("%s must be an object, as in %s = { ... }", name, name))
		return nil
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() {
			continue
		}
		s, err := convert.Convert(e, cty.String)
		if err != nil {
			continue // nested objects (e.g. assume_role tags) are not used
		}
		out[k.AsString()] = s.AsString()
	}
	return out
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

// blockObject turns a nested block of literal arguments into an object.
func blockObject(b estate.Block) (cty.Value, bool) {
	attrs := map[string]cty.Value{}
	for name, a := range b.Attributes {
		if !a.Literal {
			return cty.NilVal, false
		}
		attrs[name] = a.Value
	}
	return cty.ObjectVal(attrs), true
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
