package aws

import (
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
)

// Endpoints are custom service URLs, for S3-compatible stores and for
// moto in tests; empty fields use AWS's own endpoints.
type Endpoints struct {
	S3       string `json:"s3,omitempty"`
	DynamoDB string `json:"dynamodb,omitempty"`
	STS      string `json:"sts,omitempty"`
	KMS      string `json:"kms,omitempty"`
}

// AllEndpoints points every service at one URL, as the CLI's --endpoint
// does for an S3-compatible store or moto, which serve all APIs on one port.
func AllEndpoints(url string) Endpoints {
	return Endpoints{S3: url, DynamoDB: url, STS: url, KMS: url}
}

// Connection says how to reach AWS and as whom, so every operation (and
// Bootstrap, which has no backend block yet) builds its clients the same
// way. Empty credential fields leave the normal AWS chain (environment,
// shared files, SSO, instance roles) in charge.
//
// A Connection holds secrets (static keys, the assume_role external ID, a
// web identity token): they are never marshalled to JSON, and every fmt
// verb prints the redacted form of String.
type Connection struct {
	// Region is the state's region.
	Region string `json:"region"`
	// Endpoints override service URLs.
	Endpoints Endpoints `json:"endpoints,omitzero"`
	// UsePathStyle addresses buckets as host/bucket instead of
	// bucket.host, which S3-compatible stores and moto need.
	UsePathStyle bool `json:"use_path_style,omitempty"`
	// Profile selects a shared-config profile.
	Profile string `json:"profile,omitempty"`
	// AccessKey, SecretKey and Token are static credentials from the
	// backend block. They are never printed.
	AccessKey string `json:"-"`
	SecretKey string `json:"-"`
	Token     string `json:"-"`
	// SharedConfigFiles and SharedCredentialsFiles replace the default
	// ~/.aws/config and ~/.aws/credentials.
	SharedConfigFiles      []string `json:"shared_config_files,omitempty"`
	SharedCredentialsFiles []string `json:"shared_credentials_files,omitempty"`
	// WebIdentity, when RoleARN is set, exchanges an OIDC token for role
	// credentials first, as assume_role_with_web_identity does.
	WebIdentity WebIdentityRole `json:"assume_role_with_web_identity,omitzero"`
	// AssumeRole, when RoleARN is set, is assumed with the credentials
	// above (or those of WebIdentity), as the backend's assume_role does.
	AssumeRole AssumeRole `json:"assume_role,omitzero"`
	// STSRegion is sts_region: the region of the STS calls (assuming
	// roles, finding the account) when it differs from Region.
	STSRegion string `json:"sts_region,omitempty"`
	// MaxRetries is the backend's max_retries; 0 keeps the SDK default.
	MaxRetries int `json:"max_retries,omitempty"`
	// RetryMode is retry_mode, "standard" or "adaptive"; empty keeps the
	// SDK's choice (AWS_RETRY_MODE or standard).
	RetryMode string `json:"retry_mode,omitempty"`
	// CustomCABundle is custom_ca_bundle: a PEM file holding the only
	// certificate authorities trusted for TLS (AWS_CA_BUNDLE still works
	// when it is empty).
	CustomCABundle string `json:"custom_ca_bundle,omitempty"`
	// Insecure is insecure: TLS certificates are not verified. For
	// S3-compatible stores with self-signed certificates only.
	Insecure bool `json:"insecure,omitempty"`
	// UseFIPSEndpoint and UseDualStackEndpoint make the SDK resolve FIPS
	// or dual-stack (IPv6) endpoints, as use_fips_endpoint and
	// use_dualstack_endpoint do.
	UseFIPSEndpoint      bool `json:"use_fips_endpoint,omitempty"`
	UseDualStackEndpoint bool `json:"use_dualstack_endpoint,omitempty"`
	// SkipMetadataAPICheck is skip_metadata_api_check: the EC2 instance
	// metadata service is not asked for credentials or the region.
	SkipMetadataAPICheck bool `json:"skip_metadata_api_check,omitempty"`
	// EC2MetadataEndpoint and EC2MetadataEndpointMode ("IPv4" or "IPv6")
	// are ec2_metadata_service_endpoint[_mode].
	EC2MetadataEndpoint     string `json:"ec2_metadata_service_endpoint,omitempty"`
	EC2MetadataEndpointMode string `json:"ec2_metadata_service_endpoint_mode,omitempty"`
	// SkipS3Checksum is skip_s3_checksum: no checksum is computed or
	// validated unless S3 requires one, for S3-compatible stores that
	// reject the SDK's default CRC checksums.
	SkipS3Checksum bool `json:"skip_s3_checksum,omitempty"`
}

