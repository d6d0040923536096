package statestore

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"github.com/infractl/infractl/internal/tfstate"
)

// WriteRequest is a state upload (POST /v1/states/NAME) as the service
// needs it.
type WriteRequest struct {
	// Body is the v4 state JSON. The service keeps it (in its body
	// cache) once the write is accepted: the caller must not modify it
	// afterwards.
	Body []byte
	// LockID is the ?ID= query parameter Terraform adds while it holds the
	// lock; empty when absent.
	LockID string
	// RemoteAddr is recorded with the version.
	RemoteAddr string
	// MD5, when not nil, is the digest the client sent (Content-MD5); the
	// body must match it. The service computes the MD5 anyway to store it,
	// so the server does not hash the body twice.
	MD5 []byte
}

// WriteResult is an accepted write.
type WriteResult struct {
	// Version is the new version, or the existing current one when the
	// write repeated it.
	Version VersionMeta
	// Created is false when the body was the current state again (same
	// digest, or same serial with the same content) and no version was
	// added.
	Created bool
}

// Write stores req.Body as the state's new current version, an immutable
// version recording serial, lineage, digests, size, counts, Terraform
// version, lock ID, holder, remote address and time, if the rules allow:
//
//   - locks: while a lock is held only its holder's ?ID= may write
//     (*LockedError, with WrongID when another ID was named); once a state
//     has ever been locked, a write without a held lock is ErrLockRequired;
//   - the body must be a v4 state (*InvalidStateError), checked with
//     tfstate.Inspect, a streaming pass cheap enough for every write, and
//     match req.MD5 when given (ErrInvalid);
//   - Terraform's lineage and serial rules (*ConflictError): another
//     lineage or a lower serial is refused unless the current state is
//     empty or deleted; an equal serial is accepted only with the same
//     content, and then adds no version (Created is false), so a retried
//     POST is harmless.
//
// The CPU work (digests, inspection, compression) happens before the
// transaction, so the store's write lock is held only for the rules and
// the insert.
func (s *Service) Write(ctx context.Context, name string, req WriteRequest) (WriteResult, error) {
	if err := ValidateName(name); err != nil {
		return WriteResult{}, err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return WriteResult{}, err
	}
	defer release()
	body := req.Body
	p, err := s.prepareWrite(name, req)
	if err != nil {
		return WriteResult{}, err
	}
	sumMD5, meta, in, blob := p.md5, p.in.meta, p.in, p.blob

	var res WriteResult
	err = s.store.Update(ctx, name, func(tx Tx) error {
		rec, err := tx.Record()
		if err != nil {
			return err
		}
		if err := decideWriteLock(rec, req.LockID); err != nil {
			return err
		}
		same := false
		if needsContentCheck(rec, in) {
			if same, err = s.sameContent(tx, rec.Current, body); err != nil {
				return err
			}
		}
		noop, err := decideHistory(rec, in, same)
		if err != nil {
			return err
		}
		if noop {
			res = WriteResult{Version: *rec.Current}
			return nil
		}
		v := VersionMeta{
			Generation:       rec.nextGeneration(),
			Serial:           meta.Serial,
			Lineage:          meta.Lineage,
			SHA256:           in.sha256,
			MD5:              sumMD5[:],
			Size:             int64(len(body)),
			Resources:        meta.Resources,
			DataResources:    meta.DataResources,
			Outputs:          meta.Outputs,
			TerraformVersion: meta.TerraformVersion,
			LockID:           req.LockID,
			RemoteAddr:       req.RemoteAddr,
			CreatedAt:        s.clock(),
		}
		if rec.Lock != nil {
			v.Who = rec.Lock.Info.Who
		}
		v, err = tx.InsertVersion(v, blob)
		res = WriteResult{Version: v, Created: true}
		return err
	})
	if err != nil {
		return WriteResult{}, err
	}
	if res.Created {
		s.cache.put(res.Version.ID, body)
	}
	return res, nil
}

// preparedWrite is the CPU work on a body done before its transaction.
type preparedWrite struct {
	md5  [md5.Size]byte
	in   incoming
	blob Blob
}

// prepareWrite checks the body's MD5, inspects it, hashes and encodes it:
// the CPU work, done before the transaction.
func (s *Service) prepareWrite(name string, req WriteRequest) (preparedWrite, error) {
	var p preparedWrite
	body := req.Body
	p.md5 = md5.Sum(body)
	if req.MD5 != nil && !bytes.Equal(req.MD5, p.md5[:]) {
		return p, invalidf("state %s: Content-MD5 %s does not match the body's MD5 %s",
			name, base64.StdEncoding.EncodeToString(req.MD5), base64.StdEncoding.EncodeToString(p.md5[:]))
	}
	meta, err := tfstate.Inspect(body)
	if err != nil {
		return p, &InvalidStateError{Name: name, Err: err}
	}
	sum := sha256.Sum256(body)
	p.in = incoming{meta: meta, sha256: hex.EncodeToString(sum[:])}
	p.blob, err = s.codec.Encode(body)
	return p, err
}

// sameContent reports whether body holds the same state as the current
// version, ignoring formatting and the order of lists Terraform writes in
// random order (tfstate.SameContent). Only an equal serial with a
// different digest gets here, so the cost of reading and parsing both
// bodies is rare.
func (s *Service) sameContent(tx Tx, current *VersionMeta, body []byte) (bool, error) {
	_, blob, err := tx.Version(current.Serial)
	if err != nil {
		return false, err
	}
	old, err := s.codec.Decode(blob)
	if err != nil {
		return false, err
	}
	a, err := tfstate.Parse(old)
	if err != nil {
		return false, nil // the stored body does not parse: treat as different
	}
	b, err := tfstate.Parse(body)
	if err != nil {
		return false, nil
	}
	return tfstate.SameContent(a, b), nil
}
