package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestBootstrapCreatesVerifiesAndRepairs(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	opts := BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate"), Table: uniqueName("tflocks")}

	dry := opts
	dry.DryRun = true
	r, err := Bootstrap(ctx, dry)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range r.Items {
		if it.Status != StatusWouldCreate {
			t.Errorf("dry run on nothing: %s is %q, want %q", it.Name, it.Status, StatusWouldCreate)
		}
	}
	c, _ := clientsFor(ctx, conn)
	if _, err := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &opts.Bucket}); err == nil {
		t.Fatal("dry run created the bucket")
	}

	r, err = Bootstrap(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range r.Items {
		if it.Status != StatusCreated {
			t.Errorf("first run: %s is %q (%s), want %q", it.Name, it.Status, it.Detail, StatusCreated)
		}
	}
	if len(r.Items) != 7 || r.Account != "123456789012" {
		t.Errorf("report = %+v", r)
	}
	verifyBucket(t, c, opts.Bucket, s3types.ServerSideEncryptionAes256, "")
	verifyTable(t, c, opts.Table)

	r, err = Bootstrap(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.Changed() {
		t.Errorf("second run changed something: %+v", r.Items)
	}
	for _, it := range r.Items {
		if it.Status != StatusOK {
			t.Errorf("second run: %s is %q", it.Name, it.Status)
		}
	}

	// Break things behind its back: suspend versioning, open a public
	// access setting, replace the policy with one of someone else's.
	b := &opts.Bucket
	if _, err := c.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b,
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: awsv2.Bool(true),
			IgnorePublicAcls: awsv2.Bool(true), BlockPublicPolicy: awsv2.Bool(false), RestrictPublicBuckets: awsv2.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	other := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadForCI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + opts.Bucket + `/*"}]}`
	if _, err := c.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: &other}); err != nil {
		t.Fatal(err)
	}

	dry = opts
	dry.DryRun = true
	r, err = Bootstrap(ctx, dry)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ItemVersioning, ItemPublicAccess, ItemTLSPolicy} {
		if it, _ := r.Item(name); it.Status != StatusWouldRepair {
			t.Errorf("dry run after damage: %s is %q (%s), want %q", name, it.Status, it.Detail, StatusWouldRepair)
		}
	}
	if v, _ := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}); v.Status != s3types.BucketVersioningStatusSuspended {
		t.Fatal("dry run repaired versioning")
	}

	r, err = Bootstrap(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ItemVersioning, ItemPublicAccess, ItemTLSPolicy} {
		if it, _ := r.Item(name); it.Status != StatusRepaired {
			t.Errorf("after damage: %s is %q (%s), want %q", name, it.Status, it.Detail, StatusRepaired)
		}
	}
	if it, _ := r.Item(ItemVersioning); !strings.Contains(it.Detail, "Suspended") {
		t.Errorf("versioning detail %q does not say what was found", it.Detail)
	}
	verifyBucket(t, c, opts.Bucket, s3types.ServerSideEncryptionAes256, "")
	pol, _ := c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	if !strings.Contains(awsv2.ToString(pol.Policy), "ReadForCI") {
		t.Errorf("repair dropped the other statement: %s", awsv2.ToString(pol.Policy))
	}
	if r, _ := Bootstrap(ctx, opts); r.Changed() {
		t.Errorf("run after repair changed something: %+v", r.Items)
	}
}

