package aws

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// BootstrapOptions say which state bucket (and lock table) Bootstrap
// makes sure of, and how to reach AWS.
type BootstrapOptions struct {
	// Connection holds the region, endpoints and credentials; the CLI's
	// --endpoint sets every endpoint and path-style addressing.
	Connection
	// Bucket is the state bucket's name.
	Bucket string
	// Table is the DynamoDB lock table; empty for lock-file-only locking.
	Table string
	// KMSKey is a KMS key ARN, ID or alias for default encryption; empty
	// means AES256 (SSE-S3).
	KMSKey string
	// DryRun reads only and reports what would change.
	DryRun bool
}

// Status is the outcome for one bootstrap item, worded for the CLI.
type Status string

// The outcomes of a bootstrap item.
const (
	StatusCreated      Status = "created"
	StatusOK           Status = "already correct"
	StatusRepaired     Status = "repaired"
	StatusWouldCreate  Status = "would create"
	StatusWouldRepair  Status = "would repair"
	StatusCannotRepair Status = "cannot repair"
)

// Changed reports whether the status stands for a change made or to make.
func (s Status) Changed() bool { return s != StatusOK }

// The bootstrap items, in report order.
const (
	ItemBucket        = "bucket"
	ItemVersioning    = "versioning"
	ItemEncryption    = "default encryption"
	ItemPublicAccess  = "public access block"
	ItemTLSPolicy     = "TLS-only bucket policy"
	ItemLockTable     = "lock table"
	ItemLockTableMode = "lock table billing"
)

// BootstrapItem is one property Bootstrap checked, with what it found and
// did, so a second run can say "already correct" line by line.
type BootstrapItem struct {
	// Name is one of the Item constants.
	Name string `json:"name"`
	// Status is what happened to it.
	Status Status `json:"status"`
	// Detail says what was found (and what was done about it).
	Detail string `json:"detail,omitempty"`
}

// BootstrapReport is Bootstrap's answer, one item per property.
type BootstrapReport struct {
	// Bucket, Region, Table and KMSKey echo the options.
	Bucket string `json:"bucket"`
	Region string `json:"region"`
	Table  string `json:"table,omitempty"`
	KMSKey string `json:"kms_key,omitempty"`
	// Account is the caller's AWS account, which owns the bucket.
	Account string `json:"account,omitempty"`
	// DryRun is true when nothing was changed on purpose.
	DryRun bool `json:"dry_run"`
	// Items are the properties checked, in order: bucket, versioning,
	// encryption, public access block, TLS policy, then the table's.
	Items []BootstrapItem `json:"items"`
}

// Changed reports whether anything was (or, in a dry run, would be)
// changed; false means a no-op run.
func (r *BootstrapReport) Changed() bool {
	return slices.ContainsFunc(r.Items, func(i BootstrapItem) bool { return i.Status.Changed() })
}

// Item returns the report's item of that name, for tests and callers that
// care about one property.
func (r *BootstrapReport) Item(name string) (BootstrapItem, bool) {
	i := slices.IndexFunc(r.Items, func(i BootstrapItem) bool { return i.Name == name })
	if i < 0 {
		return BootstrapItem{}, false
	}
	return r.Items[i], true
}

func (r *BootstrapReport) add(name string, st Status, detail string, args ...any) {
	r.Items = append(r.Items, BootstrapItem{Name: name, Status: st, Detail: fmt.Sprintf(detail, args...)})
}

// ErrCannotRepair means an item cannot be fixed by Bootstrap; the report's
// item says why and what to do.
var ErrCannotRepair = errors.New("cannot be repaired automatically")

// BucketAccessError refuses a bucket that exists but is not ours to
// configure: owned by another account, unreadable, or in another region.
type BucketAccessError struct {
	// Bucket is the refused bucket.
	Bucket string
	// Reason says what was found and what to do.
	Reason string
	// Err is the AWS error behind the refusal, nil when there is none.
	Err error
}

