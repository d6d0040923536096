package aws

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestBootstrapRepairsAnExistingBucket(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	c, _ := clientsFor(ctx, conn)
	// A bucket someone made by hand: no versioning, no encryption, no
	// public access block, no policy.
	bucket := uniqueName("tfstate")
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	settings := []string{ItemVersioning, ItemEncryption, ItemPublicAccess, ItemTLSPolicy}

	r, err := Bootstrap(ctx, BootstrapOptions{Connection: conn, Bucket: bucket, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range settings {
		if it, _ := r.Item(name); it.Status != StatusWouldRepair {
			t.Errorf("dry run: %s is %q (%s), want %q", name, it.Status, it.Detail, StatusWouldRepair)
		}
	}

	r, err = Bootstrap(ctx, BootstrapOptions{Connection: conn, Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := r.Item(ItemBucket); it.Status != StatusOK {
		t.Errorf("bucket is %q, want %q", it.Status, StatusOK)
	}
	for _, name := range settings {
		it, _ := r.Item(name)
		if it.Status != StatusRepaired || !strings.HasPrefix(it.Detail, "was not configured; ") {
			t.Errorf("%s is %q (%s), want %q, was not configured", name, it.Status, it.Detail, StatusRepaired)
		}
	}
	verifyBucket(t, c, bucket, "AES256", "")
	if r, _ := Bootstrap(ctx, BootstrapOptions{Connection: conn, Bucket: bucket}); r.Changed() {
		t.Errorf("run after repair changed something: %+v", r.Items)
	}
}

func TestBootstrapReportAfterEarlyErrors(t *testing.T) {
	ctx := context.Background()
	for _, opts := range []BootstrapOptions{
		{Bucket: "Not_A_Bucket", Connection: Connection{Region: "us-east-1"}},
		{Bucket: "fine-bucket-name"},
	} {
		r, err := Bootstrap(ctx, opts)
		if err == nil {
			t.Fatalf("%+v: no error", opts)
		}
		if r == nil || r.Items == nil || len(r.Items) != 0 || r.Bucket != opts.Bucket {
			t.Errorf("%v: report = %+v, want one with empty, non-nil items", err, r)
		}
	}
}

func TestBootstrapRefusals(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	plain, _ := clientsFor(ctx, conn)
	existing := uniqueName("tfstate")
	if _, err := plain.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &existing}); err != nil {
		t.Fatal(err)
	}
	denied := func(m func(*http.Request) bool) fault { return fault{match: m, status: 403, code: "AccessDenied"} }

	tests := []struct {
		name   string
		bucket string
		faults []fault
		check  func(t *testing.T, r *BootstrapReport, err error)
	}{{
		// Real S3 answers 403 when ExpectedBucketOwner is not the owner.
		name: "owner check refused", bucket: existing,
		faults: []fault{denied(withOwnerCheck(s3Op("HEAD", "")))},
		check: func(t *testing.T, r *BootstrapReport, err error) {
			var fe *ForeignBucketError
			if !errors.As(err, &fe) || fe.Account != "123456789012" || !strings.Contains(err.Error(), "belongs to another account") ||
				!strings.Contains(err.Error(), "ExpectedBucketOwner") {
				t.Fatalf("err = %v, want a *ForeignBucketError", err)
			}
			var ad *AccessDeniedError
			if errors.As(err, &ad) {
				t.Errorf("a foreign bucket also reads as access denied: %v", err)
			}
		},
	}, {
		name: "head denied on our own bucket", bucket: existing,
		faults: []fault{denied(s3Op("HEAD", ""))},
		check: func(t *testing.T, r *BootstrapReport, err error) {
			var ad *AccessDeniedError
			if !errors.As(err, &ad) || ad.Call != "HeadBucket" || ad.Permission != "s3:ListBucket" ||
				!strings.Contains(err.Error(), "cannot be read") || !strings.Contains(err.Error(), "the bucket is yours") {
				t.Fatalf("err = %v, want HeadBucket denied naming s3:ListBucket", err)
			}
			var fe *ForeignBucketError
			if errors.As(err, &fe) {
				t.Errorf("an unreadable bucket reads as foreign: %v", err)
			}
		},
	}, {
		name: "head and list denied", bucket: existing,
		faults: []fault{denied(s3Op("HEAD", "")), denied(s3Op("GET", "list"))},
		check: func(t *testing.T, r *BootstrapReport, err error) {
			var ad *AccessDeniedError
			if !errors.As(err, &ad) || ad.Call != "HeadBucket" || !strings.Contains(err.Error(), "whether the bucket is yours is unknown") {
				t.Fatalf("err = %v", err)
			}
		},
	}, {
		name: "get versioning denied", bucket: existing,
		faults: []fault{denied(s3Op("GET", "versioning"))},
		check: func(t *testing.T, r *BootstrapReport, err error) {
			var ad *AccessDeniedError
			if !errors.As(err, &ad) || ad.Call != "GetBucketVersioning" || ad.Permission != "s3:GetBucketVersioning" ||
				!strings.Contains(err.Error(), "bucket "+existing+" cannot be read: GetBucketVersioning was denied; your credentials need the s3:GetBucketVersioning permission") {
				t.Fatalf("err = %v", err)
			}
			if it, ok := r.Item(ItemBucket); !ok || it.Status != StatusOK || len(r.Items) != 1 {
				t.Errorf("report after the refusal = %+v", r.Items)
			}
		},
	}, {
		name: "expired credentials are not a missing permission", bucket: existing,
		faults: []fault{{match: s3Op("GET", "versioning"), status: 403, code: "ExpiredToken"}},
		check: func(t *testing.T, r *BootstrapReport, err error) {
			var ad *AccessDeniedError
			if err == nil || errors.As(err, &ad) || !strings.Contains(err.Error(), "ExpiredToken") {
				t.Fatalf("err = %v", err)
			}
		},
	}, {
		name: "put policy denied", bucket: uniqueName("tfstate"),
		faults: []fault{denied(s3Op("PUT", "policy"))},
		check: func(t *testing.T, r *BootstrapReport, err error) {
			var ad *AccessDeniedError
			if !errors.As(err, &ad) || ad.Call != "PutBucketPolicy" || ad.Permission != "s3:PutBucketPolicy" ||
				!strings.Contains(err.Error(), "cannot be changed") {
				t.Fatalf("err = %v", err)
			}
			if len(r.Items) != 4 || r.Items[0].Status != StatusCreated {
				t.Errorf("report after the refusal = %+v", r.Items)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := faultyClients(t, conn, tt.faults...)
			opts := BootstrapOptions{Connection: conn, Bucket: tt.bucket}
			r := newReport(opts)
			err := bootstrapWith(ctx, c, opts, r)
			if r.Items == nil {
				t.Error("report items are nil")
			}
			tt.check(t, r, err)
		})
	}
}

func TestBootstrapWithoutSTS(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	bucket := uniqueName("tfstate")

	// An S3-compatible store without STS: the owner check is skipped and
	// the report says so; no bucket call carries ExpectedBucketOwner.
	c, fc := faultyClients(t, conn, fault{match: isService("sts"), status: 404})
	opts := BootstrapOptions{Connection: conn, Bucket: bucket}
	r := newReport(opts)
	if err := bootstrapWith(ctx, c, opts, r); err != nil {
		t.Fatal(err)
	}
	if it, _ := r.Item(ItemBucket); it.Status != StatusCreated || !strings.Contains(it.Detail, "owner not checked") || r.Account != "" {
		t.Errorf("bucket item = %+v, account %q", it, r.Account)
	}
	r = newReport(opts)
	if err := bootstrapWith(ctx, c, opts, r); err != nil || r.Changed() {
		t.Fatalf("second run: %+v, %v", r.Items, err)
	}
	if it, _ := r.Item(ItemBucket); !strings.Contains(it.Detail, "owner not checked") {
		t.Errorf("second run bucket item = %+v", it)
	}
	if slices.ContainsFunc(fc.requests(), func(s string) bool { return strings.Contains(s, "s3 ") && strings.HasSuffix(s, "123456789012") }) {
		t.Errorf("a bucket call carried an owner: %v", fc.requests())
	}

	// A custom S3 endpoint without an STS endpoint: STS is not asked.
	noSTS := conn
	noSTS.Endpoints.STS = ""
	c, fc = faultyClients(t, noSTS)
	opts.Connection = noSTS
	r = newReport(opts)
	if err := bootstrapWith(ctx, c, opts, r); err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(fc.requests(), func(s string) bool { return strings.Contains(s, " sts ") }) {
		t.Errorf("STS was asked: %v", fc.requests())
	}
	if it, _ := r.Item(ItemBucket); !strings.Contains(it.Detail, "no STS endpoint") {
		t.Errorf("bucket item = %+v", it)
	}

	// Against AWS itself (no custom endpoints) STS is required.
	aws := Connection{Region: "us-east-1", AccessKey: "AKIDEXAMPLE", SecretKey: "secret"}
	c, fc = faultyClients(t, aws, fault{match: isService("sts"), status: 403, code: "InvalidClientTokenId"},
		fault{match: func(*http.Request) bool { return true }, status: 500})
	opts.Connection = aws
	r = newReport(opts)
	err := bootstrapWith(ctx, c, opts, r)
	if err == nil || !strings.Contains(err.Error(), "sts:GetCallerIdentity") || len(r.Items) != 0 {
		t.Fatalf("AWS without STS: %v, %+v", err, r.Items)
	}
	if slices.ContainsFunc(fc.requests(), func(s string) bool { return strings.Contains(s, " s3 ") }) {
		t.Errorf("S3 was called after STS failed: %v", fc.requests())
	}
}

func TestBootstrapCustomEndpointWithoutSTS(t *testing.T) {
	// An S3-compatible store whose STS endpoint answers nothing useful.
	noSTS := httptest.NewServer(http.NotFoundHandler())
	defer noSTS.Close()
	conn := motoConnection(t)
	conn.Endpoints.STS = noSTS.URL
	r, err := Bootstrap(context.Background(), BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate")})
	if err != nil {
		t.Fatalf("bootstrap without STS: %v", err)
	}
	if it, _ := r.Item(ItemBucket); it.Status != StatusCreated || !strings.Contains(it.Detail, "owner not checked") {
		t.Errorf("bucket item = %+v", it)
	}
}
