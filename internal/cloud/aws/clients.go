package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// clients are the service clients of one Connection.
type clients struct {
	s3  *s3.Client
	ddb *dynamodb.Client
	kms *kms.Client
	sts *sts.Client
}

// maxConnsPerHost lets `locks --all` and history fetches run their
// parallel requests over kept-alive connections (the SDK keeps 10).
const maxConnsPerHost = 64

var (
	clientsMu    sync.Mutex
	clientsCache = map[string]*clients{}
)

// clientsFor returns the clients of conn, shared by every Backend with the
// same connection settings so that fifty environments in one bucket share
// one credential cache and one connection pool.
func clientsFor(ctx context.Context, conn Connection) (*clients, error) {
	keyBytes, err := json.Marshal(struct {
		Connection
		AccessKey, SecretKey, Token string
	}{conn, conn.AccessKey, conn.SecretKey, conn.Token})
	if err != nil {
		return nil, err
	}
	key := string(keyBytes)
	clientsMu.Lock()
	defer clientsMu.Unlock()
	if c, ok := clientsCache[key]; ok {
		return c, nil
	}
	c, err := newClients(ctx, conn)
	if err != nil {
		return nil, err
	}
	clientsCache[key] = c
	return c, nil
}

func newClients(ctx context.Context, conn Connection) (*clients, error) {
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConnsPerHost = maxConnsPerHost
	})
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
	if conn.MaxRetries > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(conn.MaxRetries+1))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, fmt.Errorf("no AWS region: set region in the backend block or AWS_REGION")
	}
	stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) {
		if conn.Endpoints.STS != "" {
			o.BaseEndpoint = awsv2.String(conn.Endpoints.STS)
		}
	})
	if conn.AssumeRole.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(stsClient, conn.AssumeRole.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			if conn.AssumeRole.SessionName != "" {
				o.RoleSessionName = conn.AssumeRole.SessionName
			}
			if conn.AssumeRole.ExternalID != "" {
				o.ExternalID = awsv2.String(conn.AssumeRole.ExternalID)
			}
		})
		cfg.Credentials = awsv2.NewCredentialsCache(provider)
	}
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
		sts: sts.NewFromConfig(cfg, func(o *sts.Options) {
			if conn.Endpoints.STS != "" {
				o.BaseEndpoint = awsv2.String(conn.Endpoints.STS)
			}
		}),
	}, nil
}
