package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/infractl/infractl/internal/remotestate"
)

// Where a lock was found, the values of remotestate.Lock.Source.
const (
	SourceLockfile = "s3-lockfile"
	SourceDynamoDB = "dynamodb"
)

// maxLockSize bounds how much of a .tflock object is read; Terraform's are
// a few hundred bytes.
const maxLockSize = 64 << 10

// lockInfo is Terraform's statemgr.LockInfo, the JSON stored both in the
// .tflock object and in the DynamoDB item's Info attribute.
type lockInfo struct {
	ID        string
	Operation string
	Info      string
	Who       string
	Version   string
	Created   time.Time
	Path      string
}

// heldLock is a lock as read, with what a conditional delete needs.
type heldLock struct {
	remotestate.Lock
	raw  string // the stored JSON, compared exactly on delete
	etag string // the .tflock object's ETag
}

func parseLock(raw []byte, source string) remotestate.Lock {
	var info lockInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return remotestate.Lock{Source: source, Info: string(raw),
			Problem: fmt.Sprintf("unreadable lock info (%v); only a forced removal can clear it", err)}
	}
	l := remotestate.Lock{
		ID: info.ID, Operation: info.Operation, Who: info.Who, Version: info.Version,
		Created: info.Created, Path: info.Path, Info: info.Info, Source: source,
	}
	if info.ID == "" {
		l.Problem = "the lock info has no ID"
	}
	return l
}

// Locks returns the locks held on cfg's state; see Backend.Locks. It is the
// one call `infractl locks` makes per environment.
func Locks(ctx context.Context, cfg Config) ([]remotestate.Lock, error) {
	b, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return b.Locks(ctx)
}

// Locks returns the locks held now: the .tflock object (read whatever
// use_lockfile says, because a leftover one matters to the next
// configuration that sets it) and, when a table is configured, the
// DynamoDB item, both read at once. Inconsistencies are set in
// Lock.Problem: a .tflock without its DynamoDB item or the reverse when
// Terraform takes both, two different lock IDs, a .tflock that the
// configuration ignores. Staleness is the caller's (see Lock.Age). No locks
// is an empty slice and no error.
func (b *Backend) Locks(ctx context.Context) ([]remotestate.Lock, error) {
	file, item, err := b.readLocks(ctx)
	if err != nil {
		return nil, err
	}
	return annotate(b.cfg, file, item), nil
}

// readLocks reads the .tflock object and the DynamoDB item concurrently.
func (b *Backend) readLocks(ctx context.Context) (file, item *heldLock, err error) {
	var wg sync.WaitGroup
	var itemErr error
	if b.cfg.Table != "" {
		wg.Go(func() { item, itemErr = b.readLockItem(ctx) })
	}
	file, err = b.readLockfile(ctx)
	wg.Wait()
	return file, item, errors.Join(err, itemErr)
}

func (b *Backend) readLockfile(ctx context.Context) (*heldLock, error) {
	key := b.cfg.LockfileKey()
	in := &s3.GetObjectInput{Bucket: &b.cfg.Bucket, Key: &key}
	b.sseCustomer(&in.SSECustomerAlgorithm, &in.SSECustomerKey, &in.SSECustomerKeyMD5)
	out, err := b.c.s3.GetObject(ctx, in)
	if err != nil {
		if isCode(err, "NoSuchKey", "NotFound") {
			return nil, nil
		}
		return nil, fmt.Errorf("reading lock file s3://%s/%s: %w", b.cfg.Bucket, key, b.bucketMissing(err))
	}
	defer out.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(out.Body, maxLockSize))
	if err != nil {
		return nil, fmt.Errorf("reading lock file s3://%s/%s: %w", b.cfg.Bucket, key, err)
	}
	return &heldLock{Lock: parseLock(raw, SourceLockfile), raw: string(raw), etag: awsv2.ToString(out.ETag)}, nil
}

func (b *Backend) readLockItem(ctx context.Context) (*heldLock, error) {
	out, err := b.c.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:            &b.cfg.Table,
		Key:                  lockKey(b.cfg.LockID()),
		ConsistentRead:       awsv2.Bool(true),
		ProjectionExpression: awsv2.String("LockID, Info"),
	})
	if err != nil {
		return nil, fmt.Errorf("reading lock item %s from DynamoDB table %s: %w", b.cfg.LockID(), b.cfg.Table, err)
	}
	if out.Item == nil {
		return nil, nil
	}
	info, ok := out.Item["Info"].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return &heldLock{Lock: remotestate.Lock{Source: SourceDynamoDB, Path: b.cfg.LockID(),
			Problem: "the lock item has no Info string; only a forced removal can clear it"}}, nil
	}
	return &heldLock{Lock: parseLock([]byte(info.Value), SourceDynamoDB), raw: info.Value}, nil
}

