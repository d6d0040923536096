package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/cloud/aws"
	"github.com/infractl/infractl/internal/testenv"
)

var benchBuckets int

// BenchmarkLocksAll50 measures `infractl locks --all` over 50 s3
// environments, every one of them locked (lockfile and DynamoDB item),
// against moto: the target is under 2 s. Results are in
// docs/benchmarks.md.
func BenchmarkLocksAll50(b *testing.B) {
	moto := testenv.Moto(b)
	for _, kv := range moto.Env {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
	// Each run of the benchmark function gets its own bucket: the
	// framework calls it more than once in a process.
	benchBuckets++
	bucket := fmt.Sprintf("bench-locks-%d", benchBuckets)
	files := map[string]string{}
	for i := 0; i < 50; i++ {
		env := fmt.Sprintf("env%02d", i)
		files["environments/"+env+"/main.tf"] = fmt.Sprintf(`terraform {
  backend "s3" {
    bucket         = %q
    key            = "%s/terraform.tfstate"
    region         = %q
    use_lockfile   = true
    dynamodb_table = %q
%s  }
}
`, bucket, env, moto.Region, bucket, moto.BackendArgs())
	}
	root := testenv.TempEstate(b, files)
	ctx := context.Background()
	if _, err := aws.Bootstrap(ctx, aws.BootstrapOptions{Connection: aws.Connection{Region: moto.Region, Endpoints: aws.AllEndpoints(moto.Endpoint), UsePathStyle: true}, Bucket: bucket, Table: bucket}); err != nil {
		b.Fatal(err)
	}
	dropBucketPolicy(b, moto, bucket) // see TestS3EndToEnd
	a := newApp(Stdio{})
	a.chdir = root
	e, err := a.loadEstate()
	if err != nil {
		b.Fatal(err)
	}
	for _, env := range e.Environments {
		rb, err := a.openBackend(ctx, env)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rb.(*aws.Backend).Lock(ctx, aws.LockRequest{Operation: "OperationTypeApply", Who: "ci@runner"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		if code := Main(ctx, []string{"-C", root, "locks", "--all", "-o", "json"}, Stdio{Out: &out, Err: &out}); code != 0 {
			b.Fatalf("exit %d\n%s", code, out.String())
		}
		if n := strings.Count(out.String(), `"source": "dynamodb"`); n != 50 {
			b.Fatalf("%d DynamoDB locks reported, want 50", n)
		}
	}
}
