package storetest

import (
	"bytes"
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
)

// testStore checks the parts of the Store contract the Service cannot
// show on its own.
func testStore(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 17, 0, 0, 123456000, time.UTC)

	t.Run("FailedUpdateRollsBack", func(t *testing.T) {
		s := newStore(t)
		cause := &statestore.LockedError{Name: "dev"}
		err := s.Update(ctx, "dev", func(tx statestore.Tx) error {
			if _, err := tx.Record(); err != nil {
				return err
			}
			if err := tx.PutLock(statestore.Lock{Info: lockInfo("id-a"), AcquiredAt: at}); err != nil {
				return err
			}
			if _, err := tx.InsertVersion(statestore.VersionMeta{Generation: 1, Serial: 1, Lineage: "l", CreatedAt: at},
				statestore.Blob{Data: []byte("x"), Encoding: "identity"}); err != nil {
				return err
			}
			return cause
		})
		var le *statestore.LockedError
		if !errors.As(err, &le) || le != cause {
			t.Fatalf("Update returned %v, want fn's error unchanged", err)
		}
		if _, err := s.State(ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("State after a failed Update: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("ReadOnlyUpdateLeavesNoRow", func(t *testing.T) {
		s := newStore(t)
		err := s.Update(ctx, "dev", func(tx statestore.Tx) error {
			rec, err := tx.Record()
			if err != nil {
				return err
			}
			if rec.Name != "dev" || rec.Exists() {
				t.Errorf("record of a new state = %+v", rec)
			}
			if _, _, err := tx.Version(1); !errors.Is(err, statestore.ErrNotFound) {
				t.Errorf("tx.Version of a new state: err = %v, want ErrNotFound", err)
			}
			return tx.DeleteLock()
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.State(ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("State after a read-only Update: err = %v, want ErrNotFound", err)
		}
		if states, _ := s.States(ctx); len(states) != 0 {
			t.Errorf("States() = %+v, want none", states)
		}
	})

	t.Run("WritesVisibleWithinTx", func(t *testing.T) {
		s := newStore(t)
		err := s.Update(ctx, "dev", func(tx statestore.Tx) error {
			if err := tx.PutLock(statestore.Lock{Info: lockInfo("id-a"), RemoteAddr: "r", AcquiredAt: at}); err != nil {
				return err
			}
			rec, err := tx.Record()
			if err != nil {
				return err
			}
			if rec.Lock == nil || rec.Lock.Info.ID != "id-a" || !rec.EverLocked {
				t.Errorf("record after PutLock = %+v", rec)
			}
			v, err := tx.InsertVersion(statestore.VersionMeta{Generation: 1, Serial: 7, Lineage: "l", CreatedAt: at},
				statestore.Blob{Data: []byte("x"), Encoding: "identity"})
			if err != nil {
				return err
			}
			if err := tx.DeleteLock(); err != nil {
				return err
			}
			rec, err = tx.Record()
			if err != nil {
				return err
			}
			if rec.Lock != nil || rec.Current == nil || rec.Current.ID != v.ID || rec.Generation != 1 {
				t.Errorf("record after InsertVersion and DeleteLock = %+v", rec)
			}
			if err := tx.MarkDeleted(at); err != nil {
				return err
			}
			rec, err = tx.Record()
			if err != nil {
				return err
			}
			if rec.Current != nil || !rec.DeletedAt.Equal(at) {
				t.Errorf("record after MarkDeleted = %+v", rec)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("KeepsEveryFieldAndOpaqueBlobs", func(t *testing.T) {
		s := newStore(t)
		from := uint64(0)
		metas := []statestore.VersionMeta{{
			Generation: 1, Serial: math.MaxUint64, Lineage: "lin", SHA256: "ab12", MD5: []byte{0, 1, 2, 255},
			Size: 1 << 40, Resources: 7, DataResources: 2, Outputs: 3, TerraformVersion: "1.11.4",
			LockID: "lock", Who: "who@host", RemoteAddr: "[::1]:1", CreatedAt: at, RolledBackFrom: &from,
		}, {
			Generation: 1, Serial: 1 << 63, Lineage: "lin", SHA256: "cd34", MD5: []byte{9},
			CreatedAt: at.Add(time.Microsecond),
		}}
		blobs := []statestore.Blob{
			{Data: []byte{0, 0xff, 'x', 0}, Encoding: "zstd+aes256gcm", WrappedKey: []byte{1, 2, 3, 0}, KeyID: "master-2"},
			{Data: []byte("plain"), Encoding: "identity"},
		}
		var stored []statestore.VersionMeta
		for i := range metas {
			err := s.Update(ctx, "dev", func(tx statestore.Tx) error {
				v, err := tx.InsertVersion(metas[i], blobs[i])
				stored = append(stored, v)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			want := metas[i]
			want.ID, want.StoredSize = stored[i].ID, int64(len(blobs[i].Data))
			checkVersion(t, "InsertVersion result", stored[i], want)
			got, blob, err := s.Version(ctx, "dev", metas[i].Serial)
			if err != nil {
				t.Fatalf("Version(%d): %v", metas[i].Serial, err)
			}
			checkVersion(t, "Version", got, want)
			checkBlob(t, blob, blobs[i])
		}
		if stored[1].ID <= stored[0].ID {
			t.Errorf("version IDs %d then %d, want increasing", stored[0].ID, stored[1].ID)
		}
		cur, err := s.Current(ctx, "dev")
		if err != nil {
			t.Fatal(err)
		}
		checkVersion(t, "Current", cur, stored[1])
		for i := range stored {
			blob, err := s.Blob(ctx, stored[i].ID)
			if err != nil {
				t.Fatalf("Blob(%d): %v", stored[i].ID, err)
			}
			checkBlob(t, blob, blobs[i])
		}
		if _, err := s.Blob(ctx, stored[1].ID+1000); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Blob of an unknown version: err = %v, want ErrNotFound", err)
		}
		vs, err := s.Versions(ctx, "dev", 0, 10)
		if err != nil || len(vs) != 2 || vs[0].ID != stored[1].ID {
			t.Errorf("Versions = %+v, %v", vs, err)
		} else {
			checkVersion(t, "Versions[1]", vs[1], stored[0])
		}
	})

	t.Run("EndedContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := s.Update(cctx, "dev", func(tx statestore.Tx) error {
			_, err := tx.Record()
			return err
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Update with an ended context: err = %v, want context.Canceled", err)
		}
		if _, err := s.Current(cctx, "dev"); !errors.Is(err, context.Canceled) {
			t.Errorf("Current with an ended context: err = %v, want context.Canceled", err)
		}
	})
}

func checkBlob(t *testing.T, got, want statestore.Blob) {
	t.Helper()
	if !bytes.Equal(got.Data, want.Data) || got.Encoding != want.Encoding ||
		!bytes.Equal(got.WrappedKey, want.WrappedKey) || got.KeyID != want.KeyID {
		t.Errorf("blob = %+v, want %+v", got, want)
	}
}
