package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
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
	// info is the DynamoDB item's Info attribute as read, whatever its
	// type; nil when the item has none. A delete is conditioned on it.
	info ddbtypes.AttributeValue
}

// unreadable reports whether the lock has no ID to unlock it by: its info
// is not Terraform's lock JSON, or names no ID.
func (l *heldLock) unreadable() bool { return l.ID == "" }

// excerptLen bounds how much of an unreadable lock body is kept: enough
// to recognise it, too little to carry a secret it may hold.
const excerptLen = 24

// UnreadableProblem starts the Problem of a lock whose info cannot be
// read, so callers can tell such locks apart (Created is zero: the age is
// unknown).
const UnreadableProblem = "unreadable lock"

func parseLock(raw []byte, source string) remotestate.Lock {
	var info lockInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return remotestate.Lock{Source: source, Info: excerpt(raw),
			Problem: fmt.Sprintf("%s: the lock info is not Terraform's lock JSON (%v), so its holder and age are unknown; "+
				"it can only be removed as an unreadable lock", UnreadableProblem, err)}
	}
	l := remotestate.Lock{
		ID: info.ID, Operation: info.Operation, Who: info.Who, Version: info.Version,
		Created: info.Created, Path: info.Path, Info: info.Info, Source: source,
	}
	if info.ID == "" {
		l.Problem = UnreadableProblem + ": the lock info has no ID; it can only be removed as an unreadable lock"
	}
	return l
}

// excerpt is a short, printable, clearly truncated extract of an
// unreadable lock body.
func excerpt(raw []byte) string {
	shown := raw
	if len(shown) > excerptLen {
		shown = shown[:excerptLen]
	}
	clean := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f {
			return '.'
		}
		return r
	}, string(shown))
	if len(shown) == len(raw) {
		return fmt.Sprintf("unreadable: %q (%d bytes)", clean, len(raw))
	}
	return fmt.Sprintf("unreadable: %q... (truncated: first %d of %d bytes)", clean, len(shown), len(raw))
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
	attr := out.Item["Info"]
	info, ok := attr.(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return &heldLock{Lock: remotestate.Lock{Source: SourceDynamoDB, Path: b.cfg.LockID(),
			Problem: UnreadableProblem + ": the lock item has no Info string, so its holder and age are unknown; " +
				"it can only be removed as an unreadable lock"}, info: attr}, nil
	}
	return &heldLock{Lock: parseLock([]byte(info.Value), SourceDynamoDB), raw: info.Value, info: attr}, nil
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

// UnlockResult is what an unlock removed and what it left held.
type UnlockResult struct {
	// Removed are the locks deleted, in deletion order (the DynamoDB
	// item, then the .tflock object, the reverse of Terraform's order).
	Removed []remotestate.Lock `json:"removed"`
	// StillHeld are the locks left in place: the other half of an
	// inconsistent pair whose ID differs, or the readable locks left by
	// UnlockUnreadable.
	StillHeld []remotestate.Lock `json:"still_held"`
}

// ErrNoLockID refuses an Unlock without a lock ID: a lock whose info has
// no ID is removed with UnlockUnreadable, never by accident.
var ErrNoLockID = errors.New("an unlock needs the lock ID; a lock without one (unreadable) is removed as an unreadable lock")

// ErrNoUnreadableLock means UnlockUnreadable found no unreadable lock
// (every held lock has an ID, to be unlocked by it).
var ErrNoUnreadableLock = errors.New("no unreadable lock is held")

// Unlock removes the held locks whose ID is id and returns them; see
// UnlockMatching, which also says which locks are still held.
func (b *Backend) Unlock(ctx context.Context, id string) ([]remotestate.Lock, error) {
	res, err := b.UnlockMatching(ctx, id)
	return res.Removed, err
}

