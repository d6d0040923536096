package aws

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
)

// BackendFileName is the file WriteBackends creates in an environment
// that has no backend block yet.
const BackendFileName = "backend.tf"

// BackendsOptions say what s3 backend WriteBackends writes.
type BackendsOptions struct {
	// Bucket and Region are the state bucket's.
	Bucket string
	Region string
	// Table adds dynamodb_table (removed when empty): Terraform then
	// takes the DynamoDB lock as well as the lock file.
	Table string
	// KMSKey adds kms_key_id (removed when empty), so state objects are
	// encrypted with the bucket's key.
	KMSKey string
	// Endpoints and UsePathStyle are written for S3-compatible stores and
	// local testing; left alone when empty.
	Endpoints    Endpoints
	UsePathStyle bool
	// SkipAWSChecks writes skip_credentials_validation,
	// skip_requesting_account_id and skip_metadata_api_check, which a
	// store without STS and IAM (moto, MinIO) needs.
	SkipAWSChecks bool
	// Environments limits the writes to these names; empty means all.
	Environments []string
	// DryRun computes the results without writing.
	DryRun bool
}

// Outcomes of WriteBackends for one environment.
const (
	BackendCreated   = "created"
	BackendUpdated   = "updated"
	BackendUnchanged = "unchanged"
	BackendSkipped   = "skipped"
)

// BackendWrite is what WriteBackends did to one environment.
type BackendWrite struct {
	Environment string `json:"environment"`
	// File is the file written, relative to the estate root.
	File string `json:"file"`
	// Status is BackendCreated (a new backend block), BackendUpdated,
	// BackendUnchanged or BackendSkipped.
	Status string `json:"status"`
	// Key is the state key written, <env>/terraform.tfstate.
	Key string `json:"key,omitempty"`
	// Reason explains a skip.
	Reason string `json:"reason,omitempty"`
	// NeedsMigration is true when the state location changed (from local
	// state or another bucket, key or region): the environment needs
	// `terraform init -migrate-state` before its next plan.
	NeedsMigration bool `json:"needs_migration,omitempty"`
}

// StateKey is the key WriteBackends gives an environment's state, unique
// per environment so no two share a state or a lock.
func StateKey(env string) string { return env + "/terraform.tfstate" }

// WriteBackends writes or updates the s3 backend block of every selected
// environment so its state lives in opts.Bucket under StateKey(env), with
// encrypt = true and use_lockfile = true (plus dynamodb_table with a
// table). An existing backend "s3" block is edited in place with hclwrite,
// keeping its other arguments, comments and layout; an environment without
// a backend gets one in backend.tf (appended when the file exists). No
// other file is touched. Environments with another backend type, a cloud
// block, JSON configuration or invalid HCL are skipped with the reason.
// The error is for failures to read or write files; results so far are
// returned with it.
func WriteBackends(e *estate.Estate, opts BackendsOptions) ([]BackendWrite, error) {
	if opts.Bucket == "" || opts.Region == "" {
		return nil, errors.New("writing backends needs a bucket and a region")
	}
	envs, err := e.Select(opts.Environments, len(opts.Environments) == 0)
	if err != nil {
		return nil, err
	}
	var out []BackendWrite
	for _, env := range envs {
		w, err := writeBackend(e, env, opts)
		out = append(out, w)
		if err != nil {
			return out, fmt.Errorf("environment %s: %w", env.Name, err)
		}
	}
	return out, nil
}

