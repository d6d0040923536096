package aws

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

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
	// Table sets dynamodb_table: Terraform then takes the DynamoDB lock as
	// well as the lock file. Empty leaves an existing dynamodb_table in
	// place (reported in BackendWrite.Reason) and adds none.
	Table string
	// KMSKey sets kms_key_id, so state objects are encrypted with the
	// bucket's key. Empty leaves an existing kms_key_id in place
	// (reported) and adds none.
	KMSKey string
	// Endpoints and UsePathStyle are written for S3-compatible stores and
	// local testing; left alone when empty. endpoints.dynamodb is written
	// only when a table is used (Table, or a dynamodb_table kept from the
	// block); other entries of an existing endpoints object are kept.
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
	// Reason explains a skip, or says which settings of the existing
	// block were kept although the options did not ask for them ("kept
	// dynamodb_table from the existing block").
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
// bucket, key, region, encrypt = true and use_lockfile = true, plus
// dynamodb_table with a table, kms_key_id with a key, and the endpoints,
// use_path_style and skip_* arguments the options ask for. Nothing else is
// removed or changed: a kms_key_id or dynamodb_table the options do not
// mention stays, and BackendWrite.Reason says so.
//
// Only the backend block's bytes change. An existing backend "s3" block is
// located with hclsyntax, rendered alone with hclwrite (edited in place,
// so the arguments it keeps keep their comments; then formatted, with the
// block's own indentation) and spliced back; everything before and after
// it in the file is left byte for byte, formatted or not. Comments inside
// the block stay where hclwrite keeps them: a comment above an argument
// and one at the end of an argument's line move with that argument, even
// when its value is rewritten; free-standing comment lines keep their
// place among the arguments; new arguments go at the end of the block,
// after a trailing comment line if there is one. A one-line block
// (`backend "s3" {}`, partial configuration) becomes a multi-line block.
// An environment without a backend gets a new
// `terraform { backend "s3" { ... } }` in backend.tf, created or appended
// to (the existing bytes untouched). A block that already says what the
// options ask is not rewritten at all (BackendUnchanged), however it is
// formatted. Environments with another backend type, a cloud block, JSON
// configuration or invalid HCL are skipped with the reason. The error is
// for failures to read or write files; results so far are returned with
// it.
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
	isNew := b == nil || b.Implicit
	switch {
	case env.Err != nil:
		return skip("its configuration does not load: " + env.Err.Error())
	case isNew:
		w.File = relPath(e, filepath.Join(env.Dir, BackendFileName))
		w.NeedsMigration = true // from local state, if there is any
	case b.Type != "s3":
		return skip(fmt.Sprintf("it has a %s backend at %s; change it by hand (and migrate its state)", b.Type, rangeSource(b.Range)))
	case strings.HasSuffix(b.Range.Filename, ".json"):
		return skip(fmt.Sprintf("its backend is in JSON configuration (%s); edit it by hand", b.Range.Filename))
	default:
		w.File = filepath.ToSlash(b.Range.Filename)
		bucket, key, region := oldLocation(b)
		w.NeedsMigration = bucket != opts.Bucket || key != w.Key || region != opts.Region
	}
	path := filepath.Join(e.Root, filepath.FromSlash(w.File))
	src, err := os.ReadFile(path)
	if err != nil && !(isNew && errors.Is(err, fs.ErrNotExist)) {
		return w, err
	}
	file, diags := hclsyntax.ParseConfig(src, w.File, hcl.InitialPos)
	if diags.HasErrors() {
		return w, fmt.Errorf("parsing %s: %s", w.File, diags.Error())
	}
	var out []byte
	if isNew {
		out = appendBlock(src, newBackendBlock(w.Key, opts))
		w.Status = BackendCreated
	} else {
		blk := findS3Backend(file.Body.(*hclsyntax.Body), b.Range)
		if blk == nil {
			return w, fmt.Errorf("%s: no backend \"s3\" block found where the estate saw one", w.File)
		}
		rendered, notes, changed, err := editBackendBlock(src, blk, w.Key, opts)
		if err != nil {
			return w, fmt.Errorf("%s: %w", w.File, err)
		}
		w.Reason = strings.Join(notes, "; ")
		if !changed {
			w.Status, w.NeedsMigration = BackendUnchanged, false
			return w, nil
		}
		r := blk.Range()
		out = slices.Concat(src[:r.Start.Byte], rendered, src[r.End.Byte:])
		w.Status = BackendUpdated
	}
	if opts.DryRun {
		return w, nil
	}
	return w, writeFileAtomic(path, out)
}

