package aws

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
)

// fault answers the requests it matches as AWS would refuse them, so
// tests can exercise denied calls and missing services in front of moto,
// which grants everything.
type fault struct {
	match  func(*http.Request) bool
	status int
	code   string // S3 error code; "" for a bare status
}

// faultClient applies faults in order, passes the rest to moto and
// records every request as "METHOD service path?query".
type faultClient struct {
	next   awsv2.HTTPClient
	faults []fault
	mu     sync.Mutex
	seen   []string
}

func (f *faultClient) Do(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.seen = append(f.seen, fmt.Sprintf("%s %s %s?%s %s", r.Method, service(r), r.URL.Path, r.URL.RawQuery, r.Header.Get("X-Amz-Expected-Bucket-Owner")))
	f.mu.Unlock()
	for _, ft := range f.faults {
		if ft.match(r) {
			if r.Body != nil {
				r.Body.Close()
			}
			body := ""
			if ft.code != "" && r.Method != http.MethodHead {
				body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + ft.code + `</Code><Message>injected by the test</Message><RequestId>t</RequestId></Error>`
			}
			return &http.Response{
				StatusCode: ft.status, Status: http.StatusText(ft.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{"Content-Type": {"application/xml"}}, ContentLength: int64(len(body)),
				Body: io.NopCloser(strings.NewReader(body)), Request: r,
			}, nil
		}
	}
	return f.next.Do(r)
}

// requests returns the recorded requests.
func (f *faultClient) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// service is the AWS service a signed request is for, from its
// credential scope (".../us-east-1/s3/aws4_request").
func service(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if i := strings.Index(auth, "/aws4_request"); i > 0 {
		scope := auth[:i]
		return scope[strings.LastIndex(scope, "/")+1:]
	}
	return ""
}

// s3Op matches an S3 request by method and sub-resource ("versioning",
// "policy"; "" for the bucket itself, "list" for ListBuckets).
func s3Op(method, sub string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if service(r) != "s3" || r.Method != method {
			return false
		}
		switch sub {
		case "list":
			return r.URL.Path == "/" || r.URL.Path == ""
		case "":
			return strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0 && r.URL.Path != "/"
		}
		return r.URL.Query().Has(sub)
	}
}

// withOwnerCheck narrows a matcher to requests carrying
// ExpectedBucketOwner, which S3 refuses with 403 when it is not the
// bucket's owner.
func withOwnerCheck(m func(*http.Request) bool) func(*http.Request) bool {
	return func(r *http.Request) bool { return m(r) && r.Header.Get("X-Amz-Expected-Bucket-Owner") != "" }
}

func isService(name string) func(*http.Request) bool {
	return func(r *http.Request) bool { return service(r) == name }
}

// faultyClients are clients of conn whose requests go through faults.
func faultyClients(t *testing.T, conn Connection, faults ...fault) (*clients, *faultClient) {
	t.Helper()
	// The SDK adds AWS_CA_BUNDLE only to its own client type.
	t.Setenv("AWS_CA_BUNDLE", "")
	var fc *faultClient
	c, err := newClients(context.Background(), conn, func(next awsv2.HTTPClient) awsv2.HTTPClient {
		fc = &faultClient{next: next, faults: faults}
		return fc
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, fc
}
