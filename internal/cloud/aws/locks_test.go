package aws

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/infractl/infractl/internal/remotestate"
)

func TestAnnotate(t *testing.T) {
	lock := func(source, id string) *heldLock {
		return &heldLock{Lock: remotestate.Lock{ID: id, Source: source}}
	}
	tests := []struct {
		name        string
		lockfile    bool
		table       string
		file, item  *heldLock
		wantSources []string
		wantProblem []string // substring per lock, "" for none
	}{
		{"unlocked", true, "t", nil, nil, nil, nil},
		{"both consistent", true, "t", lock(SourceLockfile, "a"), lock(SourceDynamoDB, "a"),
			[]string{SourceLockfile, SourceDynamoDB}, []string{"", ""}},
		{"file without item", true, "t", lock(SourceLockfile, "a"), nil, []string{SourceLockfile}, []string{"no DynamoDB lock item"}},
		{"item without file", true, "t", nil, lock(SourceDynamoDB, "a"), []string{SourceDynamoDB}, []string{"has no .tflock"}},
		{"different IDs", true, "t", lock(SourceLockfile, "a"), lock(SourceDynamoDB, "b"),
			[]string{SourceLockfile, SourceDynamoDB}, []string{"different locks", "different locks"}},
		{"dynamodb only", false, "t", nil, lock(SourceDynamoDB, "a"), []string{SourceDynamoDB}, []string{""}},
		{"ignored lock file", false, "t", lock(SourceLockfile, "a"), lock(SourceDynamoDB, "a"),
			[]string{SourceLockfile, SourceDynamoDB}, []string{"Terraform ignores it", ""}},
		{"lockfile only", true, "", lock(SourceLockfile, "a"), nil, []string{SourceLockfile}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := annotate(Config{UseLockfile: tt.lockfile, Table: tt.table}, tt.file, tt.item)
			if len(got) != len(tt.wantSources) {
				t.Fatalf("got %d locks %+v, want %d", len(got), got, len(tt.wantSources))
			}
			for i, l := range got {
				if l.Source != tt.wantSources[i] {
					t.Errorf("lock %d source = %s, want %s", i, l.Source, tt.wantSources[i])
				}
				if want := tt.wantProblem[i]; (want == "") != (l.Problem == "") || !strings.Contains(l.Problem, want) {
					t.Errorf("lock %d problem = %q, want %q", i, l.Problem, want)
				}
			}
		})
	}
}

func TestParseLockTerraformInfo(t *testing.T) {
	raw := `{"ID":"cd74fc57-771a-62c1-8a89-8705c49da5e6","Operation":"OperationTypeApply","Info":"","Who":"root@vm","Version":"1.11.4","Created":"2026-11-25T17:00:11.791825386Z","Path":"tfstate/proj/terraform.tfstate"}`
	l := parseLock([]byte(raw), SourceLockfile)
	want := remotestate.Lock{ID: "cd74fc57-771a-62c1-8a89-8705c49da5e6", Operation: "OperationTypeApply", Who: "root@vm",
		Version: "1.11.4", Created: time.Date(2026, 11, 25, 17, 0, 11, 791825386, time.UTC), Path: "tfstate/proj/terraform.tfstate", Source: SourceLockfile}
	if !l.Created.Equal(want.Created) {
		t.Errorf("created = %v", l.Created)
	}
	l.Created = want.Created
	if l != want {
		t.Errorf("parseLock = %+v\nwant %+v", l, want)
	}
	if bad := parseLock([]byte("{not json"), SourceDynamoDB); bad.Problem == "" || bad.ID != "" {
		t.Errorf("bad info = %+v", bad)
	}
}

