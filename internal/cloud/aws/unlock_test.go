package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// halves returns openers of cfg that lock only the .tflock object or only
// the DynamoDB item, to build inconsistent locks.
func halves(t *testing.T, cfg Config) (fileOnly, itemOnly *Backend) {
	f, i := cfg, cfg
	f.Table = ""
	i.UseLockfile = false
	return openTest(t, f), openTest(t, i)
}

func TestUnlockInconsistentIDs(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", true, true)
	b := openTest(t, cfg)
	fileOnly, itemOnly := halves(t, cfg)
	fh, err := fileOnly.Lock(ctx, LockRequest{Operation: "OperationTypeApply", Who: "crashed@ci"})
	if err != nil {
		t.Fatal(err)
	}
	ih, err := itemOnly.Lock(ctx, LockRequest{Operation: "OperationTypePlan", Who: "other@laptop"})
	if err != nil {
		t.Fatal(err)
	}
	fileID, itemID := fh.Lock().ID, ih.Lock().ID
	locks, err := b.Locks(ctx)
	if err != nil || len(locks) != 2 || !strings.Contains(locks[0].Problem, "different locks") {
		t.Fatalf("locks = %+v, %v", locks, err)
	}

	// An ID that is neither is refused and names both.
	if _, err := b.UnlockMatching(ctx, "neither"); !errors.As(err, new(*LockMismatchError)) ||
		!strings.Contains(err.Error(), fileID) || !strings.Contains(err.Error(), itemID) {
		t.Fatalf("neither ID: %v", err)
	}
	// The lock file's ID removes the lock file only; the item is still held.
	res, err := b.UnlockMatching(ctx, fileID)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 || res.Removed[0].Source != SourceLockfile || res.Removed[0].ID != fileID ||
		len(res.StillHeld) != 1 || res.StillHeld[0].Source != SourceDynamoDB || res.StillHeld[0].ID != itemID {
		t.Fatalf("unlock %s: %+v", fileID, res)
	}
	if objectExists(t, b, cfg.LockfileKey()) {
		t.Error("the lock file is still there")
	}
	if locks, _ := b.Locks(ctx); len(locks) != 1 || locks[0].ID != itemID {
		t.Fatalf("after removing the lock file: %+v", locks)
	}
	// Unlock (the interface method) removes the item by its ID.
	removed, err := b.Unlock(ctx, itemID)
	if err != nil || len(removed) != 1 || removed[0].Source != SourceDynamoDB {
		t.Fatalf("unlock %s: %+v, %v", itemID, removed, err)
	}
	if locks, _ := b.Locks(ctx); len(locks) != 0 {
		t.Fatalf("after both: %+v", locks)
	}
}