func TestBootstrapKMS(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	c, _ := clientsFor(ctx, conn)
	key, err := c.kms.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	alias := "alias/" + uniqueName("tfstate")
	if _, err := c.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias, TargetKeyId: key.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	// An AES256 bucket is repaired to the key.
	opts := BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate")}
	if _, err := Bootstrap(ctx, opts); err != nil {
		t.Fatal(err)
	}
	opts.KMSKey = alias
	r, err := Bootstrap(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := r.Item(ItemEncryption); it.Status != StatusRepaired {
		t.Errorf("encryption = %+v, want repaired to KMS", it)
	}
	verifyBucket(t, c, opts.Bucket, s3types.ServerSideEncryptionAwsKms, alias)
	if r, _ := Bootstrap(ctx, opts); r.Changed() {
		t.Errorf("second KMS run changed something: %+v", r.Items)
	}
	// Without --kms-key, a KMS bucket is kept, not downgraded.
	opts.KMSKey = ""
	if r, _ := Bootstrap(ctx, opts); r.Changed() {
		t.Errorf("run without a key downgraded the KMS bucket: %+v", r.Items)
	}
	opts.KMSKey = "alias/does-not-exist"
	if _, err := Bootstrap(ctx, opts); err == nil || !strings.Contains(err.Error(), "alias/does-not-exist") {
		t.Errorf("unknown KMS key: err = %v", err)
	}
}

func TestBootstrapRefusesForeignBucket(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	bucket := uniqueName("tfstate")
	if _, err := Bootstrap(ctx, BootstrapOptions{Connection: conn, Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	// Become another account (moto scopes credentials from AssumeRole to
	// the role's account).
	c, _ := clientsFor(ctx, conn)
	ar, err := c.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: awsv2.String("arn:aws:iam::111111111111:role/other"), RoleSessionName: awsv2.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	other := conn
	other.AccessKey, other.SecretKey, other.Token = *ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken
	r, err := Bootstrap(ctx, BootstrapOptions{Connection: other, Bucket: bucket})
	var fbe *ForeignBucketError
	if !errors.As(err, &fbe) || fbe.Account != "111111111111" || !strings.Contains(err.Error(), "belongs to another account") {
		t.Fatalf("foreign bucket: err = %v", err)
	}
	if r == nil || r.Items == nil || len(r.Items) != 0 {
		t.Errorf("foreign bucket: report items %+v", r.Items)
	}
}

func TestBootstrapTableWithWrongKey(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	c, _ := clientsFor(ctx, conn)
	table := uniqueName("tflocks")
	_, err := c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             &table,
		BillingMode:           ddbtypes.BillingModeProvisioned,
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: awsv2.Int64(1), WriteCapacityUnits: awsv2.Int64(1)},
		AttributeDefinitions:  []ddbtypes.AttributeDefinition{{AttributeName: awsv2.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:             []ddbtypes.KeySchemaElement{{AttributeName: awsv2.String("id"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Bootstrap(ctx, BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate"), Table: table})
	if !errors.Is(err, ErrCannotRepair) {
		t.Fatalf("err = %v, want ErrCannotRepair", err)
	}
	it, _ := r.Item(ItemLockTable)
	if it.Status != StatusCannotRepair || !strings.Contains(it.Detail, "id (HASH)") || !strings.Contains(it.Detail, "another --table") {
		t.Errorf("table item = %+v", it)
	}

	// A provisioned table with the right key is switched to on-demand.
	table2 := uniqueName("tflocks")
	_, err = c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:             &table2,
		BillingMode:           ddbtypes.BillingModeProvisioned,
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: awsv2.Int64(1), WriteCapacityUnits: awsv2.Int64(1)},
		AttributeDefinitions:  []ddbtypes.AttributeDefinition{{AttributeName: awsv2.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:             []ddbtypes.KeySchemaElement{{AttributeName: awsv2.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err = Bootstrap(ctx, BootstrapOptions{Connection: conn, Bucket: uniqueName("tfstate"), Table: table2})
	if err != nil {
		t.Fatal(err)
	}
	if it, _ := r.Item(ItemLockTableMode); it.Status != StatusRepaired {
		t.Errorf("billing item = %+v", it)
	}
	verifyTable(t, c, table2)
}

// verifyBucket checks every property Bootstrap promises through the S3 API.
func verifyBucket(t *testing.T, c *clients, bucket string, alg s3types.ServerSideEncryption, key string) {
	t.Helper()
	ctx := context.Background()
	v, err := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
	if err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("versioning = %v, %v", v.Status, err)
	}
	enc, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
	if err != nil {
		t.Fatalf("encryption: %v", err)
	}
	def := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
	if def.SSEAlgorithm != alg || awsv2.ToString(def.KMSMasterKeyID) != key {
		t.Errorf("encryption = %s %q, want %s %q", def.SSEAlgorithm, awsv2.ToString(def.KMSMasterKeyID), alg, key)
	}
	pab, err := c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	if err != nil {
		t.Fatalf("public access block: %v", err)
	}
	p := pab.PublicAccessBlockConfiguration
	if !awsv2.ToBool(p.BlockPublicAcls) || !awsv2.ToBool(p.IgnorePublicAcls) || !awsv2.ToBool(p.BlockPublicPolicy) || !awsv2.ToBool(p.RestrictPublicBuckets) {
		t.Errorf("public access block = %+v", p)
	}
	pol, err := c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	ok, err := policyDeniesInsecure([]byte(awsv2.ToString(pol.Policy)), bucket, "us-east-1")
	if err != nil || !ok {
		t.Errorf("policy does not deny non-TLS access: %s (%v)", awsv2.ToString(pol.Policy), err)
	}
	if !strings.Contains(awsv2.ToString(pol.Policy), `"arn:aws:s3:::`+bucket+`/*"`) {
		t.Errorf("policy does not cover the objects: %s", awsv2.ToString(pol.Policy))
	}
}

// verifyTable checks the lock table through the DynamoDB API.
func verifyTable(t *testing.T, c *clients, table string) {
	t.Helper()
	out, err := c.ddb.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: &table})
	if err != nil {
		t.Fatal(err)
	}
	tb := out.Table
	if keySchemaProblem(tb) != "" {
		t.Errorf("key schema: %s", keySchemaProblem(tb))
	}
	if tb.BillingModeSummary == nil || tb.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest {
		t.Errorf("billing mode = %+v", tb.BillingModeSummary)
	}
	if tb.TableStatus != ddbtypes.TableStatusActive {
		t.Errorf("table status = %s", tb.TableStatus)
	}
}