// AssumeRole is the backend's assume_role block, so cross-account state
// buckets work as they do for Terraform. ExternalID is a shared secret of
// sorts: it is neither marshalled nor printed.
type AssumeRole struct {
	RoleARN     string `json:"role_arn,omitempty"`
	SessionName string `json:"session_name,omitempty"`
	ExternalID  string `json:"-"`
	// Duration is the session's lifetime; 0 keeps the SDK's 15 minutes.
	Duration time.Duration `json:"duration,omitempty"`
	// Policy and PolicyARNs restrict the session further.
	Policy     string   `json:"policy,omitempty"`
	PolicyARNs []string `json:"policy_arns,omitempty"`
	// SourceIdentity, Tags and TransitiveTagKeys are passed to
	// sts:AssumeRole as given.
	SourceIdentity    string            `json:"source_identity,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
	TransitiveTagKeys []string          `json:"transitive_tag_keys,omitempty"`
}

// WebIdentityRole is the backend's assume_role_with_web_identity block:
// an OIDC token (given, or read from a file at every refresh) exchanged
// for the role's credentials. Token is a secret: never marshalled or
// printed.
type WebIdentityRole struct {
	RoleARN     string        `json:"role_arn,omitempty"`
	SessionName string        `json:"session_name,omitempty"`
	Duration    time.Duration `json:"duration,omitempty"`
	Policy      string        `json:"policy,omitempty"`
	PolicyARNs  []string      `json:"policy_arns,omitempty"`
	Token       string        `json:"-"`
	TokenFile   string        `json:"web_identity_token_file,omitempty"`
}

// String describes the connection without any secret: region, endpoints,
// profile, roles, and whether static credentials are set (not what they
// are).
func (c Connection) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	flag := func(k string, on bool) {
		if on {
			parts = append(parts, k)
		}
	}
	add("region", c.Region)
	add("s3", c.Endpoints.S3)
	add("dynamodb", c.Endpoints.DynamoDB)
	add("sts", c.Endpoints.STS)
	add("kms", c.Endpoints.KMS)
	flag("path-style", c.UsePathStyle)
	add("profile", c.Profile)
	if c.AccessKey != "" || c.SecretKey != "" || c.Token != "" {
		parts = append(parts, "static-credentials=(hidden)")
	}
	add("web-identity-role", c.WebIdentity.RoleARN)
	add("role", c.AssumeRole.RoleARN)
	if c.AssumeRole.ExternalID != "" {
		parts = append(parts, "external-id=(hidden)")
	}
	add("sts-region", c.STSRegion)
	add("ca-bundle", c.CustomCABundle)
	flag("insecure", c.Insecure)
	flag("fips", c.UseFIPSEndpoint)
	flag("dualstack", c.UseDualStackEndpoint)
	return "aws{" + strings.Join(parts, " ") + "}"
}

// Format prints String for every verb, so no verb (%+v, %#v, %d, ...)
// can reach a secret field.
func (c Connection) Format(f fmt.State, verb rune) { formatSafe(f, verb, c.String()) }

// String describes the role without the external ID.
func (r AssumeRole) String() string {
	s := "assume_role{role_arn=" + r.RoleARN
	if r.SessionName != "" {
		s += " session_name=" + r.SessionName
	}
	if r.ExternalID != "" {
		s += " external_id=(hidden)"
	}
	return s + "}"
}

// Format prints String for every verb.
func (r AssumeRole) Format(f fmt.State, verb rune) { formatSafe(f, verb, r.String()) }

// String describes the role without the token.
func (r WebIdentityRole) String() string {
	s := "assume_role_with_web_identity{role_arn=" + r.RoleARN
	switch {
	case r.TokenFile != "":
		s += " web_identity_token_file=" + r.TokenFile
	case r.Token != "":
		s += " web_identity_token=(hidden)"
	}
	return s + "}"
}

// Format prints String for every verb.
func (r WebIdentityRole) Format(f fmt.State, verb rune) { formatSafe(f, verb, r.String()) }

// formatSafe writes s for any verb: quoted for %q, as is otherwise.
func formatSafe(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	io.WriteString(f, s)
}

// Config is one environment's s3 backend as infractl needs it: where the
// state object is, which locks Terraform takes for it, and how it is
// encrypted.
type Config struct {
	Connection
	// Bucket and Key locate the state object of the default workspace.
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// WorkspaceKeyPrefix is the backend's workspace_key_prefix ("env:"
	// when unset); ForWorkspace uses it.
	WorkspaceKeyPrefix string `json:"workspace_key_prefix,omitempty"`
	// Table is the DynamoDB lock table (dynamodb_table), empty when
	// locking does not use DynamoDB.
	Table string `json:"dynamodb_table,omitempty"`
	// UseLockfile is use_lockfile: Terraform locks with a .tflock object.
	UseLockfile bool `json:"use_lockfile,omitempty"`
	// Encrypt and KMSKeyID are how Terraform encrypts what it writes;
	// Rollback writes the same way.
	Encrypt  bool   `json:"encrypt,omitempty"`
	KMSKeyID string `json:"kms_key_id,omitempty"`
	// SSECustomerKey is the base64 SSE-C key (sse_customer_key), needed
	// to read and write objects encrypted with it. It is never printed.
	SSECustomerKey string `json:"-"`
	// ACL is the canned ACL Terraform puts on the state objects it writes
	// (acl); Rollback writes with it too.
	ACL string `json:"acl,omitempty"`
	// AllowedAccountIDs and ForbiddenAccountIDs are allowed_account_ids
	// and forbidden_account_ids: the Backend refuses to change anything
	// (lock, unlock, roll back) with credentials of another account; see
	// Backend.CheckAccount.
	AllowedAccountIDs   []string `json:"allowed_account_ids,omitempty"`
	ForbiddenAccountIDs []string `json:"forbidden_account_ids,omitempty"`
	// Source is where the backend block is, "environments/dev/main.tf:3",
	// for messages.
	Source string `json:"source,omitempty"`
}

// DefaultWorkspaceKeyPrefix is Terraform's workspace_key_prefix default.
const DefaultWorkspaceKeyPrefix = "env:"

// LockfileSuffix is what Terraform appends to the state key to name the
// S3-native lock object.
const LockfileSuffix = ".tflock"

// DigestSuffix is what Terraform appends to the lock ID to name the
// DynamoDB item holding the state's MD5.
const DigestSuffix = "-md5"

// String names the state for messages: s3://bucket/key.
func (c Config) String() string { return "s3://" + c.Bucket + "/" + c.Key }

// Format prints String for %v and %s, and with %+v or %#v also the
// connection and settings, never a secret (keys, token, SSE-C key,
// external ID). Without it the Connection's Format would be promoted.
func (c Config) Format(f fmt.State, verb rune) {
	s := c.String()
	if verb == 'v' && (f.Flag('+') || f.Flag('#')) {
		s = c.describe()
	}
	formatSafe(f, verb, s)
}

// describe is the long, secret-free form of the config.
func (c Config) describe() string {
	parts := []string{c.String(), c.Connection.String(), "locking=" + c.Locking()}
	if c.Encrypt {
		parts = append(parts, "encrypt")
	}
	if c.KMSKeyID != "" {
		parts = append(parts, "kms_key_id="+c.KMSKeyID)
	}
	if c.SSECustomerKey != "" {
		parts = append(parts, "sse_customer_key=(hidden)")
	}
	if c.Source != "" {
		parts = append(parts, "source="+c.Source)
	}
	return strings.Join(parts, " ")
}

// LockID is the DynamoDB lock item's key, bucket/key, which is also the
// Path in Terraform's lock info.
func (c Config) LockID() string { return c.Bucket + "/" + c.Key }

// DigestID is the DynamoDB item that holds the state's MD5.
func (c Config) DigestID() string { return c.LockID() + DigestSuffix }

// LockfileKey is the S3 key of the .tflock object.
func (c Config) LockfileKey() string { return c.Key + LockfileSuffix }

// ForWorkspace returns the config of a non-default workspace, whose state
// Terraform keeps at workspace_key_prefix/NAME/key; "" and "default" return
// c unchanged.
func (c Config) ForWorkspace(name string) Config {
	if name == "" || name == "default" {
		return c
	}
	prefix := c.WorkspaceKeyPrefix
	if prefix == "" {
		prefix = DefaultWorkspaceKeyPrefix
	}
	c.Key = path.Join(prefix, name, c.Key)
	return c
}

// Locking describes which locks Terraform takes for this state, for the
// CLI's locks table: "lockfile", "dynamodb", "lockfile+dynamodb" or "none".
func (c Config) Locking() string {
	switch {
	case c.UseLockfile && c.Table != "":
		return "lockfile+dynamodb"
	case c.UseLockfile:
		return "lockfile"
	case c.Table != "":
		return "dynamodb"
	default:
		return "none"
	}
}

// Validate reports the first required setting that is missing, naming the
// argument and the backend block, so a CLI error says what to add where.
func (c Config) Validate() error {
	for _, req := range []struct{ name, value, hint string }{
		{"bucket", c.Bucket, ""},
		{"key", c.Key, ""},
		{"region", c.Region, "; or set AWS_REGION"},
	} {
		if req.value == "" {
			return &ConfigError{Source: c.Source, Arg: req.name,
				Msg: fmt.Sprintf("the s3 backend needs %q: set it in the backend block or in a -backend-config file%s", req.name, req.hint)}
		}
	}
	if strings.HasPrefix(c.Key, "/") || strings.HasSuffix(c.Key, "/") {
		return &ConfigError{Source: c.Source, Arg: "key", Msg: fmt.Sprintf("key %q must not start or end with /", c.Key)}
	}
	return nil
}

// ConfigError is a backend block infractl cannot use; Source and Arg let
// the CLI point at the line to fix.
type ConfigError struct {
	// Source is the backend block's file:line, or the -backend-config file.
	Source string
	// Arg is the argument at fault, empty for the block as a whole.
	Arg string
	// Msg says what is wrong and how to fix it.
	Msg string
}

// Error says where and what, "environments/dev/main.tf:3: ...".
func (e *ConfigError) Error() string {
	if e.Source == "" {
		return e.Msg
	}
	return e.Source + ": " + e.Msg
}
