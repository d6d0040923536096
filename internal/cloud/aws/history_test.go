package aws

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/tfstate"
)

const lineageA = "8717c6a2-57a4-4a3c-9b1d-4d5f3b0e1a11"
const lineageB = "00000000-1111-2222-3333-444444444444"

func TestVersionsAndBody(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "prod/terraform.tfstate", true, false)
	b := openTest(t, cfg)
	if v, err := b.Versions(ctx); err != nil || len(v) != 0 {
		t.Fatalf("no state: %+v, %v", v, err)
	}
	if body, err := b.Body(ctx, ""); err != nil || body != nil {
		t.Fatalf("body of no state: %q, %v; want nil, nil", body, err)
	}
	var ids []string
	for serial := uint64(1); serial <= 3; serial++ {
		ids = append(ids, putState(t, b, stateBody(serial, lineageA, int(serial))))
	}
	// Noise the listing must leave out: the lock file's versions and a
	// key that shares the prefix.
	h, err := b.Lock(ctx, LockRequest{Operation: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Release(ctx); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.Key = cfg.Key + ".backup"
	putState(t, openTest(t, other), stateBody(9, lineageA, 0))

	versions, err := b.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 3 {
		t.Fatalf("versions = %+v", versions)
	}
	for i, v := range versions {
		wantSerial := uint64(3 - i)
		if v.ID != ids[2-i] || v.Serial != wantSerial || v.Lineage != lineageA || v.Resources != int(wantSerial) ||
			v.TerraformVersion != "1.11.4" || v.Current != (i == 0) || v.Size == 0 || v.CreatedAt.IsZero() {
			t.Errorf("version %d = %+v", i, v)
		}
	}
	body, err := b.Body(ctx, ids[0])
	if err != nil || string(body) != string(stateBody(1, lineageA, 1)) {
		t.Fatalf("body of version 1: %v", err)
	}
	if _, err := b.Body(ctx, "no-such-version"); !errors.Is(err, ErrVersionNotFound) {
		t.Errorf("unknown version: %v", err)
	}

	// A deleted state: the delete marker is not listed and nothing is current.
	if _, err := b.c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &cfg.Bucket, Key: &cfg.Key}); err != nil {
		t.Fatal(err)
	}
	versions, err = b.Versions(ctx)
	if err != nil || len(versions) != 3 {
		t.Fatalf("after delete: %+v, %v", versions, err)
	}
	for _, v := range versions {
		if v.Current {
			t.Errorf("a version is current after the state was deleted: %+v", v)
		}
	}
}