// Error names the bucket and the reason for refusing it.
func (e *BucketAccessError) Error() string {
	msg := fmt.Sprintf("bucket %s: %s", e.Bucket, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the AWS error behind the refusal, if any.
func (e *BucketAccessError) Unwrap() error { return e.Err }

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Bootstrap creates, or verifies and repairs, a state bucket the way state
// needs it: versioning Enabled (history and rollback depend on it),
// default encryption (aws:kms with KMSKey, else AES256), all four public
// access block settings, a bucket policy denying non-TLS requests to the
// bucket and its objects, and with Table a DynamoDB table with on-demand
// billing and the string hash key LockID. It is idempotent: every item is
// reported as created, already correct or repaired (would create / would
// repair in a dry run), so a second run reports no change.
//
// It refuses (*BucketAccessError) a bucket that exists but belongs to
// another account, cannot be read, or is in another region, and reports a
// table whose key schema is wrong as StatusCannotRepair with how to fix it
// (the error then matches ErrCannotRepair). The report is returned with
// whatever was done even when the error is not nil.
func Bootstrap(ctx context.Context, opts BootstrapOptions) (*BootstrapReport, error) {
	if !bucketNameRE.MatchString(opts.Bucket) || strings.Contains(opts.Bucket, "..") {
		return nil, fmt.Errorf("bucket name %q is not valid: 3-63 lowercase letters, digits, dots and hyphens", opts.Bucket)
	}
	if opts.Region == "" {
		return nil, errors.New("bootstrap needs a region")
	}
	c, err := clientsFor(ctx, opts.Connection)
	if err != nil {
		return nil, err
	}
	bs := &bootstrapper{c: c, opts: opts, r: &BootstrapReport{
		Bucket: opts.Bucket, Region: opts.Region, Table: opts.Table, KMSKey: opts.KMSKey, DryRun: opts.DryRun,
	}}
	return bs.r, bs.run(ctx)
}

type bootstrapper struct {
	c    *clients
	opts BootstrapOptions
	r    *BootstrapReport
	// kmsIDs are the names the KMS key is known by (ARN, key ID, alias).
	kmsIDs []string
}

func (bs *bootstrapper) run(ctx context.Context) error {
	id, err := bs.c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("finding your AWS account (sts:GetCallerIdentity): %w", err)
	}
	bs.r.Account = awsv2.ToString(id.Account)
	if bs.opts.KMSKey != "" {
		if err := bs.checkKMSKey(ctx); err != nil {
			return err
		}
	}
	exists, err := bs.bucketExists(ctx)
	if err != nil {
		return err
	}
	if err := bs.ensureBucket(ctx, exists); err != nil {
		return err
	}
	if bs.opts.Table != "" {
		return bs.ensureTable(ctx)
	}
	return nil
}

func (bs *bootstrapper) checkKMSKey(ctx context.Context) error {
	out, err := bs.c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &bs.opts.KMSKey})
	if err != nil {
		return fmt.Errorf("KMS key %s: %w", bs.opts.KMSKey, err)
	}
	md := out.KeyMetadata
	if md.KeyState != kmstypes.KeyStateEnabled {
		return fmt.Errorf("KMS key %s is %s, not Enabled", bs.opts.KMSKey, md.KeyState)
	}
	bs.kmsIDs = []string{bs.opts.KMSKey, awsv2.ToString(md.KeyId), awsv2.ToString(md.Arn)}
	return nil
}

// bucketExists finds out whether the bucket exists and is ours.
func (bs *bootstrapper) bucketExists(ctx context.Context) (bool, error) {
	out, err := bs.c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bs.opts.Bucket, ExpectedBucketOwner: bs.owner()})
	if err != nil {
		switch status := httpStatus(err); {
		case status == 404 || isCode(err, "NotFound", "NoSuchBucket"):
			return false, nil
		case status == 403:
			return false, &BucketAccessError{Bucket: bs.opts.Bucket, Err: err,
				Reason: "exists but belongs to another account, or your credentials may not read it; choose another name or fix the credentials"}
		case status == 301:
			return false, &BucketAccessError{Bucket: bs.opts.Bucket, Err: err,
				Reason: fmt.Sprintf("exists in another region than %s; pass its region", bs.opts.Region)}
		}
		return false, fmt.Errorf("checking bucket %s: %w", bs.opts.Bucket, err)
	}
	if region := awsv2.ToString(out.BucketRegion); region != "" && region != bs.opts.Region {
		return false, &BucketAccessError{Bucket: bs.opts.Bucket,
			Reason: fmt.Sprintf("is in region %s, not %s; pass --region %s", region, bs.opts.Region, region)}
	}
	// S3 enforces ExpectedBucketOwner; S3-compatible stores (and moto) may
	// not, so also look for the bucket among the account's own, when the
	// credentials may list them.
	list, err := bs.c.s3.ListBuckets(ctx, &s3.ListBucketsInput{Prefix: &bs.opts.Bucket})
	if err == nil && !slices.ContainsFunc(list.Buckets, func(b s3types.Bucket) bool { return awsv2.ToString(b.Name) == bs.opts.Bucket }) {
		return false, &BucketAccessError{Bucket: bs.opts.Bucket,
			Reason: fmt.Sprintf("exists but is not owned by account %s; choose another bucket name", bs.r.Account)}
	}
	return true, nil
}