// annotate lists the locks found and marks inconsistencies.
func annotate(cfg Config, file, item *heldLock) []remotestate.Lock {
	locks := []remotestate.Lock{}
	problem := func(l *heldLock, msg string) {
		if l.Problem == "" {
			l.Problem = msg
		}
	}
	both := cfg.UseLockfile && cfg.Table != ""
	switch {
	case file != nil && !cfg.UseLockfile:
		problem(file, "a .tflock object is present but use_lockfile is not set, so Terraform ignores it (left from a configuration that used it?)")
	case both && file != nil && item == nil:
		problem(file, "the .tflock object has no DynamoDB lock item; Terraform takes both (lock file first): a leftover, or a lock being taken this instant")
	case both && item != nil && file == nil:
		problem(item, "the DynamoDB lock item has no .tflock object; Terraform takes both (lock file first): a leftover, or a lock being released this instant")
	case file != nil && item != nil && file.ID != item.ID:
		msg := fmt.Sprintf("the .tflock object (ID %s) and the DynamoDB item (ID %s) name different locks", file.ID, item.ID)
		problem(file, msg)
		problem(item, msg)
	}
	for _, l := range []*heldLock{file, item} {
		if l != nil {
			locks = append(locks, l.Lock)
		}
	}
	return locks
}

func lockKey(id string) map[string]ddbtypes.AttributeValue {
	return map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: id}}
}

// Unlock removes the held locks whose ID is id and returns them; the CLI
// applies --stale-after and --force before calling it and logs what it
// returns. Each lock is removed only if it is still exactly what was read:
// the DynamoDB item by a delete conditioned on its whole Info value, the
// .tflock object by a delete with If-Match on its ETag. A lock that changed
// in between is ErrLockChanged, with nothing of it removed. No lock at all
// is ErrNotLocked; locks with other IDs only are a *LockMismatchError that
// names them. A lock whose info cannot be read has no ID and cannot be
// removed here.
func (b *Backend) Unlock(ctx context.Context, id string) ([]remotestate.Lock, error) {
	file, item, err := b.readLocks(ctx)
	if err != nil {
		return nil, err
	}
	held := annotate(b.cfg, file, item)
	if len(held) == 0 {
		return nil, fmt.Errorf("%s: %w", b, ErrNotLocked)
	}
	var removed []remotestate.Lock
	// Release in the reverse of Terraform's acquisition order: the item,
	// then the lock file.
	if item != nil && item.ID == id && id != "" {
		if err := b.deleteLockItem(ctx, item.raw); err != nil {
			return removed, err
		}
		removed = append(removed, item.Lock)
	}
	if file != nil && file.ID == id && id != "" {
		if err := b.deleteLockfile(ctx, file.etag); err != nil {
			return removed, err
		}
		removed = append(removed, file.Lock)
	}
	if len(removed) == 0 {
		return nil, &LockMismatchError{ID: id, Held: held}
	}
	return removed, nil
}

// deleteLockItem deletes the lock item if its Info is still raw.
func (b *Backend) deleteLockItem(ctx context.Context, raw string) error {
	_, err := b.c.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &b.cfg.Table,
		Key:                       lockKey(b.cfg.LockID()),
		ConditionExpression:       awsv2.String("Info = :info"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":info": &ddbtypes.AttributeValueMemberS{Value: raw}},
	})
	if err != nil {
		var ccf *ddbtypes.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return fmt.Errorf("%s: DynamoDB lock item: %w", b, ErrLockChanged)
		}
		return fmt.Errorf("deleting lock item %s from DynamoDB table %s: %w", b.cfg.LockID(), b.cfg.Table, err)
	}
	return nil
}

// deleteLockfile deletes the .tflock object if its ETag is still etag.
func (b *Backend) deleteLockfile(ctx context.Context, etag string) error {
	key := b.cfg.LockfileKey()
	in := &s3.DeleteObjectInput{Bucket: &b.cfg.Bucket, Key: &key}
	if etag != "" {
		in.IfMatch = &etag
	}
	if _, err := b.c.s3.DeleteObject(ctx, in); err != nil {
		if isCode(err, "PreconditionFailed", "NoSuchKey") || httpStatus(err) == 412 {
			return fmt.Errorf("%s: lock file: %w", b, ErrLockChanged)
		}
		return fmt.Errorf("deleting lock file s3://%s/%s: %w", b.cfg.Bucket, key, err)
	}
	return nil
}