func TestRollback(t *testing.T) {
	for _, tc := range []struct {
		name            string
		lockfile, table bool
	}{
		{"lockfile", true, false},
		{"dynamodb", false, true},
		{"both", true, true},
		{"no locking", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := testState(t, "prod/terraform.tfstate", tc.lockfile, tc.table)
			b := openTest(t, cfg)
			v1 := putState(t, b, stateBody(1, lineageA, 1))
			putState(t, b, stateBody(2, lineageA, 2))
			v3 := putState(t, b, stateBody(5, lineageA, 3))

			var backedUp []byte
			var backedUpVersion remotestate.Version
			b.Backup = func(v remotestate.Version, body []byte) error {
				backedUp, backedUpVersion = body, v
				return nil
			}
			res, err := b.RollbackTo(ctx, v1, remotestate.RollbackOptions{Who: "ops@infractl"})
			if err != nil {
				t.Fatal(err)
			}
			if string(backedUp) != string(stateBody(5, lineageA, 3)) || backedUpVersion.ID != v3 || backedUpVersion.Serial != 5 {
				t.Errorf("backup got version %+v", backedUpVersion)
			}
			if res.New.Serial != 6 || res.New.Lineage != lineageA || res.New.Resources != 1 || res.New.ID == "" || !res.New.Current {
				t.Errorf("new version = %+v", res.New)
			}
			if res.Target.ID != v1 || res.Previous.ID != v3 {
				t.Errorf("result = %+v", res)
			}
			if (tc.lockfile || tc.table) != (res.Lock.ID != "") || (res.Lock.ID != "" && res.Lock.Who != "ops@infractl") {
				t.Errorf("lock = %+v", res.Lock)
			}
			body, err := b.Body(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			m, err := tfstate.Inspect(body)
			if err != nil || m.Serial != 6 || m.Lineage != lineageA || m.Resources != 1 {
				t.Fatalf("current state after rollback: %+v, %v", m, err)
			}
			digest, err := b.Digest(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sum := md5.Sum(body)
			if tc.table && digest != hex.EncodeToString(sum[:]) {
				t.Errorf("digest = %q, want MD5 of the new body %x", digest, sum)
			}
			if !tc.table && (digest != "" || res.Digest != "") {
				t.Errorf("digest without a table: %q", digest)
			}
			if locks, _ := b.Locks(ctx); len(locks) != 0 {
				t.Errorf("locks left after rollback: %+v", locks)
			}
			versions, _ := b.Versions(ctx)
			if len(versions) != 4 || versions[0].ID != res.New.ID || versions[0].Serial != 6 {
				t.Errorf("history after rollback: %+v", versions)
			}
			if _, err := b.RollbackTo(ctx, res.New.ID, remotestate.RollbackOptions{}); !errors.Is(err, ErrAlreadyCurrent) {
				t.Errorf("rollback to the current version: %v", err)
			}
			if _, err := b.RollbackTo(ctx, "no-such-version", remotestate.RollbackOptions{}); !errors.Is(err, ErrVersionNotFound) {
				t.Errorf("rollback to an unknown version: %v", err)
			}
		})
	}
}

func TestRollbackRefusals(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "prod/terraform.tfstate", true, true)
	b := openTest(t, cfg)
	foreign := putState(t, b, stateBody(7, lineageB, 1))
	putState(t, b, stateBody(1, lineageA, 2))

	_, err := b.Rollback(ctx, foreign, remotestate.RollbackOptions{})
	if !errors.Is(err, tfstate.ErrLineageMismatch) || !strings.Contains(err.Error(), lineageB) {
		t.Fatalf("other lineage: %v", err)
	}
	if locks, _ := b.Locks(ctx); len(locks) != 0 {
		t.Fatalf("a refused rollback left locks: %+v", locks)
	}

	// A failing backup stops the rollback before anything is written.
	b.Backup = func(remotestate.Version, []byte) error { return errors.New("disk full") }
	if _, err := b.Rollback(ctx, foreign, remotestate.RollbackOptions{Force: true}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("failing backup: %v", err)
	}
	if v, _ := b.Versions(ctx); len(v) != 2 {
		t.Fatalf("a failed backup still wrote: %+v", v)
	}
	b.Backup = nil

	// Forced: the other lineage is restored with serial = current + 1.
	v, err := b.Rollback(ctx, foreign, remotestate.RollbackOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if v.Lineage != lineageB || v.Serial != 2 {
		t.Errorf("forced rollback = %+v", v)
	}

	// A deleted state is restored from a version.
	if _, err := b.c.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &cfg.Bucket, Key: &cfg.Key}); err != nil {
		t.Fatal(err)
	}
	restored, err := b.Rollback(ctx, v.ID, remotestate.RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if restored.Serial != 3 || restored.Lineage != lineageB {
		t.Errorf("restored deleted state = %+v", restored)
	}

	// A held lock blocks the rollback and names the holder.
	h, err := b.Lock(ctx, LockRequest{Operation: "OperationTypeApply", Who: "carol@ci"})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release(ctx)
	var held *LockHeldError
	if _, err := b.Rollback(ctx, foreign, remotestate.RollbackOptions{Force: true}); !errors.As(err, &held) || !strings.Contains(err.Error(), "carol@ci") {
		t.Fatalf("locked state: %v", err)
	}
}
