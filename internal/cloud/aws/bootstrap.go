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

// Format describes the options for every fmt verb without a secret; the
// Connection's Format would otherwise be promoted and hide the bucket.
func (o BootstrapOptions) Format(f fmt.State, verb rune) {
	s := fmt.Sprintf("bootstrap{bucket=%s table=%s kms_key=%s dry_run=%t %s}", o.Bucket, o.Table, o.KMSKey, o.DryRun, o.Connection.String())
	formatSafe(f, verb, s)
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
	// Account is the caller's AWS account, which owns the bucket; empty
	// when it could not be known (an S3-compatible store without STS: the
	// bucket item's detail then says the owner was not checked).
	Account string `json:"account,omitempty"`
	// DryRun is true when nothing was changed on purpose.
	DryRun bool `json:"dry_run"`
	// Items are the properties checked, in order: bucket, versioning,
	// encryption, public access block, TLS policy, then the table's. It
	// is never nil, so a report returned with an error (a refusal, a
	// denied call) lists what was checked or done before it.
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

// ForeignBucketError refuses a bucket that exists but belongs to another
// account: S3 refused the request with our account as
// ExpectedBucketOwner but answered it without, the bucket is missing from
// the buckets our account lists, or CreateBucket says the name is taken.
type ForeignBucketError struct {
	// Bucket is the refused bucket.
	Bucket string
	// Account is ours, empty when it is not known.
	Account string
	// Evidence says how it was found out.
	Evidence string
	// Err is the AWS error behind the refusal, nil when there is none.
	Err error
}

// Error names the bucket, the evidence and what to do.
func (e *ForeignBucketError) Error() string {
	owner := "another account"
	if e.Account != "" {
		owner = "another account than yours (" + e.Account + ")"
	}
	msg := fmt.Sprintf("bucket %s exists but belongs to %s: %s; bucket names are global, choose another name", e.Bucket, owner, e.Evidence)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the AWS error behind the refusal, if any.
func (e *ForeignBucketError) Unwrap() error { return e.Err }

// AccessDeniedError is a call Bootstrap needs that AWS denied: the
// resource cannot be read (HeadBucket, Get*, Describe*) or changed (Put*,
// Create*, Update*) with these credentials. It names the call and the IAM
// permission to grant.
type AccessDeniedError struct {
	// Resource is what was being read or changed: "bucket B", "DynamoDB
	// table T", "KMS key K".
	Resource string
	// Call is the API operation denied, e.g. "GetBucketVersioning".
	Call string
	// Permission is the IAM action it needs, e.g. "s3:GetBucketVersioning".
	Permission string
	// Note adds what else is known, e.g. that the bucket is yours.
	Note string
	// Err is AWS's answer.
	Err error
}

// Error says what cannot be read or changed, which call was denied and
// which permission is missing.
func (e *AccessDeniedError) Error() string {
	verb := "changed"
	for _, p := range []string{"Head", "Get", "List", "Describe"} {
		if strings.HasPrefix(e.Call, p) {
			verb = "read"
		}
	}
	msg := fmt.Sprintf("%s cannot be %s: %s was denied; your credentials need the %s permission", e.Resource, verb, e.Call, e.Permission)
	if e.Note != "" {
		msg += " (" + e.Note + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns AWS's answer.
func (e *AccessDeniedError) Unwrap() error { return e.Err }

// BucketRegionError refuses a bucket that exists in another region than
// the one asked for.
type BucketRegionError struct {
	// Bucket is the refused bucket.
	Bucket string
	// Region is where it is, empty when S3 did not say.
	Region string
	// Want is the region asked for.
	Want string
	// Err is the AWS error behind the refusal, nil when there is none.
	Err error
}

// Error names both regions and what to pass.
func (e *BucketRegionError) Error() string {
	if e.Region == "" {
		return fmt.Sprintf("bucket %s exists in another region than %s; pass its region: %v", e.Bucket, e.Want, e.Err)
	}
	return fmt.Sprintf("bucket %s is in region %s, not %s; pass --region %s", e.Bucket, e.Region, e.Want, e.Region)
}

// Unwrap returns the AWS error behind the refusal, if any.
func (e *BucketRegionError) Unwrap() error { return e.Err }

// isAccessDenied reports whether err is AWS refusing a call for lack of a
// permission (or, on a bucket, any 403 without a code: HEAD answers have
// no body). Credentials that are wrong or expired also answer 403, but a
// permission would not help them: they keep their own message.
func isAccessDenied(err error) bool {
	if isCode(err, "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "ExpiredTokenException",
		"InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException") {
		return false
	}
	return isCode(err, "AccessDenied", "AccessDeniedException", "Forbidden", "AllAccessDisabled") || httpStatus(err) == 403
}

// denied turns an AccessDenied answer to call into an
// *AccessDeniedError naming permission; other errors pass through.
func denied(resource, call, permission string, err error) error {
	if err == nil || !isAccessDenied(err) {
		return err
	}
	return &AccessDeniedError{Resource: resource, Call: call, Permission: permission, Err: err}
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Bootstrap creates, or verifies and repairs, a state bucket the way state
// needs it: versioning Enabled (history and rollback depend on it),
// default encryption (aws:kms with KMSKey, else AES256), all four public
// access block settings, a bucket policy denying non-TLS requests to the
// bucket and its objects, and with Table a DynamoDB table with on-demand
// billing and the string hash key LockID. It is idempotent: every item is
// reported as created (made together with a new bucket or table), already
// correct, or repaired (a bucket or table that existed lacked it or had it
// wrong); would create / would repair in a dry run. A second run reports
// no change.
//
// It refuses a bucket that exists but belongs to another account
// (*ForeignBucketError), one it cannot read or change (*AccessDeniedError
// naming the denied call and the missing permission, also for the table
// and the KMS key), and one in another region (*BucketRegionError). It
// reports a table whose key schema is wrong as StatusCannotRepair with how
// to fix it (the error then matches ErrCannotRepair).
//
// The account comes from sts:GetCallerIdentity and every bucket call
// carries it as ExpectedBucketOwner. With custom endpoints (an
// S3-compatible store, which often has no STS) a failing or absent STS is
// not an error: the owner check is skipped and the bucket item's detail
// says so.
//
// The report is never nil and its Items never nil: it holds whatever was
// checked or done, also when the error is not nil.
func Bootstrap(ctx context.Context, opts BootstrapOptions) (*BootstrapReport, error) {
	r := newReport(opts)
	if !bucketNameRE.MatchString(opts.Bucket) || strings.Contains(opts.Bucket, "..") {
		return r, fmt.Errorf("bucket name %q is not valid: 3-63 lowercase letters, digits, dots and hyphens", opts.Bucket)
	}
	if opts.Region == "" {
		return r, errors.New("bootstrap needs a region")
	}
	c, err := clientsFor(ctx, opts.Connection)
	if err != nil {
		return r, err
	}
	return r, bootstrapWith(ctx, c, opts, r)
}

// newReport is an empty report of opts, with Items not nil.
func newReport(opts BootstrapOptions) *BootstrapReport {
	return &BootstrapReport{Bucket: opts.Bucket, Region: opts.Region, Table: opts.Table, KMSKey: opts.KMSKey,
		DryRun: opts.DryRun, Items: []BootstrapItem{}}
}

// bootstrapWith runs Bootstrap with given clients (tests put a fault
// injector in front of moto), filling r.
func bootstrapWith(ctx context.Context, c *clients, opts BootstrapOptions, r *BootstrapReport) error {
	bs := &bootstrapper{c: c, opts: opts, r: r}
	return bs.run(ctx)
}

type bootstrapper struct {
	c    *clients
	opts BootstrapOptions
	r    *BootstrapReport
	// kmsIDs are the names the KMS key is known by (ARN, key ID, alias).
	kmsIDs []string
	// ownerNote says why the owner was not checked, "" when it was.
	ownerNote string
}

func (bs *bootstrapper) run(ctx context.Context) error {
	if err := bs.findAccount(ctx); err != nil {
		return err
	}
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

// findAccount sets the report's account from STS. Against AWS a failure
// is an error; with custom endpoints (where STS is often missing) the
// owner check is skipped instead, and ownerNote says why.
func (bs *bootstrapper) findAccount(ctx context.Context) error {
	if !bs.c.stsUsable {
		bs.ownerNote = "owner not checked: S3 is at a custom endpoint and no STS endpoint is set, so the account is unknown"
		return nil
	}
	id, err := bs.c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if bs.c.customEndpoints {
			why := apiCode(err)
			if why == "" {
				why = err.Error()
			}
			bs.ownerNote = "owner not checked: the custom endpoint did not answer sts:GetCallerIdentity (" + why + "), so the account is unknown"
			return nil
		}
		return fmt.Errorf("finding your AWS account (sts:GetCallerIdentity): %w", err)
	}
	bs.r.Account = awsv2.ToString(id.Account)
	return nil
}

func (bs *bootstrapper) checkKMSKey(ctx context.Context) error {
	out, err := bs.c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &bs.opts.KMSKey})
	if err != nil {
		return fmt.Errorf("KMS key %s: %w", bs.opts.KMSKey, denied("KMS key "+bs.opts.KMSKey, "DescribeKey", "kms:DescribeKey", err))
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
			return false, bs.forbidden(ctx, err)
		case status == 301:
			return false, &BucketRegionError{Bucket: bs.opts.Bucket, Want: bs.opts.Region, Err: err}
		}
		return false, fmt.Errorf("checking bucket %s: %w", bs.opts.Bucket, err)
	}
	if region := awsv2.ToString(out.BucketRegion); region != "" && region != bs.opts.Region {
		return false, &BucketRegionError{Bucket: bs.opts.Bucket, Region: region, Want: bs.opts.Region}
	}
	if bs.r.Account == "" {
		return true, nil // ownerNote says why the owner is not checked
	}
	// S3 enforces ExpectedBucketOwner; S3-compatible stores (and moto) may
	// not, so also look for the bucket among the account's own, when the
	// credentials may list them.
	if listed, err := bs.listed(ctx); err == nil && !listed {
		return false, &ForeignBucketError{Bucket: bs.opts.Bucket, Account: bs.r.Account,
			Evidence: "it is not among the buckets your account lists (ListBuckets)"}
	}
	return true, nil
}

// forbidden tells apart why HeadBucket was refused: a bucket of another
// account (S3 answers an ExpectedBucketOwner mismatch with 403) or one we
// may not read.
func (bs *bootstrapper) forbidden(ctx context.Context, headErr error) error {
	b := bs.opts.Bucket
	if bs.owner() != nil {
		if _, err := bs.c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &b}); err == nil {
			return &ForeignBucketError{Bucket: b, Account: bs.r.Account, Err: headErr,
				Evidence: "S3 refused HeadBucket with your account as ExpectedBucketOwner and answered it without"}
		}
	}
	listed, err := bs.listed(ctx)
	switch {
	case err == nil && listed:
		return &AccessDeniedError{Resource: "bucket " + b, Call: "HeadBucket", Permission: "s3:ListBucket",
			Note: "the bucket is yours: your account lists it", Err: headErr}
	case err == nil:
		return &ForeignBucketError{Bucket: b, Account: bs.r.Account, Err: headErr,
			Evidence: "HeadBucket was denied and the bucket is not among the buckets your account lists (ListBuckets)"}
	}
	return &AccessDeniedError{Resource: "bucket " + b, Call: "HeadBucket", Permission: "s3:ListBucket",
		Note: "ListBuckets was denied too, so whether the bucket is yours is unknown; if it belongs to another account, choose another name",
		Err:  headErr}
}

