package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"
)

// requestState is what the server learns about a request while handling
// it; the observe middleware creates it, the router and handlers fill it
// in, and observe reads it back for the access log and the metrics.
type requestState struct {
	id    string
	route Route
	// arg is the SERIAL of versions/SERIAL.
	arg string
	// lockID is the lock the request named (LOCK/UNLOCK body, ?ID=).
	lockID string
	// serial is the serial of the version a write or rollback left
	// current, when hasSerial.
	serial    uint64
	hasSerial bool
	// status overrides the recorded status when nothing was sent (499).
	status int
	// err is the error answered, for the access log.
	err error
}

type requestKey struct{}

// stateOf returns the request's requestState; a request that did not pass
// through observe (a handler called directly) gets a throwaway one.
func stateOf(r *http.Request) *requestState {
	if st, ok := r.Context().Value(requestKey{}).(*requestState); ok {
		return st
	}
	return &requestState{route: Route{Pattern: routeUnmatched}}
}

// RouteOf returns the route the request matched, so a Middleware (issue
// 4's authentication and scopes) can decide on the route's Access and the
// state it addresses without parsing the URL again.
func RouteOf(r *http.Request) Route { return stateOf(r).route }

// RequestID returns the ID the server gave the request (also sent as the
// X-Request-Id response header), so a middleware's own log lines can be
// tied to the access log.
func RequestID(r *http.Request) string { return stateOf(r).id }

// recorder remembers the status a handler sent.
type recorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status.
func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestIDs makes request IDs: a random prefix per server and a counter,
// unique enough to find one request in the logs and cheap to make.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &requestIDs{prefix: hex.EncodeToString(b[:]) + "-"}
}

func (g *requestIDs) next() string {
	buf := make([]byte, 0, len(g.prefix)+12)
	buf = append(buf, g.prefix...)
	return string(strconv.AppendUint(buf, g.n.Add(1), 10))
}

// incomingRequestID accepts a caller's X-Request-Id when it is short and
// plain, so a proxy's ID follows the request; anything else is replaced.
func incomingRequestID(v string) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// observe is the outermost handler: it gives the request an ID, recovers
// panics, and on the way out records the metrics and writes one access log
// line with constant keys.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &requestState{route: Route{Pattern: routeUnmatched}}
		if v := r.Header.Get("X-Request-Id"); incomingRequestID(v) {
			st.id = v
		} else {
			st.id = s.ids.next()
		}
		w.Header()["X-Request-Id"] = []string{st.id}
		rec := &recorder{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), requestKey{}, st))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				st.err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				if rec.status == 0 {
					s.writeError(rec, r, st.err)
				}
			}
			s.finish(r, st, rec.status, time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

// finish records a finished request in the metrics and the access log.
func (s *Server) finish(r *http.Request, st *requestState, status int, d time.Duration) {
	if st.status != 0 {
		status = st.status
	}
	if status == 0 {
		status = http.StatusOK
	}
	s.metrics.observe(st.route.Pattern, status, d)

	level := slog.LevelInfo
	switch {
	case status >= 500 && status != http.StatusServiceUnavailable:
		level = slog.LevelError
	case status >= 500:
		level = slog.LevelWarn
	case st.route.Access == AccessPublic:
		level = slog.LevelDebug // health checks and scrapes would drown the rest
	}
	if !s.httpLog.Enabled(r.Context(), level) {
		return
	}
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs,
		slog.String(keyRequestID, st.id),
		slog.String(keyMethod, r.Method),
		slog.String(keyRoute, st.route.Pattern),
	)
	if st.route.State != "" {
		attrs = append(attrs, slog.String(keyState, st.route.State))
	}
	attrs = append(attrs,
		slog.Int(keyStatus, status),
		slog.Float64(keyDurationMS, float64(d.Microseconds())/1000),
		slog.String(keyRemoteAddr, r.RemoteAddr),
	)
	if st.lockID != "" {
		attrs = append(attrs, slog.String(keyLockID, st.lockID))
	}
	if st.hasSerial {
		attrs = append(attrs, slog.Uint64(keySerial, st.serial))
	}
	if st.err != nil {
		attrs = append(attrs, slog.String(keyError, st.err.Error()))
	}
	s.httpLog.LogAttrs(r.Context(), level, "request", attrs...)
}