// oldLocation is where the block keeps the state now, as far as its
// literal arguments say (the region falling back to AWS_REGION, as
// Terraform's does); partial configurations read as "" and so as a move.
func oldLocation(b *estate.Backend) (bucket, key, region string) {
	arg := func(name string) string {
		s, _ := b.Attributes[name].AsString()
		return s
	}
	return arg("bucket"), arg("key"), firstOf(arg("region"), os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
}

// findS3Backend returns the backend "s3" block of the file's terraform
// blocks that starts where the estate saw it (header), else the first.
func findS3Backend(body *hclsyntax.Body, header hcl.Range) *hclsyntax.Block {
	var first *hclsyntax.Block
	for _, tf := range body.Blocks {
		if tf.Type != "terraform" {
			continue
		}
		for _, b := range tf.Body.Blocks {
			if b.Type != "backend" || len(b.Labels) != 1 || b.Labels[0] != "s3" {
				continue
			}
			if b.TypeRange.Start.Byte == header.Start.Byte {
				return b
			}
			if first == nil {
				first = b
			}
		}
	}
	return first
}

// editBackendBlock renders blk with the arguments WriteBackends manages:
// its bytes are parsed alone with hclwrite, edited, formatted and given
// the block's indentation and line endings. changed is false when nothing
// needed setting, and then rendered is nil.
func editBackendBlock(src []byte, blk *hclsyntax.Block, key string, opts BackendsOptions) (rendered []byte, notes []string, changed bool, err error) {
	r := blk.Range()
	text := string(src[r.Start.Byte:r.End.Byte])
	crlf := strings.Contains(text, "\r\n")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if blk.OpenBraceRange.Start.Line == blk.CloseBraceRange.Start.Line {
		// A one-line block (`backend "s3" {}` or with one argument):
		// hclwrite would append arguments after the brace on its line,
		// which is not valid HCL; give the body lines of its own.
		open := blk.OpenBraceRange.End.Byte - r.Start.Byte
		closing := blk.CloseBraceRange.Start.Byte - r.Start.Byte
		inner := strings.TrimSpace(text[open:closing])
		if inner != "" {
			inner += "\n"
		}
		text = text[:open] + "\n" + inner + text[closing:]
	}
	f, diags := hclwrite.ParseConfig([]byte(text), "backend block", hcl.InitialPos)
	if diags.HasErrors() || len(f.Body().Blocks()) != 1 {
		return nil, nil, false, fmt.Errorf("re-reading the backend block: %s", diags.Error())
	}
	notes, changed = setBackendArgs(f.Body().Blocks()[0].Body(), key, opts)
	if !changed {
		return nil, notes, false, nil
	}
	out := strings.TrimRight(string(hclwrite.Format(f.Bytes())), "\n")
	out = indentBlock(out, lineIndent(src, r.Start.Byte))
	if crlf {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	return []byte(out), notes, true, nil
}

// lineIndent is the whitespace before offset on its line, "" when
// something else precedes it there.
func lineIndent(src []byte, offset int) string {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	prefix := string(src[start:offset])
	if strings.Trim(prefix, " \t") != "" {
		return ""
	}
	return prefix
}

// indentBlock prefixes every line but the first (which continues where
// the old block began) with indent, leaving empty lines and the contents
// of heredocs alone.
func indentBlock(text, indent string) string {
	if indent == "" {
		return text
	}
	verbatim := heredocLines(text)
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" && !verbatim[i+1] {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// heredocLines are the (1-based) lines of text inside heredocs, up to and
// including their closing marker.
func heredocLines(text string) map[int]bool {
	lines := map[int]bool{}
	tokens, _ := hclsyntax.LexConfig([]byte(text), "", hcl.InitialPos)
	open := 0
	for _, t := range tokens {
		switch t.Type {
		case hclsyntax.TokenOHeredoc:
			open = t.Range.Start.Line
		case hclsyntax.TokenCHeredoc:
			for l := open + 1; l <= t.Range.End.Line; l++ {
				lines[l] = true
			}
			open = 0
		}
	}
	return lines
}

// newBackendBlock is a formatted terraform block holding a new s3 backend.
func newBackendBlock(key string, opts BackendsOptions) []byte {
	f := hclwrite.NewEmptyFile()
	tf := f.Body().AppendNewBlock("terraform", nil)
	setBackendArgs(tf.Body().AppendNewBlock("backend", []string{"s3"}).Body(), key, opts)
	return hclwrite.Format(f.Bytes())
}

// appendBlock appends block to src after a blank line, leaving src's bytes
// as they are and following its line endings.
func appendBlock(src, block []byte) []byte {
	if len(src) == 0 {
		return block
	}
	nl := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		nl = "\r\n"
		block = bytes.ReplaceAll(block, []byte("\n"), []byte("\r\n"))
	}
	out := slices.Clone(src)
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, nl...)
	}
	if !bytes.HasSuffix(out, []byte(nl+nl)) {
		out = append(out, nl...)
	}
	return append(out, block...)
}