func TestLockLocksUnlock(t *testing.T) {
	for _, tc := range []struct {
		name            string
		lockfile, table bool
		sources         []string
	}{
		{"lockfile", true, false, []string{SourceLockfile}},
		{"dynamodb", false, true, []string{SourceDynamoDB}},
		{"both", true, true, []string{SourceLockfile, SourceDynamoDB}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := testState(t, "dev/terraform.tfstate", tc.lockfile, tc.table)
			b := openTest(t, cfg)
			if locks, err := b.Locks(ctx); err != nil || len(locks) != 0 {
				t.Fatalf("fresh state: locks %+v, %v", locks, err)
			}
			h, err := b.Lock(ctx, LockRequest{Operation: "OperationTypeApply", Who: "alice@laptop"})
			if err != nil {
				t.Fatal(err)
			}
			locks, err := Locks(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(locks) != len(tc.sources) {
				t.Fatalf("locks = %+v, want %v", locks, tc.sources)
			}
			for i, l := range locks {
				if l.Source != tc.sources[i] || l.ID != h.Lock().ID || l.Who != "alice@laptop" || l.Problem != "" ||
					l.Path != cfg.LockID() || l.Age(time.Now()) > time.Minute {
					t.Errorf("lock %d = %+v", i, l)
				}
			}

			// A second holder is refused and told who has it.
			_, err = b.Lock(ctx, LockRequest{Operation: "OperationTypePlan", Who: "bob@ci"})
			var held *LockHeldError
			if !errors.As(err, &held) || len(held.Held) == 0 || held.Held[0].Who != "alice@laptop" {
				t.Fatalf("second lock: err = %v", err)
			}
			if tc.lockfile && tc.table {
				// The failed attempt took the lock file first and must not
				// have left or removed anything.
				if l, _ := b.Locks(ctx); len(l) != 2 || l[0].ID != h.Lock().ID {
					t.Fatalf("after refused lock: %+v", l)
				}
			}

			// Unlock with the wrong ID is refused and names the holder.
			_, err = b.Unlock(ctx, "wrong-id")
			var mismatch *LockMismatchError
			if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), h.Lock().ID) || !strings.Contains(err.Error(), "alice@laptop") {
				t.Fatalf("wrong ID: err = %v", err)
			}
			removed, err := b.Unlock(ctx, h.Lock().ID)
			if err != nil || len(removed) != len(tc.sources) {
				t.Fatalf("unlock: removed %+v, %v", removed, err)
			}
			if locks, _ := b.Locks(ctx); len(locks) != 0 {
				t.Fatalf("after unlock: %+v", locks)
			}
			if _, err := b.Unlock(ctx, h.Lock().ID); !errors.Is(err, ErrNotLocked) {
				t.Fatalf("unlock again: %v", err)
			}
			if err := h.Release(ctx); err == nil || !errors.Is(err, ErrLockChanged) {
				t.Errorf("release of a removed lock: %v", err)
			}
			// The state can be locked again.
			h2, err := b.Lock(ctx, LockRequest{Operation: "x"})
			if err != nil {
				t.Fatal(err)
			}
			if err := h2.Release(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestUnlockRefusesAChangedLock(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", true, true)
	b := openTest(t, cfg)
	h, err := b.Lock(ctx, LockRequest{Operation: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	file, item, err := b.readLocks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Someone re-locks between our read and our delete: same ID is
	// impossible in practice, so rewrite the Info and the object.
	if _, err := b.c.ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Table, Item: map[string]ddbtypes.AttributeValue{
		"LockID": &ddbtypes.AttributeValueMemberS{Value: cfg.LockID()},
		"Info":   &ddbtypes.AttributeValueMemberS{Value: item.raw + " "},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := b.deleteLockItem(ctx, item.raw); !errors.Is(err, ErrLockChanged) {
		t.Errorf("item delete with stale Info: %v", err)
	}
	key := cfg.LockfileKey()
	if _, err := b.c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &cfg.Bucket, Key: &key, Body: strings.NewReader(file.raw + " ")}); err != nil {
		t.Fatal(err)
	}
	if err := b.deleteLockfile(ctx, file.etag); !errors.Is(err, ErrLockChanged) {
		t.Errorf("lock file delete with stale ETag: %v", err)
	}
	if !objectExists(t, b, key) {
		t.Error("the changed lock file was deleted")
	}
	// The current (changed) locks still carry h's ID; a normal unlock works.
	if removed, err := b.Unlock(ctx, h.Lock().ID); err != nil || len(removed) != 2 {
		t.Fatalf("unlock: %+v, %v", removed, err)
	}
}

func TestLocksReportsInconsistency(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", true, true)
	b := openTest(t, cfg)
	// A crashed run that removed its DynamoDB item but not its lock file.
	lockfileOnly := cfg
	lockfileOnly.Table = ""
	if _, err := openTest(t, lockfileOnly).Lock(ctx, LockRequest{Operation: "apply", Who: "crashed@ci"}); err != nil {
		t.Fatal(err)
	}
	locks, err := b.Locks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(locks) != 1 || locks[0].Source != SourceLockfile || !strings.Contains(locks[0].Problem, "no DynamoDB lock item") {
		t.Fatalf("locks = %+v", locks)
	}
	// Such a lock can still be removed by its ID.
	if removed, err := b.Unlock(ctx, locks[0].ID); err != nil || len(removed) != 1 {
		t.Fatalf("unlock: %+v, %v", removed, err)
	}
	// Missing bucket: a clear error.
	missing := cfg
	missing.Bucket = uniqueName("missing")
	if _, err := Locks(ctx, missing); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
}
