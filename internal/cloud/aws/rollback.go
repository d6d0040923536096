package aws

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/tfstate"
)

// RollbackOperation is the operation recorded in the lock a rollback
// takes, which Terraform shows to anyone it blocks.
const RollbackOperation = "state-rollback"

// RollbackResult says what a rollback did, for the CLI's report and its
// audit record.
type RollbackResult struct {
	// Target is the version that was restored, as it was stored.
	Target remotestate.Version `json:"target"`
	// Previous is the version that was current before, which the backup
	// hook got.
	Previous remotestate.Version `json:"previous"`
	// New is the version written: Target's body with serial =
	// Previous.Serial + 1.
	New remotestate.Version `json:"new"`
	// Lock is the lock held while writing; Source is empty when the
	// backend has no locking.
	Lock remotestate.Lock `json:"lock"`
	// Digest is the MD5 written to the DynamoDB digest item, empty when
	// no table is configured.
	Digest string `json:"digest,omitempty"`
}

// Rollback makes version id current again; see RollbackTo.
func (b *Backend) Rollback(ctx context.Context, id string, opts remotestate.RollbackOptions) (remotestate.Version, error) {
	r, err := b.RollbackTo(ctx, id, opts)
	if err != nil {
		return remotestate.Version{}, err
	}
	return r.New, nil
}