// owner is the ExpectedBucketOwner for every bucket call, so S3 itself
// refuses to configure a bucket of another account.
func (bs *bootstrapper) owner() *string {
	if bs.r.Account == "" {
		return nil
	}
	return awsv2.String(bs.r.Account)
}

func (bs *bootstrapper) ensureBucket(ctx context.Context, exists bool) error {
	if !exists {
		if bs.opts.DryRun {
			bs.r.add(ItemBucket, StatusWouldCreate, "does not exist")
			for _, name := range []string{ItemVersioning, ItemEncryption, ItemPublicAccess, ItemTLSPolicy} {
				bs.r.add(name, StatusWouldCreate, "with the new bucket")
			}
			return nil
		}
		if err := bs.createBucket(ctx); err != nil {
			return err
		}
		bs.r.add(ItemBucket, StatusCreated, "in %s", bs.opts.Region)
	} else {
		bs.r.add(ItemBucket, StatusOK, "exists in %s, owned by account %s", bs.opts.Region, bs.r.Account)
	}
	for _, s := range bs.bucketSettings() {
		found, err := s.check(ctx)
		if err != nil {
			return fmt.Errorf("checking %s of bucket %s: %w", s.name, bs.opts.Bucket, err)
		}
		if found.ok {
			bs.r.add(s.name, StatusOK, "%s", found.detail)
			continue
		}
		st := StatusRepaired
		switch {
		case bs.opts.DryRun && found.absent:
			st = StatusWouldCreate
		case bs.opts.DryRun:
			st = StatusWouldRepair
		case found.absent:
			st = StatusCreated
		}
		if !bs.opts.DryRun {
			if err := s.apply(ctx); err != nil {
				return fmt.Errorf("setting %s of bucket %s: %w", s.name, bs.opts.Bucket, err)
			}
		}
		detail := s.want
		if found.detail != "" {
			detail = "was " + found.detail + "; " + s.want
		}
		bs.r.add(s.name, st, "%s", detail)
	}
	return nil
}

func (bs *bootstrapper) createBucket(ctx context.Context) error {
	in := &s3.CreateBucketInput{Bucket: &bs.opts.Bucket}
	if bs.opts.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
			LocationConstraint: s3types.BucketLocationConstraint(bs.opts.Region)}
	}
	_, err := bs.c.s3.CreateBucket(ctx, in)
	switch {
	case err == nil, isCode(err, "BucketAlreadyOwnedByYou"):
		return nil
	case isCode(err, "BucketAlreadyExists"):
		return &BucketAccessError{Bucket: bs.opts.Bucket, Err: err,
			Reason: "the name is taken by another account (bucket names are global); choose another"}
	}
	return fmt.Errorf("creating bucket %s: %w", bs.opts.Bucket, err)
}

// found is what a check saw of one setting.
type found struct {
	ok     bool   // as wanted
	absent bool   // not configured at all
	detail string // what is there, for the report
}

// bucketSetting is one property of the bucket: how to read it and how to
// set it as wanted.
type bucketSetting struct {
	name  string
	want  string
	check func(context.Context) (found, error)
	apply func(context.Context) error
}

