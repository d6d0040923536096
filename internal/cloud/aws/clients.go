package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// clients are the service clients of one Connection.
type clients struct {
	s3  *s3.Client
	ddb *dynamodb.Client
	kms *kms.Client
	sts *sts.Client
	// customEndpoints is true when the connection points S3 elsewhere
	// than AWS (an S3-compatible store, moto), where STS may not exist.
	customEndpoints bool
	// stsUsable is false when S3 is custom but STS would be AWS's own,
	// which knows nothing of that store's accounts.
	stsUsable bool
}

// maxConnsPerHost lets `locks --all` and history fetches run their
// parallel requests over kept-alive connections (the SDK keeps 10).
const maxConnsPerHost = 64

var (
	clientsMu    sync.Mutex
	clientsCache = map[[32]byte]*clients{}
)

// clientsFor returns the clients of conn, shared by every Backend with the
// same connection settings so that fifty environments in one bucket share
// one credential cache and one connection pool.
func clientsFor(ctx context.Context, conn Connection) (*clients, error) {
	key, err := connectionKey(conn)
	if err != nil {
		return nil, err
	}
	clientsMu.Lock()
	defer clientsMu.Unlock()
	if c, ok := clientsCache[key]; ok {
		return c, nil
	}
	c, err := newClients(ctx, conn, nil)
	if err != nil {
		return nil, err
	}
	clientsCache[key] = c
	return c, nil
}

// connectionKey identifies a connection with its secrets, which JSON
// leaves out, hashed so that the cache keeps no secret in its keys.
func connectionKey(conn Connection) ([32]byte, error) {
	b, err := json.Marshal(struct {
		Connection
		AccessKey, SecretKey, Token, ExternalID, WebIdentityToken string
	}{conn, conn.AccessKey, conn.SecretKey, conn.Token, conn.AssumeRole.ExternalID, conn.WebIdentity.Token})
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(b), nil
}

// httpClientWrapper lets tests put a fault injector in front of the real
// HTTP client; nil in production.
type httpClientWrapper func(awsv2.HTTPClient) awsv2.HTTPClient

func newClients(ctx context.Context, conn Connection, wrap httpClientWrapper) (*clients, error) {
	var httpClient awsv2.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConnsPerHost = maxConnsPerHost
		if conn.Insecure {
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			tr.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // the backend's insecure = true asks for exactly this
		}
	})
	if wrap != nil {
		httpClient = wrap(httpClient)
	}
	opts := []func(*config.LoadOptions) error{config.WithHTTPClient(httpClient)}
	if conn.Region != "" {
		opts = append(opts, config.WithRegion(conn.Region))
	}
	if conn.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(conn.Profile))
	}
	if len(conn.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(conn.SharedConfigFiles))
	}
	if len(conn.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(conn.SharedCredentialsFiles))
	}
	if conn.AccessKey != "" || conn.SecretKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(conn.AccessKey, conn.SecretKey, conn.Token)))
	}
	if conn.CustomCABundle != "" {
		// The SDK trusts only these CAs, and prefers them over
		// AWS_CA_BUNDLE, as Terraform does.
		pem, err := os.ReadFile(conn.CustomCABundle)
		if err != nil {
			return nil, fmt.Errorf("reading custom_ca_bundle: %w", err)
		}
		opts = append(opts, config.WithCustomCABundle(bytes.NewReader(pem)))
	}
	if conn.MaxRetries > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(conn.MaxRetries+1))
	}
	if conn.RetryMode != "" {
		opts = append(opts, config.WithRetryMode(awsv2.RetryMode(conn.RetryMode)))
	}
	if conn.UseFIPSEndpoint {
		opts = append(opts, config.WithUseFIPSEndpoint(awsv2.FIPSEndpointStateEnabled))
	}
	if conn.UseDualStackEndpoint {
		opts = append(opts, config.WithUseDualStackEndpoint(awsv2.DualStackEndpointStateEnabled))
	}
	if conn.SkipMetadataAPICheck {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if conn.EC2MetadataEndpoint != "" {
		opts = append(opts, config.WithEC2IMDSEndpoint(conn.EC2MetadataEndpoint))
	}
	switch strings.ToLower(conn.EC2MetadataEndpointMode) {
	case "":
	case "ipv4":
		opts = append(opts, config.WithEC2IMDSEndpointMode(imds.EndpointModeStateIPv4))
	case "ipv6":
		opts = append(opts, config.WithEC2IMDSEndpointMode(imds.EndpointModeStateIPv6))
	default:
		return nil, fmt.Errorf("ec2_metadata_service_endpoint_mode %q: want IPv4 or IPv6", conn.EC2MetadataEndpointMode)
	}
	if conn.SkipS3Checksum {
		opts = append(opts,
			config.WithRequestChecksumCalculation(awsv2.RequestChecksumCalculationWhenRequired),
			config.WithResponseChecksumValidation(awsv2.ResponseChecksumValidationWhenRequired))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: set region in the backend block or AWS_REGION")
	}
	stsOptions := func(o *sts.Options) {
		if conn.Endpoints.STS != "" {
			o.BaseEndpoint = awsv2.String(conn.Endpoints.STS)
		}
		if conn.STSRegion != "" {
			o.Region = conn.STSRegion
		}
	}
	// Web identity first, then assume_role with what it gave, as
	// Terraform's backend chains them.
	if w := conn.WebIdentity; w.RoleARN != "" {
		var token stscreds.IdentityTokenRetriever = stscreds.IdentityTokenFile(w.TokenFile)
		if w.Token != "" {
			token = staticToken(w.Token)
		}
		provider := stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(cfg, stsOptions), w.RoleARN, token, webIdentityOptions(w))
		cfg.Credentials = awsv2.NewCredentialsCache(provider)
	}
	if conn.AssumeRole.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg, stsOptions), conn.AssumeRole.RoleARN, assumeRoleOptions(conn.AssumeRole))
		cfg.Credentials = awsv2.NewCredentialsCache(provider)
	}
	custom := conn.Endpoints.S3 != "" || conn.Endpoints.DynamoDB != ""
	return &clients{
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			if conn.Endpoints.S3 != "" {
				o.BaseEndpoint = awsv2.String(conn.Endpoints.S3)
			}
			o.UsePathStyle = conn.UsePathStyle
			// The SDK otherwise logs a line for every response without a
			// checksum (every ranged or old object, and moto's).
			o.DisableLogOutputChecksumValidationSkipped = true
		}),
		ddb: dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if conn.Endpoints.DynamoDB != "" {
				o.BaseEndpoint = awsv2.String(conn.Endpoints.DynamoDB)
			}
		}),
		kms: kms.NewFromConfig(cfg, func(o *kms.Options) {
			if conn.Endpoints.KMS != "" {
				o.BaseEndpoint = awsv2.String(conn.Endpoints.KMS)
			}
		}),
		sts:             sts.NewFromConfig(cfg, stsOptions),
		customEndpoints: custom,
		stsUsable:       !custom || conn.Endpoints.STS != "",
	}, nil
}

