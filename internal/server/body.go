package server

import (
	"errors"
	"io"
	"net/http"
)

// readBody reads a request body of at most limit bytes. With a
// Content-Length (Terraform always sends one) it allocates the body once at
// its exact size and reads it in place: no buffer growth, no copy. The
// slice is not pooled, because the Service keeps a written body in its
// cache. A body over the limit is a *tooLargeError (413) before any of it
// is read; a client that stops sending mid-body is a 400.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &tooLargeError{limit: limit}
	}
	if r.ContentLength >= 0 {
		b := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, badRequest("reading the request body: %v", err)
		}
		return b, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &tooLargeError{limit: limit}
		}
		return nil, badRequest("reading the request body: %v", err)
	}
	return b, nil
}