// UnlockMatching removes exactly the held locks whose ID is id and
// reports the others as still held: when the .tflock object and the
// DynamoDB item name different locks, only the one with this ID goes. The
// CLI applies --stale-after and --force before calling it and logs what
// was removed. Each lock is removed only if it is still exactly what was
// read: the DynamoDB item by a delete conditioned on its whole Info value,
// the .tflock object by a delete with If-Match on its ETag. A lock that
// changed in between is ErrLockChanged, with nothing of it removed (and
// what was removed before it returned). No lock at all is ErrNotLocked;
// locks with other IDs only are a *LockMismatchError that names them; an
// empty id is ErrNoLockID. Credentials of an account the backend's
// allowed_account_ids or forbidden_account_ids refuse are an
// *AccountError, before anything is read.
func (b *Backend) UnlockMatching(ctx context.Context, id string) (UnlockResult, error) {
	if id == "" {
		return UnlockResult{}, fmt.Errorf("%s: %w", b, ErrNoLockID)
	}
	res, held, err := b.removeLocks(ctx, func(l *heldLock) bool { return l.ID == id })
	if err == nil && len(res.Removed) == 0 && len(held) > 0 {
		err = &LockMismatchError{ID: id, Held: held}
	}
	return res, err
}

// UnlockUnreadable removes the held locks whose info cannot be read (not
// Terraform's lock JSON, no ID, or a DynamoDB item without an Info
// string), which no ID can name; source limits it to SourceLockfile or
// SourceDynamoDB, "" means both. As with UnlockMatching, each is removed
// only if it is still what was read (the .tflock object's ETag, the
// item's exact Info value or its absence), readable locks are left and
// reported in StillHeld, and the CLI decides whether to ask for --force
// (such a lock's age is unknown: Created is zero). No lock at all is
// ErrNotLocked, no unreadable one ErrNoUnreadableLock.
func (b *Backend) UnlockUnreadable(ctx context.Context, source string) (UnlockResult, error) {
	if source != "" && source != SourceLockfile && source != SourceDynamoDB {
		return UnlockResult{}, fmt.Errorf("unknown lock source %q: want %s or %s", source, SourceLockfile, SourceDynamoDB)
	}
	res, _, err := b.removeLocks(ctx, func(l *heldLock) bool {
		return l.unreadable() && (source == "" || l.Source == source)
	})
	if err == nil && len(res.Removed) == 0 {
		err = fmt.Errorf("%s: %w", b, ErrNoUnreadableLock)
	}
	return res, err
}

// removeLocks reads the locks and removes those that match, each on the
// condition that it is unchanged; held is every lock read.
func (b *Backend) removeLocks(ctx context.Context, match func(*heldLock) bool) (res UnlockResult, held []remotestate.Lock, err error) {
	res = UnlockResult{Removed: []remotestate.Lock{}, StillHeld: []remotestate.Lock{}}
	if err := b.CheckAccount(ctx); err != nil {
		return res, nil, err
	}
	file, item, err := b.readLocks(ctx)
	if err != nil {
		return res, nil, err
	}
	held = annotate(b.cfg, file, item)
	if len(held) == 0 {
		return res, held, fmt.Errorf("%s: %w", b, ErrNotLocked)
	}
	// Release in the reverse of Terraform's acquisition order: the item,
	// then the lock file.
	for _, l := range []*heldLock{item, file} {
		if l == nil {
			continue
		}
		if !match(l) {
			res.StillHeld = append(res.StillHeld, l.Lock)
			continue
		}
		var err error
		if l.Source == SourceDynamoDB {
			err = b.deleteLockItemIf(ctx, l.info)
		} else {
			err = b.deleteLockfile(ctx, l.etag)
		}
		if err != nil {
			return res, held, err
		}
		res.Removed = append(res.Removed, l.Lock)
	}
	return res, held, nil
}

// deleteLockItem deletes the lock item if its Info is still raw.
func (b *Backend) deleteLockItem(ctx context.Context, raw string) error {
	return b.deleteLockItemIf(ctx, &ddbtypes.AttributeValueMemberS{Value: raw})
}

// deleteLockItemIf deletes the lock item if its Info is still info (of
// whatever type), or still absent when info is nil.
func (b *Backend) deleteLockItemIf(ctx context.Context, info ddbtypes.AttributeValue) error {
	in := &dynamodb.DeleteItemInput{
		TableName: &b.cfg.Table,
		Key:       lockKey(b.cfg.LockID()),
		// The item must still exist: a delete of nothing is a change.
		ConditionExpression: awsv2.String("attribute_exists(LockID) AND attribute_not_exists(Info)"),
	}
	if info != nil {
		in.ConditionExpression = awsv2.String("Info = :info")
		in.ExpressionAttributeValues = map[string]ddbtypes.AttributeValue{":info": info}
	}
	_, err := b.c.ddb.DeleteItem(ctx, in)
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
