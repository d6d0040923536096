package aws

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/infractl/infractl/internal/testenv"
)

// motoConnection is a Connection to the test process's moto_server.
func motoConnection(t testing.TB) Connection {
	t.Helper()
	m := testenv.Moto(t)
	return Connection{
		Region:       m.Region,
		Endpoints:    Endpoints{S3: m.Endpoint, DynamoDB: m.Endpoint, STS: m.Endpoint, KMS: m.Endpoint},
		UsePathStyle: true,
		AccessKey:    m.AccessKey,
		SecretKey:    m.SecretKey,
	}
}

// uniqueName is a bucket or table name no other test uses on the shared
// moto server.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%08x", prefix, rand.Uint32())
}

// testState bootstraps a fresh bucket (and table when withTable) and
// returns the Config of a state in it with the given locking.
func testState(t testing.TB, key string, lockfile, withTable bool) Config {
	t.Helper()
	conn := motoConnection(t)
	opts := BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate")}
	if withTable {
		opts.Table = uniqueName("tflocks")
	}
	if _, err := Bootstrap(context.Background(), opts); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	dropTLSPolicy(t, conn, opts.Bucket)
	return Config{Connection: conn, Bucket: opts.Bucket, Key: key, Table: opts.Table, UseLockfile: lockfile, Encrypt: true}
}

// stateBody is a valid v4 state with n managed resources.
func stateBody(serial uint64, lineage string, n int) []byte {
	var res []string
	for i := range n {
		res = append(res, fmt.Sprintf(`{"mode":"managed","type":"terraform_data","name":"r%d","provider":"provider[\"terraform.io/builtin/terraform\"]",`+
			`"instances":[{"schema_version":0,"attributes":{"id":"id-%d","input":null,"output":null,"triggers_replace":null},"sensitive_attributes":[]}]}`, i, i))
	}
	return fmt.Appendf(nil, `{"version":4,"terraform_version":"1.11.4","serial":%d,"lineage":%q,"outputs":{},"resources":[%s],"check_results":null}`+"\n",
		serial, lineage, strings.Join(res, ","))
}

// putState writes body as the state object, as terraform would, and
// returns the new version ID.
func putState(t testing.TB, b *Backend, body []byte) string {
	t.Helper()
	out, err := b.c.s3.PutObject(context.Background(), b.putInput(b.cfg.Key, body))
	if err != nil {
		t.Fatalf("writing state: %v", err)
	}
	return awsv2.ToString(out.VersionId)
}

// openTest opens cfg or fails t.
func openTest(t testing.TB, cfg Config) *Backend {
	t.Helper()
	b, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// objectExists reports whether key exists in the config's bucket.
func objectExists(t testing.TB, b *Backend, key string) bool {
	t.Helper()
	_, err := b.c.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &b.cfg.Bucket, Key: &key})
	if err == nil {
		return true
	}
	if httpStatus(err) == 404 {
		return false
	}
	t.Fatalf("head %s: %v", key, err)
	return false
}

// dropTLSPolicy deletes the bucket policy Bootstrap wrote. moto 5.2.1
// evaluates bucket policies on object requests but treats condition
// operators it does not implement (everything but StringEquals, so also
// Bool aws:SecureTransport) as matching: the TLS-only Deny then denies
// every object request, over HTTP or HTTPS. Real S3 does not; tests that
// use the bucket for state remove the policy (Bootstrap's tests check it).
func dropTLSPolicy(t testing.TB, conn Connection, bucket string) {
	t.Helper()
	c, err := clientsFor(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.s3.DeleteBucketPolicy(context.Background(), &s3.DeleteBucketPolicyInput{Bucket: &bucket}); err != nil {
		t.Fatalf("deleting the bucket policy: %v", err)
	}
}
