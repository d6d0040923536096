package statestore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/tfstate"
)

var t0 = time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)

func held(id string) *Lock {
	return &Lock{Info: LockInfo{ID: id, Who: "alice@laptop", Operation: "OperationTypeApply"}, RemoteAddr: "10.0.0.1:1", AcquiredAt: t0}
}

func version(serial uint64, lineage, sha string, resources int) *VersionMeta {
	return &VersionMeta{ID: 1, Generation: 1, Serial: serial, Lineage: lineage, SHA256: sha, Resources: resources}
}

func TestDecideLock(t *testing.T) {
	info := LockInfo{ID: "b", Who: "bob"}
	tests := []struct {
		name      string
		rec       StateRecord
		wantAgain bool
		wantErr   bool
	}{
		{"unlocked new state", StateRecord{Name: "dev"}, false, false},
		{"unlocked after earlier locks", StateRecord{Name: "dev", EverLocked: true}, false, false},
		{"held by the same ID", StateRecord{Name: "dev", Lock: held("b")}, true, false},
		{"held by another ID", StateRecord{Name: "dev", Lock: held("a")}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, again, err := decideLock(&tt.rec, info, "10.0.0.2:2", t0)
			if again != tt.wantAgain || (err != nil) != tt.wantErr {
				t.Fatalf("decideLock = %+v, %v, %v", l, again, err)
			}
			switch {
			case tt.wantErr:
				var le *LockedError
				if !errors.As(err, &le) || le.Holder.Info.ID != "a" || le.WrongID != "" {
					t.Errorf("err = %#v, want *LockedError with holder a and no WrongID", err)
				}
			case tt.wantAgain:
				if l != *tt.rec.Lock {
					t.Errorf("re-lock returned %+v, want the held lock unchanged", l)
				}
			default:
				want := Lock{Info: info, RemoteAddr: "10.0.0.2:2", AcquiredAt: t0}
				if l != want {
					t.Errorf("lock = %+v, want %+v", l, want)
				}
			}
		})
	}
}

func TestDecideUnlock(t *testing.T) {
	tests := []struct {
		name       string
		lock       *Lock
		id         string
		wantRemove bool
		wantWrong  string
	}{
		{"holder", held("a"), "a", true, ""},
		{"another ID", held("a"), "b", false, "b"},
		{"not locked", nil, "a", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			remove, err := decideUnlock(&StateRecord{Name: "dev", Lock: tt.lock}, tt.id)
			if remove != tt.wantRemove {
				t.Errorf("remove = %v, want %v", remove, tt.wantRemove)
			}
			var le *LockedError
			if gotLocked := errors.As(err, &le); gotLocked != (tt.wantWrong != "") || (gotLocked && le.WrongID != tt.wantWrong) {
				t.Errorf("err = %v, want WrongID %q", err, tt.wantWrong)
			}
		})
	}
}

func TestDecideWriteLock(t *testing.T) {
	tests := []struct {
		name   string
		rec    StateRecord
		lockID string
		want   string // "", "locked", "wrong", "required"
	}{
		{"never locked, no ID", StateRecord{}, "", ""},
		{"held, holder's ID", StateRecord{Lock: held("a"), EverLocked: true}, "a", ""},
		{"held, other ID", StateRecord{Lock: held("a"), EverLocked: true}, "b", "wrong"},
		{"held, no ID", StateRecord{Lock: held("a"), EverLocked: true}, "", "locked"},
		{"ever locked, no ID", StateRecord{EverLocked: true}, "", "required"},
		{"ever locked, stale ID", StateRecord{EverLocked: true}, "a", "required"},
		{"never locked, ID of no lock", StateRecord{}, "a", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rec.Name = "dev"
			err := decideWriteLock(&tt.rec, tt.lockID)
			var le *LockedError
			var got string
			switch {
			case err == nil:
			case errors.As(err, &le) && le.WrongID != "":
				got = "wrong"
			case errors.As(err, &le):
				got = "locked"
			case errors.Is(err, ErrLockRequired):
				got = "required"
			default:
				got = "unexpected: " + err.Error()
			}
			if got != tt.want {
				t.Errorf("decideWriteLock = %v (%q), want %q", err, got, tt.want)
			}
		})
	}
}

func TestDecideHistory(t *testing.T) {
	in := func(serial uint64, lineage, sha string) incoming {
		return incoming{meta: tfstate.Meta{Version: 4, Serial: serial, Lineage: lineage, Resources: 1}, sha256: sha}
	}
	tests := []struct {
		name        string
		current     *VersionMeta
		in          incoming
		sameContent bool
		wantNoop    bool
		wantRule    error
	}{
		{"no state yet", nil, in(1, "L", "x"), false, false, nil},
		{"empty current, other lineage and lower serial", version(9, "M", "y", 0), in(1, "L", "x"), false, false, nil},
		{"higher serial", version(1, "L", "y", 3), in(2, "L", "x"), false, false, nil},
		{"same digest", version(5, "L", "x", 3), in(5, "L", "x"), false, true, nil},
		{"same digest over empty", version(5, "L", "x", 0), in(5, "L", "x"), false, true, nil},
		{"same serial, same content", version(5, "L", "y", 3), in(5, "L", "x"), true, true, nil},
		{"same serial, other content", version(5, "L", "y", 3), in(5, "L", "x"), false, false, tfstate.ErrSameSerialDiffers},
		{"lower serial", version(5, "L", "y", 3), in(4, "L", "x"), false, false, tfstate.ErrStaleSerial},
		{"other lineage", version(5, "L", "y", 3), in(6, "M", "x"), false, false, tfstate.ErrLineageMismatch},
		{"other lineage and lower serial", version(5, "L", "y", 3), in(1, "M", "x"), false, false, tfstate.ErrLineageMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &StateRecord{Name: "dev", Current: tt.current}
			noop, err := decideHistory(rec, tt.in, tt.sameContent)
			if noop != tt.wantNoop {
				t.Errorf("noop = %v, want %v", noop, tt.wantNoop)
			}
			if tt.wantRule == nil {
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
				return
			}
			var ce *ConflictError
			if !errors.As(err, &ce) || !errors.Is(err, tt.wantRule) {
				t.Fatalf("err = %v, want *ConflictError matching %v", err, tt.wantRule)
			}
			if ce.Current != (StateID{tt.current.Serial, tt.current.Lineage}) ||
				ce.Incoming != (StateID{tt.in.meta.Serial, tt.in.meta.Lineage}) {
				t.Errorf("sides = %+v / %+v", ce.Current, ce.Incoming)
			}
		})
	}
}