// assumeRoleOptions passes every assume_role setting to stscreds.
func assumeRoleOptions(r AssumeRole) func(*stscreds.AssumeRoleOptions) {
	return func(o *stscreds.AssumeRoleOptions) {
		if r.SessionName != "" {
			o.RoleSessionName = r.SessionName
		}
		if r.ExternalID != "" {
			o.ExternalID = awsv2.String(r.ExternalID)
		}
		if r.Duration > 0 {
			o.Duration = r.Duration
		}
		if r.Policy != "" {
			o.Policy = awsv2.String(r.Policy)
		}
		o.PolicyARNs = policyDescriptors(r.PolicyARNs)
		if r.SourceIdentity != "" {
			o.SourceIdentity = awsv2.String(r.SourceIdentity)
		}
		for _, k := range slices.Sorted(maps.Keys(r.Tags)) {
			o.Tags = append(o.Tags, ststypes.Tag{Key: awsv2.String(k), Value: awsv2.String(r.Tags[k])})
		}
		o.TransitiveTagKeys = r.TransitiveTagKeys
	}
}

// webIdentityOptions passes every assume_role_with_web_identity setting
// but the token to stscreds.
func webIdentityOptions(w WebIdentityRole) func(*stscreds.WebIdentityRoleOptions) {
	return func(o *stscreds.WebIdentityRoleOptions) {
		o.RoleSessionName = w.SessionName
		if o.RoleSessionName == "" {
			o.RoleSessionName = "infractl"
		}
		o.Duration = w.Duration
		if w.Policy != "" {
			o.Policy = awsv2.String(w.Policy)
		}
		o.PolicyARNs = policyDescriptors(w.PolicyARNs)
	}
}

func policyDescriptors(arns []string) []ststypes.PolicyDescriptorType {
	var out []ststypes.PolicyDescriptorType
	for _, a := range arns {
		out = append(out, ststypes.PolicyDescriptorType{Arn: awsv2.String(a)})
	}
	return out
}

// staticToken is a web identity token given in the backend block.
type staticToken string

// GetIdentityToken returns the token.
func (t staticToken) GetIdentityToken() ([]byte, error) { return []byte(t), nil }