// RollbackTo makes version id current again as a new version, the way a
// careful human would with Terraform's own rules:
//
//  1. take the state lock as Terraform does (Lock), so no plan or apply
//     runs meanwhile;
//  2. read the current state and the target version; refuse a target that
//     is already current, and one of another lineage unless opts.Force
//     (tfstate.CheckPush; the error matches tfstate.ErrLineageMismatch);
//     when the state object was deleted (its newest version is a delete
//     marker), the target is restored with its own serial + 1;
//  3. rewrite the target body with serial = current + 1
//     (tfstate.BumpSerial);
//  4. only now that every check passed (lock held, version found, not
//     current, lineage accepted or forced) and before anything is written,
//     hand the current body to the backup hook, opts.Backup when set, else
//     b.Backup, and stop if it fails; no hook is called when there is no
//     current state to back up, and none on any refusal;
//  5. write the new body, encrypted as the backend says, with If-Match on
//     the current object's ETag (If-None-Match when there is none) so a
//     writer that ignores locks is not overwritten (ErrStateChanged);
//  6. when a table is configured, put the hex MD5 of the new body in the
//     digest item bucket/key-md5, or the next terraform plan would fail its
//     checksum check;
//  7. release the lock.
//
// Credentials of an account the backend refuses (allowed_account_ids,
// forbidden_account_ids) are an *AccountError before the lock is taken.
func (b *Backend) RollbackTo(ctx context.Context, id string, opts remotestate.RollbackOptions) (res *RollbackResult, err error) {
	if id == "" {
		return nil, fmt.Errorf("%s: rollback needs a version ID", b)
	}
	h, err := b.Lock(ctx, LockRequest{Operation: RollbackOperation, Who: opts.Who,
		Info: "infractl state rollback to version " + id})
	if err != nil {
		return nil, err
	}
	defer func() {
		if rerr := h.Release(ctx); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	res = &RollbackResult{}
	if h.Locked() {
		res.Lock = h.Lock()
	}

	cur, hasCurrent, err := b.getObject(ctx, b.cfg.Key, "")
	if err != nil {
		return nil, b.bucketMissing(err)
	}
	if hasCurrent && cur.versionID == id {
		return nil, fmt.Errorf("%s version %s: %w", b, id, ErrAlreadyCurrent)
	}
	target, found, err := b.getObject(ctx, b.cfg.Key, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("%s version %s: %w", b, id, ErrVersionNotFound)
	}

	var curMeta tfstate.Meta // zero: no current state, anything may replace it
	if hasCurrent {
		curMeta, err = tfstate.Inspect(cur.body)
	}
	if err != nil {
		if !opts.Force {
			return nil, fmt.Errorf("%s: the current state is not a valid v4 state (use force to replace it anyway): %w", b, err)
		}
		var v remotestate.Version
		fillMeta(&v, cur.body)
		curMeta = tfstate.Meta{Serial: v.Serial, Lineage: v.Lineage, Size: int64(len(cur.body))}
	}
	targetMeta, err := tfstate.Inspect(target.body)
	if err != nil {
		return nil, fmt.Errorf("%s version %s is not a valid v4 state: %w", b, id, err)
	}
	if hasCurrent {
		res.Previous = versionOf(cur, curMeta)
		res.Previous.Current = true
	}
	res.Target = versionOf(target, targetMeta)

	incoming := targetMeta
	incoming.Serial = curMeta.Serial + 1
	if !hasCurrent {
		// Restoring a deleted state: nothing to be newer than but the
		// version itself.
		incoming.Serial = targetMeta.Serial + 1
	}
	if err := tfstate.CheckPush(curMeta, incoming, false, opts.Force); err != nil {
		return nil, fmt.Errorf("%s: rolling back to version %s: %w", b, id, err)
	}
	lineage := targetMeta.Lineage
	if opts.Force {
		lineage = "" // a forced rollback keeps the target's own lineage
	}
	body, err := tfstate.BumpSerial(target.body, incoming.Serial, lineage)
	if err != nil {
		return nil, fmt.Errorf("%s: rewriting the serial of version %s: %w", b, id, err)
	}
	if hasCurrent {
		if err := b.backup(opts, res.Previous, cur.body); err != nil {
			return nil, fmt.Errorf("%s: backing up the current state (nothing was written): %w", b, err)
		}
	}

	in := b.putInput(b.cfg.Key, body)
	switch {
	case !hasCurrent:
		in.IfNoneMatch = awsv2.String("*")
	case cur.etag != "":
		in.IfMatch = awsv2.String(cur.etag)
	}
	out, err := b.c.s3.PutObject(ctx, in)
	if err != nil {
		if isCode(err, "PreconditionFailed", "ConditionalRequestConflict") || httpStatus(err) == 412 {
			return nil, fmt.Errorf("%s: %w", b, ErrStateChanged)
		}
		return nil, fmt.Errorf("writing %s: %w", b, err)
	}
	newMeta, _ := tfstate.Inspect(body)
	res.New = remotestate.Version{
		ID: awsv2.ToString(out.VersionId), Serial: newMeta.Serial, Lineage: newMeta.Lineage,
		Size: int64(len(body)), Resources: newMeta.Resources, TerraformVersion: newMeta.TerraformVersion,
		CreatedAt: b.now().UTC(), Current: true, Who: res.Lock.Who, LockID: res.Lock.ID,
	}
	if b.cfg.Table != "" {
		sum := md5.Sum(body)
		res.Digest = hex.EncodeToString(sum[:])
		if err := b.putDigest(ctx, res.Digest); err != nil {
			return res, fmt.Errorf("%s: the state was rolled back (new version %s) but its digest was not stored, "+
				"so terraform will report a checksum mismatch: set Digest = %q on item %q of table %s: %w",
				b, res.New.ID, res.Digest, b.cfg.DigestID(), b.cfg.Table, err)
		}
	}
	return res, nil
}

// backup hands the current body to the rollback's hook: opts.Backup
// when set, else b.Backup; none is no error.
func (b *Backend) backup(opts remotestate.RollbackOptions, current remotestate.Version, body []byte) error {
	switch {
	case opts.Backup != nil:
		return opts.Backup(body)
	case b.Backup != nil:
		return b.Backup(current, body)
	}
	return nil
}

// putDigest stores the state's MD5 where Terraform checks it.
func (b *Backend) putDigest(ctx context.Context, digest string) error {
	_, err := b.c.ddb.PutItem(context.WithoutCancel(ctx), &dynamodb.PutItemInput{
		TableName: &b.cfg.Table,
		Item: map[string]ddbtypes.AttributeValue{
			"LockID": &ddbtypes.AttributeValueMemberS{Value: b.cfg.DigestID()},
			"Digest": &ddbtypes.AttributeValueMemberS{Value: digest},
		},
	})
	return err
}

// Digest returns the MD5 stored in the DynamoDB digest item ("" when there
// is no table or no item), so a check can compare it with the state.
func (b *Backend) Digest(ctx context.Context) (string, error) {
	if b.cfg.Table == "" {
		return "", nil
	}
	out, err := b.c.ddb.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &b.cfg.Table, Key: lockKey(b.cfg.DigestID()), ConsistentRead: awsv2.Bool(true),
	})
	if err != nil {
		return "", fmt.Errorf("reading digest item %s from DynamoDB table %s: %w", b.cfg.DigestID(), b.cfg.Table, err)
	}
	if d, ok := out.Item["Digest"].(*ddbtypes.AttributeValueMemberS); ok {
		return d.Value, nil
	}
	return "", nil
}

func versionOf(o object, m tfstate.Meta) remotestate.Version {
	return remotestate.Version{
		ID: o.versionID, Serial: m.Serial, Lineage: m.Lineage, Size: int64(len(o.body)),
		Resources: m.Resources, TerraformVersion: m.TerraformVersion, CreatedAt: o.lastModified,
	}
}