func TestUnlockUnreadable(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", true, true)
	b := openTest(t, cfg)
	fileOnly, _ := halves(t, cfg)

	// A .tflock that is not lock JSON, with something secret-looking
	// far into it.
	garbage := "garbage-not-json " + strings.Repeat("x", 200) + " password=hunter2"
	key := cfg.LockfileKey()
	if _, err := b.c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &cfg.Bucket, Key: &key, Body: strings.NewReader(garbage)}); err != nil {
		t.Fatal(err)
	}
	// A DynamoDB item without any Info.
	if _, err := b.c.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Table, Item: lockKey(cfg.LockID())}); err != nil {
		t.Fatal(err)
	}
	locks, err := b.Locks(ctx)
	if err != nil || len(locks) != 2 {
		t.Fatalf("locks = %+v, %v", locks, err)
	}
	for _, l := range locks {
		if l.ID != "" || !l.Created.IsZero() || !strings.HasPrefix(l.Problem, UnreadableProblem) {
			t.Errorf("unreadable lock = %+v", l)
		}
	}
	file := locks[0]
	if file.Source != SourceLockfile || len(file.Info) > 100 || strings.Contains(file.Info, "hunter2") ||
		!strings.Contains(file.Info, "garbage-not-json") || !strings.Contains(file.Info, "truncated") {
		t.Errorf("lock file info = %q", file.Info)
	}

	// No ID never removes anything; an ID says the locks are unreadable.
	if _, err := b.Unlock(ctx, ""); !errors.Is(err, ErrNoLockID) {
		t.Errorf("unlock without ID: %v", err)
	}
	if _, err := b.Unlock(ctx, "some-id"); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("unlock by ID of unreadable locks: %v", err)
	}

	// The dedicated call removes one source at a time.
	res, err := b.UnlockUnreadable(ctx, SourceLockfile)
	if err != nil || len(res.Removed) != 1 || res.Removed[0].Source != SourceLockfile || len(res.StillHeld) != 1 {
		t.Fatalf("unlock unreadable lock file: %+v, %v", res, err)
	}
	if objectExists(t, b, key) {
		t.Error("the unreadable lock file is still there")
	}

	// Next to a readable lock file, only the unreadable item goes.
	fh, err := fileOnly.Lock(ctx, LockRequest{Operation: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	res, err = b.UnlockUnreadable(ctx, "")
	if err != nil || len(res.Removed) != 1 || res.Removed[0].Source != SourceDynamoDB ||
		len(res.StillHeld) != 1 || res.StillHeld[0].ID != fh.Lock().ID {
		t.Fatalf("unlock unreadable item: %+v, %v", res, err)
	}
	if _, err := b.UnlockUnreadable(ctx, ""); !errors.Is(err, ErrNoUnreadableLock) {
		t.Errorf("no unreadable lock left: %v", err)
	}
	if err := fh.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestUnreadableItemDeleteIsConditional(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", false, true)
	b := openTest(t, cfg)
	put := func(item map[string]ddbtypes.AttributeValue) {
		t.Helper()
		if _, err := b.c.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Table, Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	withInfo := func(v string) map[string]ddbtypes.AttributeValue {
		item := lockKey(cfg.LockID())
		item["Info"] = &ddbtypes.AttributeValueMemberS{Value: v}
		return item
	}

	// Read without Info; someone locks properly before the delete.
	put(lockKey(cfg.LockID()))
	_, item, err := b.readLocks(ctx)
	if err != nil || item == nil || item.info != nil {
		t.Fatalf("item = %+v, %v", item, err)
	}
	put(withInfo(`{"ID":"real"}`))
	if err := b.deleteLockItemIf(ctx, item.info); !errors.Is(err, ErrLockChanged) {
		t.Errorf("delete of a no-Info item that got an Info: %v", err)
	}
	// Read with garbage Info; it changes before the delete.
	put(withInfo("garbage"))
	if _, item, err = b.readLocks(ctx); err != nil {
		t.Fatal(err)
	}
	put(withInfo("other garbage"))
	if err := b.deleteLockItemIf(ctx, item.info); !errors.Is(err, ErrLockChanged) {
		t.Errorf("delete of a changed garbage item: %v", err)
	}
	if locks, _ := b.Locks(ctx); len(locks) != 1 || locks[0].Info == "" {
		t.Fatalf("the changed item went: %+v", locks)
	}
	// Gone between read and delete: changed too, nothing to delete.
	if _, item, err = b.readLocks(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.c.ddb.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &cfg.Table, Key: lockKey(cfg.LockID())}); err != nil {
		t.Fatal(err)
	}
	if err := b.deleteLockItemIf(ctx, nil); !errors.Is(err, ErrLockChanged) {
		t.Errorf("delete of a vanished item: %v", err)
	}
}

func TestParseLockUnreadableExcerpt(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
	}{
		{"{not json", `unreadable: "{not json" (9 bytes)`},
		{"\x00\x01binary\xffstuff-and-then-a-long-tail-with-a-secret", `unreadable: "..binary.stuff-and-then-"... (truncated: first 24 of 49 bytes)`},
	} {
		l := parseLock([]byte(tc.raw), SourceLockfile)
		if l.Info != tc.want || l.ID != "" || !l.Created.IsZero() || !strings.HasPrefix(l.Problem, UnreadableProblem) {
			t.Errorf("parseLock(%q) = %+v, want Info %q", tc.raw, l, tc.want)
		}
	}
	if l := parseLock([]byte(`{"Operation":"apply"}`), SourceDynamoDB); !strings.HasPrefix(l.Problem, UnreadableProblem) || l.Operation != "apply" {
		t.Errorf("lock without ID = %+v", l)
	}
}
