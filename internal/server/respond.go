package server

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/infractl/infractl/internal/server/api"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only our own types get here; they always encode
		http.Error(w, `{"error":"internal server error"}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(b) + 1)}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers err through the one error table (statusOf). A held
// lock met by a Terraform protocol request is answered with the holder's
// LockInfo exactly as Terraform sent it, which is what Terraform decodes and
// prints (`ID=<holder>`); every other error is an api.Error. Internal
// errors keep their cause for the log and show the request ID instead.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r)
	status, msg, holder := statusOf(err)
	st.err = err
	if status == StatusClientClosedRequest {
		st.status = status
		return
	}
	if holder != nil {
		st.lockID = holder.Info.ID
		if st.route.Protocol {
			writeJSON(w, status, holder.Info)
			return
		}
	}
	body := api.Error{Message: msg, RequestID: st.id}
	if holder != nil {
		l := api.FromLock(st.route.State, *holder, s.now())
		body.Lock = &l
	}
	switch status {
	case http.StatusInternalServerError:
		body.Message += " (request ID " + st.id + ")"
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, body)
}

// errorBody is an api.Error for an answer the router gives itself.
func errorBody(st *requestState, msg string) api.Error {
	return api.Error{Message: msg, RequestID: st.id}
}
