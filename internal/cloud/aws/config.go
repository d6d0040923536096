package aws

import (
	"fmt"
	"path"
	"strings"
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
	// AssumeRole, when RoleARN is set, is assumed with the credentials
	// above, as the backend's assume_role block does.
	AssumeRole AssumeRole `json:"assume_role,omitzero"`
	// MaxRetries is the backend's max_retries; 0 keeps the SDK default.
	MaxRetries int `json:"max_retries,omitempty"`
}

// AssumeRole is the part of the backend's assume_role block infractl
// honours, so cross-account state buckets work as they do for Terraform.
type AssumeRole struct {
	RoleARN     string `json:"role_arn,omitempty"`
	SessionName string `json:"session_name,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
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