func (bs *bootstrapper) bucketSettings() []bucketSetting {
	b := &bs.opts.Bucket
	owner := bs.owner()
	wantEnc := "AES256"
	if bs.opts.KMSKey != "" {
		wantEnc = "aws:kms with key " + bs.opts.KMSKey
	}
	return []bucketSetting{{
		name: ItemVersioning,
		want: "set to Enabled",
		check: func(ctx context.Context) (found, error) {
			out, err := bs.c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b, ExpectedBucketOwner: owner})
			if err != nil {
				return found{}, err
			}
			switch out.Status {
			case s3types.BucketVersioningStatusEnabled:
				return found{ok: true, detail: "Enabled"}, nil
			case "":
				return found{absent: true}, nil
			}
			return found{detail: string(out.Status)}, nil
		},
		apply: func(ctx context.Context) error {
			_, err := bs.c.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, ExpectedBucketOwner: owner,
				VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
			return err
		},
	}, {
		name:  ItemEncryption,
		want:  "set to " + wantEnc,
		check: bs.checkEncryption,
		apply: func(ctx context.Context) error {
			def := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}
			rule := s3types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: def}
			if bs.opts.KMSKey != "" {
				def.SSEAlgorithm = s3types.ServerSideEncryptionAwsKms
				def.KMSMasterKeyID = &bs.opts.KMSKey
				rule.BucketKeyEnabled = awsv2.Bool(true) // fewer KMS requests, lower cost
			}
			_, err := bs.c.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ExpectedBucketOwner: owner,
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{rule}}})
			return err
		},
	}, {
		name: ItemPublicAccess,
		want: "all four settings true",
		check: func(ctx context.Context) (found, error) {
			out, err := bs.c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b, ExpectedBucketOwner: owner})
			if err != nil {
				if isCode(err, "NoSuchPublicAccessBlockConfiguration") {
					return found{absent: true}, nil
				}
				return found{}, err
			}
			pab := out.PublicAccessBlockConfiguration
			var off []string
			for name, v := range map[string]*bool{
				"BlockPublicAcls": pab.BlockPublicAcls, "IgnorePublicAcls": pab.IgnorePublicAcls,
				"BlockPublicPolicy": pab.BlockPublicPolicy, "RestrictPublicBuckets": pab.RestrictPublicBuckets,
			} {
				if !awsv2.ToBool(v) {
					off = append(off, name)
				}
			}
			if len(off) == 0 {
				return found{ok: true, detail: "all four settings true"}, nil
			}
			slices.Sort(off)
			return found{detail: strings.Join(off, ", ") + " false"}, nil
		},
		apply: func(ctx context.Context) error {
			t := awsv2.Bool(true)
			_, err := bs.c.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, ExpectedBucketOwner: owner,
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
					BlockPublicAcls: t, IgnorePublicAcls: t, BlockPublicPolicy: t, RestrictPublicBuckets: t}})
			return err
		},
	}, {
		name: ItemTLSPolicy,
		want: "statement " + TLSPolicySid + " denies requests without TLS (aws:SecureTransport = false)",
		check: func(ctx context.Context) (found, error) {
			doc, err := bs.policy(ctx)
			if err != nil || doc == "" {
				return found{absent: doc == ""}, err
			}
			ok, err := policyDeniesInsecure([]byte(doc), bs.opts.Bucket, bs.opts.Region)
			if err != nil {
				return found{}, err
			}
			if ok {
				return found{ok: true, detail: "denies requests without TLS"}, nil
			}
			return found{detail: "a policy without a TLS-only statement (other statements are kept)"}, nil
		},
		apply: func(ctx context.Context) error {
			doc, err := bs.policy(ctx)
			if err != nil {
				return err
			}
			policy, err := policyWithTLS([]byte(doc), bs.opts.Bucket, bs.opts.Region)
			if err != nil {
				return err
			}
			_, err = bs.c.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, ExpectedBucketOwner: owner, Policy: awsv2.String(string(policy))})
			return err
		},
	}}
}

// policy returns the bucket policy document, "" when there is none.
func (bs *bootstrapper) policy(ctx context.Context) (string, error) {
	out, err := bs.c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bs.opts.Bucket, ExpectedBucketOwner: bs.owner()})
	if err != nil {
		if isCode(err, "NoSuchBucketPolicy") {
			return "", nil
		}
		return "", err
	}
	return awsv2.ToString(out.Policy), nil
}

func (bs *bootstrapper) checkEncryption(ctx context.Context) (found, error) {
	out, err := bs.c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bs.opts.Bucket, ExpectedBucketOwner: bs.owner()})
	if err != nil {
		if isCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
			return found{absent: true}, nil
		}
		return found{}, err
	}
	var def *s3types.ServerSideEncryptionByDefault
	if cfg := out.ServerSideEncryptionConfiguration; cfg != nil {
		for _, r := range cfg.Rules {
			if r.ApplyServerSideEncryptionByDefault != nil {
				def = r.ApplyServerSideEncryptionByDefault
				break
			}
		}
	}
	if def == nil {
		return found{absent: true}, nil
	}
	key := awsv2.ToString(def.KMSMasterKeyID)
	isKMS := def.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms || def.SSEAlgorithm == s3types.ServerSideEncryptionAwsKmsDsse
	switch {
	case bs.opts.KMSKey == "" && def.SSEAlgorithm == s3types.ServerSideEncryptionAes256:
		return found{ok: true, detail: "AES256"}, nil
	case bs.opts.KMSKey == "" && isKMS:
		// Stronger than asked for: keep it rather than downgrade.
		return found{ok: true, detail: fmt.Sprintf("%s with key %s (kept; no --kms-key given)", def.SSEAlgorithm, orDefault(key))}, nil
	case isKMS && slices.Contains(bs.kmsIDs, key):
		return found{ok: true, detail: "aws:kms with key " + key}, nil
	case isKMS:
		return found{detail: "aws:kms with key " + orDefault(key)}, nil
	}
	return found{detail: string(def.SSEAlgorithm)}, nil
}

func orDefault(key string) string {
	if key == "" {
		return "aws/s3 (the AWS managed key)"
	}
	return key
}