func TestNeedsContentCheck(t *testing.T) {
	in := incoming{meta: tfstate.Meta{Serial: 5, Lineage: "L"}, sha256: "x"}
	for _, tt := range []struct {
		name    string
		current *VersionMeta
		want    bool
	}{
		{"no current", nil, false},
		{"empty current", version(5, "L", "y", 0), false},
		{"same digest", version(5, "L", "x", 1), false},
		{"other serial", version(4, "L", "y", 1), false},
		{"other lineage", version(5, "M", "y", 1), false},
		{"same serial and lineage, other digest", version(5, "L", "y", 1), true},
	} {
		if got := needsContentCheck(&StateRecord{Current: tt.current}, in); got != tt.want {
			t.Errorf("%s: needsContentCheck = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDecideDelete(t *testing.T) {
	var le *LockedError
	if err := decideDelete(&StateRecord{Name: "dev", Lock: held("a"), Current: version(1, "L", "x", 1)}); !errors.As(err, &le) {
		t.Errorf("locked: err = %v, want *LockedError", err)
	}
	if err := decideDelete(&StateRecord{Name: "dev"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("no current version: err = %v, want ErrNotFound", err)
	}
	if err := decideDelete(&StateRecord{Name: "dev", Current: version(1, "L", "x", 1)}); err != nil {
		t.Errorf("unlocked with a version: err = %v", err)
	}
}

func TestDecideRollback(t *testing.T) {
	target := *version(2, "L", "t", 1)
	tests := []struct {
		name       string
		rec        StateRecord
		target     VersionMeta
		wantSerial uint64
		wantErr    func(error) bool
	}{
		{"next serial", StateRecord{Current: version(7, "L", "c", 3)}, target, 8, nil},
		{"locked", StateRecord{Current: version(7, "L", "c", 3), Lock: held("a")}, target, 0,
			func(err error) bool { var le *LockedError; return errors.As(err, &le) }},
		{"no current version", StateRecord{Generation: 1}, target, 0,
			func(err error) bool { return errors.Is(err, ErrNotFound) }},
		{"other lineage", StateRecord{Current: version(7, "M", "c", 3)}, target, 0,
			func(err error) bool {
				var ce *ConflictError
				return errors.As(err, &ce) && ce.Rollback && errors.Is(err, tfstate.ErrLineageMismatch) &&
					strings.Contains(err.Error(), `cannot roll back to serial 2: it has lineage "L", unrelated to the current lineage "M"`)
			}},
		{"serial overflow", StateRecord{Current: version(^uint64(0), "L", "c", 3)}, target, 0,
			func(err error) bool { return errors.Is(err, ErrInvalid) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rec.Name = "dev"
			serial, err := decideRollback(&tt.rec, tt.target)
			if tt.wantErr == nil {
				if err != nil || serial != tt.wantSerial {
					t.Errorf("decideRollback = %d, %v; want %d", serial, err, tt.wantSerial)
				}
				return
			}
			if !tt.wantErr(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestNextGeneration(t *testing.T) {
	for _, tt := range []struct {
		rec  StateRecord
		want int
	}{
		{StateRecord{}, 1},
		{StateRecord{EverLocked: true}, 1},
		{StateRecord{Generation: 1, Current: version(1, "L", "x", 1)}, 1},
		{StateRecord{Generation: 1, DeletedAt: t0}, 2},
	} {
		if got := tt.rec.nextGeneration(); got != tt.want {
			t.Errorf("nextGeneration(%+v) = %d, want %d", tt.rec, got, tt.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	le := &LockedError{Name: "ml/prod", Holder: Lock{Info: LockInfo{ID: "abc", Who: "alice@laptop", Operation: "OperationTypeApply"}, AcquiredAt: t0}, WrongID: "def"}
	if got, want := le.Error(), "state ml/prod is locked: ID=abc, held by alice@laptop for OperationTypeApply since 2026-11-25T17:00:00Z; the request used lock ID def"; got != want {
		t.Errorf("LockedError\n got %s\nwant %s", got, want)
	}
	ce := &ConflictError{Name: "dev", Current: StateID{5, "a"}, Incoming: StateID{3, "a"},
		Err: &tfstate.PushError{Kind: tfstate.ErrStaleSerial, Current: tfstate.Meta{Serial: 5}, Incoming: tfstate.Meta{Serial: 3}}}
	if got, want := ce.Error(), `state dev: cannot import state with serial 3 over newer state with serial 5 (current: serial 5, lineage "a"; incoming: serial 3, lineage "a")`; got != want {
		t.Errorf("ConflictError\n got %s\nwant %s", got, want)
	}
	ne := &NameError{Name: "Dev", Reason: "x"}
	if !errors.Is(ne, ErrInvalid) || !errors.Is(&InvalidStateError{Err: errors.New("x")}, ErrInvalid) || !errors.Is(invalidf("x"), ErrInvalid) {
		t.Error("400 kinds must match ErrInvalid")
	}
}