func writeBackend(e *estate.Estate, env *estate.Environment, opts BackendsOptions) (BackendWrite, error) {
	w := BackendWrite{Environment: env.Name, Key: StateKey(env.Name)}
	skip := func(reason string) (BackendWrite, error) {
		w.Status, w.Reason = BackendSkipped, reason
		return w, nil
	}
	b := env.Backend
	switch {
	case env.Err != nil:
		return skip("its configuration does not load: " + env.Err.Error())
	case b == nil || b.Implicit:
		w.File = relPath(e, filepath.Join(env.Dir, BackendFileName))
		w.NeedsMigration = true // from local state, if there is any
	case b.Type != "s3":
		return skip(fmt.Sprintf("it has a %s backend at %s; change it by hand (and migrate its state)", b.Type, rangeSource(b.Range)))
	case strings.HasSuffix(b.Range.Filename, ".json"):
		return skip(fmt.Sprintf("its backend is in JSON configuration (%s); edit it by hand", b.Range.Filename))
	default:
		w.File = filepath.ToSlash(b.Range.Filename)
		old, _ := FromBackend(b)
		w.NeedsMigration = old.Bucket != opts.Bucket || old.Key != w.Key || old.Region != opts.Region
	}
	path := filepath.Join(e.Root, filepath.FromSlash(w.File))
	src, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return w, err
	}
	f, diags := hclwrite.ParseConfig(src, w.File, hcl.InitialPos)
	if diags.HasErrors() {
		return w, fmt.Errorf("parsing %s: %s", w.File, diags.Error())
	}
	block := findS3Backend(f.Body())
	if block == nil {
		if b != nil && !b.Implicit {
			return w, fmt.Errorf("%s: no backend \"s3\" block found where the estate saw one", w.File)
		}
		if len(f.Body().Attributes())+len(f.Body().Blocks()) > 0 {
			f.Body().AppendNewline()
		}
		tf := f.Body().AppendNewBlock("terraform", nil)
		block = tf.Body().AppendNewBlock("backend", []string{"s3"})
		w.Status = BackendCreated
	}
	setBackendArgs(block.Body(), w.Key, opts)

	out := f.Bytes()
	if !exists || bytes.Equal(hclwrite.Format(src), src) {
		// Keep a terraform-fmt-clean file clean; never reformat one that
		// was not, beyond the lines we wrote.
		out = hclwrite.Format(out)
	}
	if w.Status == "" {
		w.Status = BackendUpdated
		if bytes.Equal(out, src) {
			w.Status = BackendUnchanged
			w.NeedsMigration = false
		}
	}
	if opts.DryRun || w.Status == BackendUnchanged {
		return w, nil
	}
	return w, writeFileAtomic(path, out)
}

// findS3Backend returns the first backend "s3" block of the file's
// terraform blocks.
func findS3Backend(body *hclwrite.Body) *hclwrite.Block {
	for _, tf := range body.Blocks() {
		if tf.Type() != "terraform" {
			continue
		}
		for _, b := range tf.Body().Blocks() {
			if b.Type() == "backend" && len(b.Labels()) == 1 && b.Labels()[0] == "s3" {
				return b
			}
		}
	}
	return nil
}

// setBackendArgs sets the arguments WriteBackends manages, in place where
// they exist and appended in a fixed order where they do not.
func setBackendArgs(body *hclwrite.Body, key string, opts BackendsOptions) {
	setOrRemove := func(name string, v cty.Value, keep bool) {
		if keep {
			if !sameValue(body, name, v) {
				body.SetAttributeValue(name, v)
			}
		} else {
			body.RemoveAttribute(name)
		}
	}
	setOrRemove("bucket", cty.StringVal(opts.Bucket), true)
	setOrRemove("key", cty.StringVal(key), true)
	setOrRemove("region", cty.StringVal(opts.Region), true)
	setOrRemove("encrypt", cty.True, true)
	setOrRemove("kms_key_id", cty.StringVal(opts.KMSKey), opts.KMSKey != "")
	setOrRemove("use_lockfile", cty.True, true)
	setOrRemove("dynamodb_table", cty.StringVal(opts.Table), opts.Table != "")
	ep := map[string]cty.Value{}
	if opts.Endpoints.S3 != "" {
		ep["s3"] = cty.StringVal(opts.Endpoints.S3)
	}
	if opts.Endpoints.DynamoDB != "" {
		ep["dynamodb"] = cty.StringVal(opts.Endpoints.DynamoDB)
	}
	if opts.Endpoints.STS != "" {
		ep["sts"] = cty.StringVal(opts.Endpoints.STS)
	}
	if len(ep) > 0 {
		setOrRemove("endpoints", cty.ObjectVal(ep), true)
	}
	if opts.UsePathStyle {
		setOrRemove("use_path_style", cty.True, true)
	}
	if opts.SkipAWSChecks {
		for _, name := range []string{"skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check"} {
			setOrRemove(name, cty.True, true)
		}
	}
}

// sameValue reports whether the attribute already holds v, so an
// unchanged argument keeps its exact tokens (and the file stays as is).
func sameValue(body *hclwrite.Body, name string, v cty.Value) bool {
	a := body.GetAttribute(name)
	if a == nil {
		return false
	}
	want := strings.TrimSpace(string(hclwrite.TokensForValue(v).Bytes()))
	got := strings.TrimSpace(string(a.Expr().BuildTokens(nil).Bytes()))
	return normalizeSpace(want) == normalizeSpace(got)
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func relPath(e *estate.Estate, path string) string {
	rel, err := filepath.Rel(e.Root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// writeFileAtomic replaces path through a temporary file in the same
// directory, keeping the old file's permissions (0644 for a new file).
func writeFileAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
