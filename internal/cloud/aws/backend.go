package aws

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"sync"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/infractl/infractl/internal/remotestate"
)

// Backend is one environment's state in S3 with its locks; it implements
// remotestate.Backend so the CLI's state commands work the same on S3 as
// on an infractl server. A Backend is safe for concurrent use.
type Backend struct {
	cfg Config
	c   *clients

	// Backup, when set and the rollback's options carry no Backup of
	// their own, receives the current state body (and its version) under
	// the lock once every check passed and before anything is written;
	// an error aborts the rollback. The body holds secrets.
	Backup func(current remotestate.Version, body []byte) error

	// HistoryParallelism bounds the concurrent body fetches of Versions;
	// 0 means DefaultHistoryParallelism.
	HistoryParallelism int

	// now is the clock, replaced in tests.
	now func() time.Time

	// accountMu guards account, the credentials' AWS account once
	// CheckAccount has asked for it.
	accountMu sync.Mutex
	account   string
}

var _ remotestate.Backend = (*Backend)(nil)

// Open returns the Backend of cfg after checking cfg is complete. It makes
// no request: clients are built (or shared with Backends of the same
// connection settings) and the first operation finds out whether the
// bucket is reachable.
func Open(ctx context.Context, cfg Config) (*Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c, err := clientsFor(ctx, cfg.Connection)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg, err)
	}
	return &Backend{cfg: cfg, c: c, now: time.Now}, nil
}

// String names the state: s3://bucket/key.
func (b *Backend) String() string { return b.cfg.String() }

// Config returns the configuration the Backend was opened with.
func (b *Backend) Config() Config { return b.cfg }

// object is one state body read from S3 with what conditional writes and
// history need.
type object struct {
	body         []byte
	versionID    string
	etag         string
	lastModified time.Time
}

// getObject reads key (at versionID when not empty); found is false when
// the key (or version) does not exist.
func (b *Backend) getObject(ctx context.Context, key, versionID string) (obj object, found bool, err error) {
	in := &s3.GetObjectInput{Bucket: &b.cfg.Bucket, Key: &key}
	if versionID != "" {
		in.VersionId = &versionID
	}
	b.sseCustomer(&in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
	out, err := b.c.s3.GetObject(ctx, in)
	if err != nil {
		// A delete marker answers 404 (current) or 405 (by version ID).
		if isCode(err, "NoSuchKey", "NoSuchVersion", "NotFound", "MethodNotAllowed") ||
			(versionID != "" && isCode(err, "InvalidArgument") && httpStatus(err) == 400) {
			return object{}, false, nil
		}
		return object{}, false, fmt.Errorf("reading s3://%s/%s: %w", b.cfg.Bucket, key, err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return object{}, false, fmt.Errorf("reading s3://%s/%s: %w", b.cfg.Bucket, key, err)
	}
	return object{
		body:         body,
		versionID:    awsv2.ToString(out.VersionId),
		etag:         awsv2.ToString(out.ETag),
		lastModified: awsv2.ToTime(out.LastModified),
	}, true, nil
}

// putInput is a PutObject of body to key encrypted as Terraform would.
func (b *Backend) putInput(key string, body []byte) *s3.PutObjectInput {
	in := &s3.PutObjectInput{
		Bucket:        &b.cfg.Bucket,
		Key:           &key,
		Body:          bytes.NewReader(body),
		ContentLength: awsv2.Int64(int64(len(body))),
		ContentType:   awsv2.String("application/json"),
	}
	if b.cfg.ACL != "" {
		in.ACL = s3types.ObjectCannedACL(b.cfg.ACL)
	}
	if b.cfg.Encrypt {
		switch {
		case b.cfg.KMSKeyID != "":
			in.ServerSideEncryption = s3types.ServerSideEncryptionAwsKms
			in.SSEKMSKeyId = &b.cfg.KMSKeyID
		case b.cfg.SSECustomerKey != "":
			b.sseCustomer(&in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
		default:
			in.ServerSideEncryption = s3types.ServerSideEncryptionAes256
		}
	}
	return in
}

// sseCustomer fills SSE-C request fields when the backend uses a customer
// key, which S3 needs on every read and write of such objects.
func (b *Backend) sseCustomer(alg, key, keyMD5 **string) {
	if b.cfg.SSECustomerKey == "" {
		return
	}
	raw, err := base64.StdEncoding.DecodeString(b.cfg.SSECustomerKey)
	if err != nil {
		raw = []byte(b.cfg.SSECustomerKey) // S3 will reject it with its own message
	}
	sum := md5.Sum(raw)
	*alg = awsv2.String("AES256")
	*key = awsv2.String(b.cfg.SSECustomerKey)
	*keyMD5 = awsv2.String(base64.StdEncoding.EncodeToString(sum[:]))
}

// Body returns the state body of version id, or of the current version
// when id is "" (nil when there is none). A missing version (or a delete
// marker) is ErrVersionNotFound.
func (b *Backend) Body(ctx context.Context, id string) ([]byte, error) {
	obj, found, err := b.getObject(ctx, b.cfg.Key, id)
	if err != nil {
		return nil, err
	}
	if !found {
		if id == "" {
			return nil, nil // no current state, as remotestate.Backend says
		}
		return nil, fmt.Errorf("%s version %s: %w", b, id, ErrVersionNotFound)
	}
	return obj.body, nil
}

// bucketMissing turns NoSuchBucket into a message that says which bucket.
func (b *Backend) bucketMissing(err error) error {
	if isCode(err, "NoSuchBucket") {
		return fmt.Errorf("bucket %s does not exist (run infractl bootstrap s3?): %w", b.cfg.Bucket, err)
	}
	return err
}

// RemoveUnreadableLocks implements remotestate.UnreadableUnlocker: it
// removes the locks whose info cannot be read, lockfile and DynamoDB item.
func (b *Backend) RemoveUnreadableLocks(ctx context.Context) ([]remotestate.Lock, error) {
	res, err := b.UnlockUnreadable(ctx, "")
	return res.Removed, err
}
