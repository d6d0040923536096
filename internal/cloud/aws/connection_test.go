package aws

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/testenv"
)

// tlsProxy serves moto over HTTPS with a self-signed certificate and
// returns its URL and a PEM file of the certificate.
func tlsProxy(t *testing.T) (string, string) {
	t.Helper()
	target, err := url.Parse(testenv.Moto(t).Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv.URL, path
}

func TestConnectionTLSSettings(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", true, false)
	proxy, caFile := tlsProxy(t)
	cfg.Endpoints.S3 = proxy

	if _, err := Locks(ctx, cfg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("self-signed certificate without a bundle: %v", err)
	}
	withCA := cfg
	withCA.CustomCABundle = caFile
	if _, err := Locks(ctx, withCA); err != nil {
		t.Fatalf("with custom_ca_bundle: %v", err)
	}
	insecure := cfg
	insecure.Insecure = true
	if _, err := Locks(ctx, insecure); err != nil {
		t.Fatalf("with insecure: %v", err)
	}
	// Through FromBackend, as the CLI reads it.
	clearAWSEnv(t)
	_, env := loadEnv(t, fmt.Sprintf(`
terraform {
  backend "s3" {
    bucket           = %q
    key              = "dev/terraform.tfstate"
    region           = "us-east-1"
    access_key       = "test"
    secret_key       = "test"
    use_lockfile     = true
    custom_ca_bundle = %q
    skip_s3_checksum = true
    use_path_style   = true
    endpoints = {
      s3 = %q
    }
  }
}
`, cfg.Bucket, caFile, proxy), nil)
	fromBlock, err := FromBackend(env.Backend)
	if err != nil {
		t.Fatal(err)
	}
	b := openTest(t, fromBlock)
	h, err := b.Lock(ctx, LockRequest{Operation: "apply"})
	if err != nil {
		t.Fatalf("lock over TLS with the bundle: %v", err)
	}
	if err := h.Release(ctx); err != nil {
		t.Fatal(err)
	}
	missing := withCA
	missing.CustomCABundle = filepath.Join(t.TempDir(), "nope.pem")
	if _, err := Open(ctx, missing); err == nil || !strings.Contains(err.Error(), "custom_ca_bundle") {
		t.Errorf("missing bundle: %v", err)
	}
}

func TestConnectionAssumesRoles(t *testing.T) {
	ctx := context.Background()
	conn := motoConnection(t)
	account := func(conn Connection) string {
		t.Helper()
		c, err := newClients(ctx, conn, nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		return awsv2.ToString(out.Account)
	}
	role := conn
	role.AssumeRole = AssumeRole{RoleARN: "arn:aws:iam::111111111111:role/tf", SessionName: "infractl", ExternalID: "x-1",
		Duration: time.Hour, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		Tags: map[string]string{"team": "platform"}, TransitiveTagKeys: []string{"team"}, SourceIdentity: "alice"}
	if got := account(role); got != "111111111111" {
		t.Errorf("assume_role: account %s", got)
	}
	web := conn
	web.WebIdentity = WebIdentityRole{RoleARN: "arn:aws:iam::222222222222:role/ci", Token: "eyJ.token.sig", Duration: time.Hour}
	if got := account(web); got != "222222222222" {
		t.Errorf("assume_role_with_web_identity: account %s", got)
	}

	// Every assume_role setting reaches stscreds.
	var o stscreds.AssumeRoleOptions
	assumeRoleOptions(role.AssumeRole)(&o)
	if o.RoleSessionName != "infractl" || awsv2.ToString(o.ExternalID) != "x-1" || o.Duration != time.Hour ||
		awsv2.ToString(o.Policy) == "" || awsv2.ToString(o.SourceIdentity) != "alice" || len(o.Tags) != 1 ||
		awsv2.ToString(o.Tags[0].Key) != "team" || len(o.TransitiveTagKeys) != 1 {
		t.Errorf("assume role options = %+v", o)
	}
}

func TestCheckAccount(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "dev/terraform.tfstate", true, true)
	allowed := cfg
	allowed.AllowedAccountIDs = []string{"123456789012"}
	h, err := openTest(t, allowed).Lock(ctx, LockRequest{Operation: "apply"})
	if err != nil {
		t.Fatalf("allowed account: %v", err)
	}

	for name, c := range map[string]Config{
		"not allowed": func() Config { c := cfg; c.AllowedAccountIDs = []string{"999999999999", "888888888888"}; return c }(),
		"forbidden":   func() Config { c := cfg; c.ForbiddenAccountIDs = []string{"123456789012"}; return c }(),
	} {
		b := openTest(t, c)
		// Reading is fine.
		if locks, err := b.Locks(ctx); err != nil || len(locks) != 2 {
			t.Fatalf("%s: locks %+v, %v", name, locks, err)
		}
		for op, err := range map[string]error{
			"check":             b.CheckAccount(ctx),
			"unlock":            second(b.Unlock(ctx, h.Lock().ID)),
			"unlock unreadable": second(b.UnlockUnreadable(ctx, "")),
			"rollback":          second(b.Rollback(ctx, "v", remotestate.RollbackOptions{})),
			"lock":              second(b.Lock(ctx, LockRequest{})),
		} {
			var ae *AccountError
			if !errors.As(err, &ae) || ae.Account != "123456789012" || !strings.Contains(err.Error(), "123456789012") ||
				!strings.Contains(err.Error(), strings.Join(append(c.AllowedAccountIDs, c.ForbiddenAccountIDs...), ", ")) {
				t.Errorf("%s: %s: %v", name, op, err)
			}
		}
		if locks, _ := b.Locks(ctx); len(locks) != 2 {
			t.Fatalf("%s: a refused unlock removed something: %+v", name, locks)
		}
	}
	if err := h.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestConnectionNeverPrintsSecrets(t *testing.T) {
	secrets := []string{"AKIASECRETKEYID", "SECRETACCESSKEY", "SECRETSESSIONTOKEN", "SECRETEXTERNALID", "SECRETWEBTOKEN", "SECRETSSECKEY"}
	conn := Connection{Region: "eu-west-1", Profile: "ops", AccessKey: secrets[0], SecretKey: secrets[1], Token: secrets[2],
		AssumeRole:  AssumeRole{RoleARN: "arn:aws:iam::1:role/x", ExternalID: secrets[3]},
		WebIdentity: WebIdentityRole{RoleARN: "arn:aws:iam::1:role/w", Token: secrets[4]}}
	cfg := Config{Connection: conn, Bucket: "b", Key: "k", SSECustomerKey: secrets[5], Encrypt: true}
	opts := BootstrapOptions{Connection: conn, Bucket: "b"}
	values := []any{conn, &conn, cfg, &cfg, opts, conn.AssumeRole, conn.WebIdentity, []Connection{conn},
		struct{ C Config }{cfg}, map[string]Config{"x": cfg}}
	var out []string
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%t"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(j))
	}
	for _, s := range out {
		for _, secret := range secrets {
			if strings.Contains(s, secret) || strings.Contains(strings.ToLower(s), fmt.Sprintf("%x", secret)) {
				t.Errorf("%s printed in %s", secret, s)
			}
		}
	}
	// What is printed still says what matters.
	if s := fmt.Sprint(conn); !strings.Contains(s, "region=eu-west-1") || !strings.Contains(s, "static-credentials=(hidden)") ||
		!strings.Contains(s, "external-id=(hidden)") {
		t.Errorf("connection prints as %s", s)
	}
	if s := fmt.Sprint(cfg); s != "s3://b/k" {
		t.Errorf("config prints as %s", s)
	}
	if s := fmt.Sprintf("%+v", cfg); !strings.Contains(s, "s3://b/k") || !strings.Contains(s, "sse_customer_key=(hidden)") {
		t.Errorf("config %%+v prints as %s", s)
	}
}
