package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	awsv2 "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/tfstate"
)

// DefaultHistoryParallelism is how many version bodies Versions fetches
// at once: enough to hide request latency, few enough not to be throttled.
const DefaultHistoryParallelism = 16

// Versions lists the state object's versions, newest first, with serial,
// lineage, resource count and Terraform version read from each body.
// Delete markers are left out (they hold no state); when the newest entry
// is one, no version is Current, because Terraform then sees no state.
// Versions of the .tflock object and of other keys under the same prefix
// are not listed. A bucket without versioning lists the one current object.
// A body that is not a valid v4 state is listed with what a lenient read of
// its header finds (serial, lineage) and a resource count of 0.
func (b *Backend) Versions(ctx context.Context) ([]remotestate.Version, error) {
	var versions []remotestate.Version
	in := &s3.ListObjectVersionsInput{Bucket: &b.cfg.Bucket, Prefix: &b.cfg.Key}
	p := s3.NewListObjectVersionsPaginator(b.c.s3, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing versions of %s: %w", b, b.bucketMissing(err))
		}
		for _, v := range page.Versions {
			if awsv2.ToString(v.Key) != b.cfg.Key {
				continue
			}
			versions = append(versions, remotestate.Version{
				ID:        awsv2.ToString(v.VersionId),
				Size:      awsv2.ToInt64(v.Size),
				CreatedAt: awsv2.ToTime(v.LastModified),
				Current:   awsv2.ToBool(v.IsLatest),
			})
		}
	}
	// S3 lists a key's versions newest first; "null" is the version ID of
	// an object written while versioning was off, and reads back as such.
	if err := b.fillVersions(ctx, versions); err != nil {
		return nil, err
	}
	return versions, nil
}

// fillVersions reads every version's body, a bounded number at a time,
// and fills in what the listing does not say.
func (b *Backend) fillVersions(ctx context.Context, versions []remotestate.Version) error {
	n := b.HistoryParallelism
	if n <= 0 {
		n = DefaultHistoryParallelism
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for i := range versions {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := b.fillVersion(ctx, &versions[i]); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (b *Backend) fillVersion(ctx context.Context, v *remotestate.Version) error {
	obj, found, err := b.getObject(ctx, b.cfg.Key, v.ID)
	if err != nil {
		return err
	}
	if !found {
		return nil // deleted since the listing
	}
	fillMeta(v, obj.body)
	return nil
}

// fillMeta sets a version's header fields from its body.
func fillMeta(v *remotestate.Version, body []byte) {
	v.Size = int64(len(body))
	if m, err := tfstate.Inspect(body); err == nil {
		v.Serial, v.Lineage, v.Resources, v.TerraformVersion = m.Serial, m.Lineage, m.Resources, m.TerraformVersion
		return
	}
	var h struct {
		Serial           uint64 `json:"serial"`
		Lineage          string `json:"lineage"`
		TerraformVersion string `json:"terraform_version"`
	}
	if json.Unmarshal(body, &h) == nil {
		v.Serial, v.Lineage, v.TerraformVersion = h.Serial, h.Lineage, h.TerraformVersion
	}
}