// setBackendArgs sets the arguments WriteBackends manages, in place where
// they exist and appended in a fixed order where they do not. It removes
// nothing: notes say which settings the options did not ask for were kept.
// changed is false when every argument already had its value.
func setBackendArgs(body *hclwrite.Body, key string, opts BackendsOptions) (notes []string, changed bool) {
	set := func(name string, v cty.Value) {
		if !sameValue(body, name, v) {
			body.SetAttributeValue(name, v)
			changed = true
		}
	}
	kept := func(name, why string) {
		if body.GetAttribute(name) != nil {
			notes = append(notes, "kept "+name+" from the existing block"+why)
		}
	}
	set("bucket", cty.StringVal(opts.Bucket))
	set("key", cty.StringVal(key))
	set("region", cty.StringVal(opts.Region))
	set("encrypt", cty.True)
	if opts.KMSKey != "" {
		set("kms_key_id", cty.StringVal(opts.KMSKey))
	} else {
		kept("kms_key_id", " (no KMS key was given)")
	}
	set("use_lockfile", cty.True)
	tableUsed := opts.Table != ""
	if tableUsed {
		set("dynamodb_table", cty.StringVal(opts.Table))
	} else if body.GetAttribute("dynamodb_table") != nil {
		tableUsed = true
		kept("dynamodb_table", " (no table was given; remove it by hand to lock with use_lockfile alone)")
	}
	want := map[string]cty.Value{}
	for name, url := range map[string]string{"s3": opts.Endpoints.S3, "sts": opts.Endpoints.STS} {
		if url != "" {
			want[name] = cty.StringVal(url)
		}
	}
	if tableUsed && opts.Endpoints.DynamoDB != "" {
		want["dynamodb"] = cty.StringVal(opts.Endpoints.DynamoDB)
	}
	if len(want) > 0 {
		if merged, ok := mergeEndpoints(body.GetAttribute("endpoints"), want); ok {
			set("endpoints", merged)
		} else {
			notes = append(notes, "left endpoints as it is (not a literal object); set its entries by hand")
		}
	}
	if opts.UsePathStyle {
		set("use_path_style", cty.True)
	}
	if opts.SkipAWSChecks {
		for _, name := range []string{"skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check"} {
			set(name, cty.True)
		}
	}
	return notes, changed
}

// mergeEndpoints is the endpoints object with want's entries set over the
// existing ones, which are kept; ok is false when the existing value is
// not a literal object.
func mergeEndpoints(attr *hclwrite.Attribute, want map[string]cty.Value) (cty.Value, bool) {
	merged := map[string]cty.Value{}
	if attr != nil {
		v, ok := attrValue(attr)
		if !ok || !isObject(v) {
			return cty.NilVal, false
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			merged[k.AsString()] = e
		}
	}
	maps.Copy(merged, want)
	return cty.ObjectVal(merged), true
}

// attrValue evaluates an attribute's expression when it is a literal.
func attrValue(attr *hclwrite.Attribute) (cty.Value, bool) {
	src := attr.Expr().BuildTokens(nil).Bytes()
	expr, diags := hclsyntax.ParseExpression(src, "", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return v, true
}

// sameValue reports whether the attribute already holds v (by value, not
// by spelling), so an argument that is right keeps its exact tokens.
func sameValue(body *hclwrite.Body, name string, v cty.Value) bool {
	a := body.GetAttribute(name)
	if a == nil {
		return false
	}
	got, ok := attrValue(a)
	if !ok || got.IsNull() {
		return false
	}
	if got.Type().IsObjectType() && v.Type().IsObjectType() {
		// {s3 = "x"} and {"s3" = "x"} are the same object.
		return got.Equals(v).True()
	}
	conv, err := convert.Convert(got, v.Type())
	return err == nil && conv.Equals(v).True()
}

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
