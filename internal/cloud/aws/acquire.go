package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"

	"github.com/infractl/infractl/internal/remotestate"
)

// LockRequest describes a lock infractl takes on a state, so that
// Terraform (and `infractl locks`) can tell who holds it and why.
type LockRequest struct {
	// Operation is recorded as the lock's operation, e.g. "state-rollback".
	Operation string
	// Who is the holder, user@host when empty (as Terraform records it).
	Who string
	// Info is free text shown by Terraform under "Info:".
	Info string
}

// HeldLock is a lock infractl holds; Release gives it back.
type HeldLock struct {
	b       *Backend
	info    lockInfo
	raw     string
	etag    string // of the .tflock object we wrote
	inFile  bool
	inTable bool
}

// Lock returns the held lock as Terraform would show it.
func (h *HeldLock) Lock() remotestate.Lock {
	l := remotestate.Lock{ID: h.info.ID, Operation: h.info.Operation, Who: h.info.Who,
		Version: h.info.Version, Created: h.info.Created, Path: h.info.Path, Info: h.info.Info}
	switch {
	case h.inFile && h.inTable:
		l.Source = SourceLockfile + "+" + SourceDynamoDB
	case h.inFile:
		l.Source = SourceLockfile
	case h.inTable:
		l.Source = SourceDynamoDB
	}
	return l
}

// Locked reports whether anything was locked: a backend with neither
// use_lockfile nor dynamodb_table has no locking, for Terraform as for us.
func (h *HeldLock) Locked() bool { return h.inFile || h.inTable }

// Lock takes the state lock the way Terraform 1.11 does, so Terraform and
// infractl exclude each other: the .tflock object written with
// If-None-Match: * when use_lockfile is set, then the DynamoDB item put
// with attribute_not_exists(LockID) when a table is set (both when both;
// the lock file is released again if the item cannot be taken). A lock
// held by someone else is a *LockHeldError naming the holder; credentials
// of an account the backend refuses (allowed_account_ids,
// forbidden_account_ids) an *AccountError, before anything is written.
func (b *Backend) Lock(ctx context.Context, req LockRequest) (*HeldLock, error) {
	if err := b.CheckAccount(ctx); err != nil {
		return nil, err
	}
	if req.Operation == "" {
		req.Operation = "infractl"
	}
	info := lockInfo{
		ID:        uuid.NewString(),
		Operation: req.Operation,
		Info:      req.Info,
		Who:       req.Who,
		Version:   "infractl",
		Created:   b.now().UTC(),
		Path:      b.cfg.LockID(),
	}
	if info.Who == "" {
		info.Who = whoAmI()
	}
	raw, err := json.Marshal(info)
	if err != nil {
		return nil, err
	}
	h := &HeldLock{b: b, info: info, raw: string(raw)}
	if b.cfg.UseLockfile {
		in := b.putInput(b.cfg.LockfileKey(), raw)
		in.IfNoneMatch = awsv2.String("*")
		out, err := b.c.s3.PutObject(ctx, in)
		if err != nil {
			// Terraform counts any failure here as a conflict; so do we,
			// but say what it was when nobody holds the lock.
			return nil, b.heldError(ctx, b.bucketMissing(err))
		}
		h.inFile, h.etag = true, awsv2.ToString(out.ETag)
	}
	if b.cfg.Table != "" {
		_, err := b.c.ddb.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: &b.cfg.Table,
			Item: map[string]ddbtypes.AttributeValue{
				"LockID": &ddbtypes.AttributeValueMemberS{Value: b.cfg.LockID()},
				"Info":   &ddbtypes.AttributeValueMemberS{Value: h.raw},
			},
			ConditionExpression: awsv2.String("attribute_not_exists(LockID)"),
		})
		if err != nil {
			held := b.heldError(ctx, fmt.Errorf("DynamoDB table %s: %w", b.cfg.Table, err))
			if h.inFile {
				if rerr := b.deleteLockfile(context.WithoutCancel(ctx), h.etag); rerr != nil {
					return nil, errors.Join(held, fmt.Errorf("releasing the lock file again: %w", rerr))
				}
			}
			return nil, held
		}
		h.inTable = true
	}
	return h, nil
}

// heldError reads who holds the lock after a failed acquisition.
func (b *Backend) heldError(ctx context.Context, err error) error {
	locks, rerr := b.Locks(ctx)
	if rerr != nil {
		return &LockHeldError{Err: errors.Join(err, rerr)}
	}
	return &LockHeldError{Held: locks, Err: err}
}

// Release removes the lock, each part only if it is still ours (the item
// by its exact Info, the lock file by its ETag). It runs even when ctx is
// cancelled, so an interrupted rollback does not leave the state locked.
func (h *HeldLock) Release(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	var errs []error
	if h.inTable {
		if err := h.b.deleteLockItem(ctx, h.raw); err != nil {
			errs = append(errs, err)
		} else {
			h.inTable = false
		}
	}
	if h.inFile {
		if err := h.b.deleteLockfile(ctx, h.etag); err != nil {
			errs = append(errs, err)
		} else {
			h.inFile = false
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("releasing lock %s on %s: %w", h.info.ID, h.b, errors.Join(errs...))
	}
	return nil
}

// whoAmI is user@host, as Terraform records the lock holder.
func whoAmI() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return name + "@" + host
}
