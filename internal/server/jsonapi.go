package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/statestore"
)

// Handlers of the JSON API (docs/api.md): listings, history, diff and
// rollback, for `infractl state|locks` and dashboards.

// handleListStates answers GET /v1/states with every state, deleted ones
// included.
func (s *Server) handleListStates(w http.ResponseWriter, r *http.Request) {
	recs, err := s.svc.States(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	out := api.List[api.State]{Items: make([]api.State, 0, len(recs))}
	for _, rec := range recs {
		out.Items = append(out.Items, api.FromRecord(rec, now))
	}
	writeJSON(w, http.StatusOK, out)
}

// handleListLocks answers GET /v1/locks with every held lock.
func (s *Server) handleListLocks(w http.ResponseWriter, r *http.Request) {
	recs, err := s.svc.Locks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	out := api.List[api.Lock]{Items: make([]api.Lock, 0, len(recs))}
	for _, rec := range recs {
		if rec.Lock != nil {
			out.Items = append(out.Items, api.FromLock(rec.Name, *rec.Lock, now))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleGetLock answers GET /v1/states/NAME/lock with the held lock, 404
// when the state is not locked.
func (s *Server) handleGetLock(w http.ResponseWriter, r *http.Request, name, _ string) {
	rec, err := s.svc.State(r.Context(), name)
	if err != nil && !errors.Is(err, statestore.ErrNotFound) {
		s.writeError(w, r, err)
		return
	}
	if err != nil || rec.Lock == nil {
		s.writeError(w, r, errNotLocked(name))
		return
	}
	writeJSON(w, http.StatusOK, api.FromLock(name, *rec.Lock, s.now()))
}

// currentID returns the ID of the state's current version, 0 when none.
func (s *Server) currentID(ctx context.Context, name string) (int64, error) {
	rec, err := s.svc.State(ctx, name)
	if err != nil {
		return 0, err
	}
	if rec.Current == nil {
		return 0, nil
	}
	return rec.Current.ID, nil
}

// handleListVersions answers GET /v1/states/NAME/versions?before=&limit=,
// newest first, a page at a time.
func (s *Server) handleListVersions(w http.ResponseWriter, r *http.Request, name, _ string) {
	q := r.URL.Query()
	var before int64
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			s.writeError(w, r, badRequest("before=%q is not a cursor from a previous page's next", v))
			return
		}
		before = n
	}
	var limit int
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.writeError(w, r, badRequest("limit=%q is not a positive number (at most %d)", v, statestore.MaxPageSize))
			return
		}
		limit = n
	}
	current, err := s.currentID(r.Context(), name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	page, err := s.svc.Versions(r.Context(), name, before, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := api.List[api.Version]{Items: make([]api.Version, 0, len(page.Versions))}
	for _, v := range page.Versions {
		out.Items = append(out.Items, api.FromVersion(v, v.ID == current))
	}
	if page.Next != 0 {
		out.Next = strconv.FormatInt(page.Next, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

// parseSerial parses a serial from the URL or query.
func parseSerial(what, v string) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, badRequest("%s %q is not a serial (a non-negative integer)", what, v)
	}
	return n, nil
}

// handleGetVersion answers GET /v1/states/NAME/versions/SERIAL with that
// version's body as stored (Content-MD5 included), or with its metadata
// when ?meta=1.
func (s *Server) handleGetVersion(w http.ResponseWriter, r *http.Request, name, arg string) {
	serial, err := parseSerial("version", arg)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	wantMeta := false
	switch v := r.URL.Query().Get("meta"); v {
	case "", "0", "false":
	case "1", "true":
		wantMeta = true
	default:
		s.writeError(w, r, badRequest("meta=%q: use meta=1 for the version's metadata", v))
		return
	}
	body, meta, err := s.svc.Version(r.Context(), name, serial)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !wantMeta {
		writeStateBody(w, body, meta)
		return
	}
	current, err := s.currentID(r.Context(), name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.FromVersion(meta, meta.ID == current))
}

// handleDiff answers GET /v1/states/NAME/diff?from=A&to=B with the
// resource-level diff between two versions, values redacted.
func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request, name, _ string) {
	q := r.URL.Query()
	if q.Get("from") == "" || q.Get("to") == "" {
		s.writeError(w, r, badRequest("diff needs both from= and to= serials"))
		return
	}
	from, err := parseSerial("from", q.Get("from"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	to, err := parseSerial("to", q.Get("to"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.svc.Diff(r.Context(), name, from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// maxAPIBody bounds the JSON bodies of API requests (a rollback).
const maxAPIBody = 64 << 10

// handleRollback answers POST /v1/states/NAME/rollback {"serial":N}: the
// Service restores that version as a new one (serial current+1, same
// lineage) under a lock of its own, refusing while the state is locked
// (423) or across lineages (409).
func (s *Server) handleRollback(w http.ResponseWriter, r *http.Request, name, _ string) {
	body, err := readBody(w, r, maxAPIBody)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req struct {
		Serial *uint64 `json:"serial"`
		Who    string  `json:"who"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.writeError(w, r, badRequest("rollback body: %v (want {\"serial\": N})", err))
		return
	}
	if req.Serial == nil {
		s.writeError(w, r, badRequest("rollback body: serial is missing (want {\"serial\": N})"))
		return
	}
	v, err := s.svc.Rollback(r.Context(), name, *req.Serial, req.Who, r.RemoteAddr)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.written(v)
	st := stateOf(r)
	st.lockID, st.serial, st.hasSerial = v.LockID, v.Serial, true
	writeJSON(w, http.StatusOK, api.FromVersion(v, true))
}

// healthName is the state the health check looks up: any answer, found or
// not, proves the store reachable.
const healthName = "infractl-healthz"

// pinger is implemented by stores that have a cheaper liveness check than
// a lookup.
type pinger interface {
	Ping(ctx context.Context) error
}

// handleHealth answers GET /healthz: 200 {"status":"ok"} when the store
// answers within two seconds, 503 otherwise.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var err error
	if p, ok := s.store.(pinger); ok {
		err = p.Ping(ctx)
	} else if _, err = s.store.State(ctx, healthName); errors.Is(err, statestore.ErrNotFound) {
		err = nil
	}
	if err != nil {
		stateOf(r).err = err
		writeJSON(w, http.StatusServiceUnavailable, api.Health{Status: "unavailable", Error: "the state store is unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, api.Health{Status: "ok"})
}
