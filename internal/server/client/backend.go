package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/statestore"
)

// Option configures the client behind a Backend.
type Option func(*Client)

// WithBasicAuth sets the Basic auth credentials, taken from the backend
// block's username and password (or TF_HTTP_USERNAME/TF_HTTP_PASSWORD).
func WithBasicAuth(username, password string) Option {
	return func(c *Client) { c.Username, c.Password = username, password }
}

// statesSegment is where state names start in a state's address.
const statesSegment = "/v1/states/"

// Backend is one state on an infractl server, as remotestate.Backend: the
// history, bodies, lock and rollback of the state a Terraform http backend
// block points at. Version IDs are serials in decimal.
type Backend struct {
	client *Client
	name   string
	addr   string
}

var _ remotestate.Backend = (*Backend)(nil)

// NewBackend returns the Backend for a Terraform http backend's address
// (e.g. http://127.0.0.1:7420/v1/states/ml/prod): the server's base URL is
// what precedes /v1/states/, the state's name what follows. Addresses that
// are not an infractl server's state address are refused with what was
// expected, so `infractl state` commands explain a misconfigured backend
// instead of failing on a 404. A nil httpClient means http.DefaultClient.
func NewBackend(address string, httpClient *http.Client, opts ...Option) (remotestate.Backend, error) {
	return newBackend(address, httpClient, opts...)
}

func newBackend(address string, httpClient *http.Client, opts ...Option) (*Backend, error) {
	u, err := url.Parse(address)
	if err != nil {
		return nil, fmt.Errorf("backend address %q: %w", address, err)
	}
	shown := u.Redacted()
	i := strings.Index(u.Path, statesSegment)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || i < 0 {
		return nil, fmt.Errorf("backend address %s is not an infractl server state address: want http(s)://HOST[:PORT]/v1/states/NAME", shown)
	}
	name := u.Path[i+len(statesSegment):]
	if err := statestore.ValidateName(name); err != nil {
		return nil, fmt.Errorf("backend address %s does not name an infractl state: %w", shown, err)
	}
	base := *u
	base.Path, base.RawPath, base.RawQuery, base.Fragment = u.Path[:i], "", "", ""
	c, err := New(base.String(), httpClient)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(c)
	}
	return &Backend{client: c, name: name, addr: c.StateURL(name)}, nil
}

// Client is the client the backend uses, for calls beyond the interface.
func (b *Backend) Client() *Client { return b.client }

// Name is the state's name on the server.
func (b *Backend) Name() string { return b.name }

// String is the state's address, without credentials.
func (b *Backend) String() string { return b.addr }

// Versions lists the state's versions, newest first.
func (b *Backend) Versions(ctx context.Context) ([]remotestate.Version, error) {
	vs, err := b.client.AllVersions(ctx, b.name)
	if err != nil {
		return nil, err
	}
	out := make([]remotestate.Version, 0, len(vs))
	for _, v := range vs {
		out = append(out, toVersion(v))
	}
	return out, nil
}

func toVersion(v api.Version) remotestate.Version {
	return remotestate.Version{
		ID:               strconv.FormatUint(v.Serial, 10),
		Serial:           v.Serial,
		Lineage:          v.Lineage,
		Size:             v.Size,
		Resources:        v.Resources,
		TerraformVersion: v.TerraformVersion,
		CreatedAt:        v.CreatedAt,
		Current:          v.Current,
		Who:              v.Who,
		LockID:           v.LockID,
	}
}

// parseID turns a version ID back into a serial.
func parseID(id string) (uint64, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("version ID %q is not a serial (versions on an infractl server are named by serial): %w", id, statestore.ErrInvalid)
	}
	return n, nil
}

// Body returns the body of the version with serial id.
func (b *Backend) Body(ctx context.Context, id string) ([]byte, error) {
	if id == "" {
		return b.client.Get(ctx, b.name)
	}
	serial, err := parseID(id)
	if err != nil {
		return nil, err
	}
	return b.client.VersionBody(ctx, b.name, serial)
}

// Locks returns the state's held lock, none when unlocked.
func (b *Backend) Locks(ctx context.Context) ([]remotestate.Lock, error) {
	l, err := b.client.HeldLock(ctx, b.name)
	if err != nil || l == nil {
		return nil, err
	}
	return []remotestate.Lock{toLock(*l)}, nil
}

func toLock(l api.Lock) remotestate.Lock {
	return remotestate.Lock{
		ID: l.ID, Operation: l.Operation, Who: l.Who, Version: l.Version,
		Created: l.Created, Path: l.Path, Info: l.Info, Source: "server",
	}
}

// Unlock removes the held lock whose ID is id and returns it; a lock with
// another ID is refused by the server, and the error names the holder.
func (b *Backend) Unlock(ctx context.Context, id string) ([]remotestate.Lock, error) {
	removed, err := b.client.Unlock(ctx, b.name, id)
	if err != nil || removed == nil {
		return nil, err
	}
	return []remotestate.Lock{toLock(*removed)}, nil
}

// Rollback restores the version with serial id as a new version (serial
// current+1, same lineage). The server takes the state's lock for it and
// refuses while someone else holds it. It never restores a version of
// another lineage, even with opts.Force: that is a `terraform state push
// -force` of the version's body, a decision left to a person.
func (b *Backend) Rollback(ctx context.Context, id string, opts remotestate.RollbackOptions) (remotestate.Version, error) {
	serial, err := parseID(id)
	if err != nil {
		return remotestate.Version{}, err
	}
	if opts.Backup != nil {
		// The server takes the lock itself during the rollback request, so
		// the backup is taken just before it, once the checks the client
		// can make have passed: the version exists, nobody holds the lock.
		if _, err := b.client.VersionMeta(ctx, b.name, serial); err != nil {
			return remotestate.Version{}, err
		}
		if held, err := b.client.HeldLock(ctx, b.name); err != nil {
			return remotestate.Version{}, err
		} else if held != nil {
			return remotestate.Version{}, fmt.Errorf("%s is locked by %s (lock %s, %s): try again when the lock is released", b, held.Who, held.ID, held.Operation)
		}
		current, err := b.client.Get(ctx, b.name)
		if err != nil {
			return remotestate.Version{}, err
		}
		if err := opts.Backup(current); err != nil {
			return remotestate.Version{}, err
		}
	}
	v, err := b.client.Rollback(ctx, b.name, serial, opts.Who)
	if err != nil {
		var e *Error
		if opts.Force && errors.As(err, &e) && e.Status == http.StatusConflict && e.Holder == nil {
			return remotestate.Version{}, fmt.Errorf("%w; an infractl server does not roll back across lineages even when forced (%w): push the version's body with `terraform state push -force` instead",
				err, remotestate.ErrNotSupported)
		}
		return remotestate.Version{}, err
	}
	return toVersion(v), nil
}
