package server

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/tfstate"
)

// Handlers of Terraform's http backend protocol (terraform-protocols.md
// section 1). They translate requests to Service calls and nothing more:
// every rule (who may write, lineage and serial, lock ownership) is the
// Service's.

// handleGetState answers GET /v1/states/NAME: the current body with its
// Content-MD5 (kept with the version, so nothing is hashed here), or 204,
// which Terraform reads as "no state yet".
func (s *Server) handleGetState(w http.ResponseWriter, r *http.Request, name, _ string) {
	body, meta, err := s.svc.Get(r.Context(), name)
	if errors.Is(err, statestore.ErrNotFound) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeStateBody(w, body, meta)
}

// writeStateBody answers with a state body as stored: the bytes Terraform
// sent, never re-encoded.
func writeStateBody(w http.ResponseWriter, body []byte, meta statestore.VersionMeta) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Md5"] = []string{base64.StdEncoding.EncodeToString(meta.MD5)}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// handleWriteState answers POST (or PUT) /v1/states/NAME[?ID=lockid]. The
// client's Content-MD5 is handed to the Service, which hashes the body
// once for both the check and the record.
func (s *Server) handleWriteState(w http.ResponseWriter, r *http.Request, name, _ string) {
	st := stateOf(r)
	lockID := r.URL.Query().Get("ID")
	st.lockID = lockID
	var sum []byte
	if v := r.Header.Get("Content-MD5"); v != "" {
		d, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(d) != md5.Size {
			s.writeError(w, r, badRequest("Content-MD5 header %q is not the base64 encoding of an MD5 digest", v))
			return
		}
		sum = d
	}
	body, err := readBody(w, r, s.cfg.MaxBodyBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.svc.Write(r.Context(), name, statestore.WriteRequest{
		Body: body, LockID: lockID, RemoteAddr: r.RemoteAddr, MD5: sum,
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if res.Created {
		s.metrics.written(res.Version)
	}
	st.serial, st.hasSerial = res.Version.Serial, true
	w.WriteHeader(http.StatusOK)
}

// handleDeleteState answers DELETE /v1/states/NAME: the state loses its
// current version (history is kept); a held lock refuses it (423 with the
// holder).
func (s *Server) handleDeleteState(w http.ResponseWriter, r *http.Request, name, _ string) {
	if err := s.svc.Delete(r.Context(), name); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// readLockBody reads a LOCK or UNLOCK body. A POST to NAME/lock may be a
// misdirected state upload (address = ".../NAME/lock"), so it may be as
// large as a state; the LOCK and UNLOCK methods carry only lock info.
func (s *Server) readLockBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := int64(statestore.MaxLockInfoSize)
	if r.Method == http.MethodPost {
		limit = s.cfg.MaxBodyBytes
	}
	return readBody(w, r, limit)
}

// parseLockBody parses lock info; when the body is not lock info but a
// Terraform state, the client's address points at NAME/lock, and the
// answer explains that the name is reserved.
func parseLockBody(name string, body []byte) (statestore.LockInfo, error) {
	info, err := statestore.ParseLockInfo(body)
	if err != nil {
		if _, serr := tfstate.Inspect(body); serr == nil {
			return info, nameError(name + "/lock")
		}
		return info, err
	}
	return info, nil
}

// handleLock answers LOCK (or POST) /v1/states/NAME/lock with Terraform's
// lock info: 200 when taken (or already held by the same ID, a retried
// LOCK), 423 with the holder's LockInfo when someone else holds it.
func (s *Server) handleLock(w http.ResponseWriter, r *http.Request, name, _ string) {
	body, err := s.readLockBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	info, err := parseLockBody(name, body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	stateOf(r).lockID = info.ID
	if _, err := s.svc.Lock(r.Context(), name, info, r.RemoteAddr); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// handleUnlock answers UNLOCK (or DELETE) /v1/states/NAME/lock. A body
// with lock info releases that lock (409 with the holder if another one is
// held); an empty body is `terraform force-unlock`, which sends no ID at
// all, and removes whatever lock is held, logged at warn with whose it
// was. Either way the answer is 200 with the removed lock (Terraform only
// needs the 200).
func (s *Server) handleUnlock(w http.ResponseWriter, r *http.Request, name, _ string) {
	st := stateOf(r)
	body, err := s.readLockBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var removed *statestore.Lock
	if len(bytes.TrimSpace(body)) == 0 {
		removed, err = s.svc.ForceUnlock(r.Context(), name)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if removed != nil {
			st.lockID = removed.Info.ID
			s.metrics.forced.Inc()
			s.stateLog.LogAttrs(r.Context(), slog.LevelWarn, "force-unlock removed a held lock",
				slog.String(keyRequestID, st.id),
				slog.String(keyState, name),
				slog.String(keyLockID, removed.Info.ID),
				slog.String(keyWho, removed.Info.Who),
				slog.String(keyOperation, removed.Info.Operation),
				slog.String(keyRemoteAddr, r.RemoteAddr),
			)
		}
	} else {
		info, err := parseLockBody(name, body)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		st.lockID = info.ID
		removed, err = s.svc.Unlock(r.Context(), name, info.ID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	var res api.UnlockResult
	if removed != nil {
		l := api.FromLock(name, *removed, s.now())
		res.Removed = &l
	}
	writeJSON(w, http.StatusOK, res)
}