// listed reports whether the bucket is among those the credentials'
// account lists; an error when it may not list them.
func (bs *bootstrapper) listed(ctx context.Context) (bool, error) {
	p := s3.NewListBucketsPaginator(bs.c.s3, &s3.ListBucketsInput{Prefix: &bs.opts.Bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		if slices.ContainsFunc(page.Buckets, func(b s3types.Bucket) bool { return awsv2.ToString(b.Name) == bs.opts.Bucket }) {
			return true, nil
		}
	}
	return false, nil
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
	note := ""
	if bs.ownerNote != "" {
		note = "; " + bs.ownerNote
	}
	if !exists {
		if bs.opts.DryRun {
			bs.r.add(ItemBucket, StatusWouldCreate, "does not exist%s", note)
			for _, name := range []string{ItemVersioning, ItemEncryption, ItemPublicAccess, ItemTLSPolicy} {
				bs.r.add(name, StatusWouldCreate, "with the new bucket")
			}
			return nil
		}
		if err := bs.createBucket(ctx); err != nil {
			return err
		}
		bs.r.add(ItemBucket, StatusCreated, "in %s%s", bs.opts.Region, note)
	} else if bs.r.Account != "" {
		bs.r.add(ItemBucket, StatusOK, "exists in %s, owned by account %s", bs.opts.Region, bs.r.Account)
	} else {
		bs.r.add(ItemBucket, StatusOK, "exists in %s%s", bs.opts.Region, note)
	}
	// A setting that is missing was created with a bucket made now, and
	// repaired on a bucket that existed without it.
	newBucket := !exists
	for _, s := range bs.bucketSettings() {
		found, err := s.check(ctx)
		if err != nil {
			return fmt.Errorf("checking %s of bucket %s: %w", s.name, bs.opts.Bucket, err)
		}
		if found.ok {
			bs.r.add(s.name, StatusOK, "%s", found.detail)
			continue
		}
		var st Status
		switch {
		case bs.opts.DryRun:
			st = StatusWouldRepair
		case found.absent && newBucket:
			st = StatusCreated
		default:
			st = StatusRepaired
		}
		if !bs.opts.DryRun {
			if err := s.apply(ctx); err != nil {
				return fmt.Errorf("setting %s of bucket %s: %w", s.name, bs.opts.Bucket, err)
			}
		}
		detail := s.want
		switch {
		case found.detail != "":
			detail = "was " + found.detail + "; " + s.want
		case found.absent && !newBucket:
			detail = "was not configured; " + s.want
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
		return &ForeignBucketError{Bucket: bs.opts.Bucket, Account: bs.r.Account, Err: err,
			Evidence: "CreateBucket says another account has the name"}
	}
	return fmt.Errorf("creating bucket %s: %w", bs.opts.Bucket, denied("bucket "+bs.opts.Bucket, "CreateBucket", "s3:CreateBucket", err))
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
	res := "bucket " + bs.opts.Bucket
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
				return found{}, denied(res, "GetBucketVersioning", "s3:GetBucketVersioning", err)
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
			return denied(res, "PutBucketVersioning", "s3:PutBucketVersioning", err)
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
			return denied(res, "PutBucketEncryption", "s3:PutEncryptionConfiguration", err)
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
				return found{}, denied(res, "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", err)
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
			return denied(res, "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", err)
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
			return denied(res, "PutBucketPolicy", "s3:PutBucketPolicy", err)
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
		return "", denied("bucket "+bs.opts.Bucket, "GetBucketPolicy", "s3:GetBucketPolicy", err)
	}
	return awsv2.ToString(out.Policy), nil
}

func (bs *bootstrapper) checkEncryption(ctx context.Context) (found, error) {
	out, err := bs.c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bs.opts.Bucket, ExpectedBucketOwner: bs.owner()})
	if err != nil {
		if isCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
			return found{absent: true}, nil
		}
		return found{}, denied("bucket "+bs.opts.Bucket, "GetBucketEncryption", "s3:GetEncryptionConfiguration", err)
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
