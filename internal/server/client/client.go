// Package client is the Go client of infractl's state server: typed calls
// for the JSON API and for Terraform's http backend protocol, and a
// remotestate.Backend for one state (NewBackend), which is how `infractl
// state history|diff|rollback` and `infractl locks` reach environments
// whose backend is an infractl server.
//
// Errors from the server are *Error values that unwrap to the statestore
// error kinds, so callers test them with errors.Is(err,
// statestore.ErrNotFound) or errors.As(err, &*statestore.LockedError)
// whether they talk to a Service or to a server.
package client

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/tfstate"
)

// Client talks to one infractl state server. It is safe for concurrent
// use once configured.
type Client struct {
	base string
	hc   *http.Client
	// Username and Password are sent as HTTP Basic auth when either is
	// set, as Terraform's http backend sends its username/password (the
	// server's tokens travel as the password). Set them before use.
	Username string
	Password string
}

// New returns a client for the server at baseURL (e.g.
// http://127.0.0.1:7420, or a URL with a path prefix when the server sits
// behind a proxy under one). A nil httpClient means http.DefaultClient.
func New(baseURL string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("server URL %q: the scheme must be http or https", baseURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("server URL %q: no host", baseURL)
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	c := &Client{hc: httpClient}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		u.User = nil
	}
	u.RawQuery, u.Fragment = "", ""
	c.base = strings.TrimSuffix(u.String(), "/")
	return c, nil
}

// BaseURL is the server's URL without credentials or trailing slash.
func (c *Client) BaseURL() string { return c.base }

// StateURL is a state's address as a Terraform http backend block wants
// it; its lock_address and unlock_address are StateURL(name) + "/lock".
func (c *Client) StateURL(name string) string { return c.base + "/v1/states/" + name }

// statePath returns the path of a state's sub-resource after validating
// the name, so a bad name fails here with the server's own reason.
func statePath(name, sub string) (string, error) {
	if err := statestore.ValidateName(name); err != nil {
		return "", err
	}
	p := "/v1/states/" + name
	if sub != "" {
		p += "/" + sub
	}
	return p, nil
}

// do sends a request and returns the response when its status is 2xx;
// other statuses become an *Error (name is the state, for lock holders).
// A body is sent with Content-Type and Content-MD5, as Terraform does.
func (c *Client) do(ctx context.Context, method, path string, body []byte, name string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		sum := md5.Sum(body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	if c.Username != "" || c.Password != "" {
		req.SetBasicAuth(c.Username, c.Password)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err // *url.Error names method and URL
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, responseError(resp, name)
	}
	return resp, nil
}

// getJSON decodes a 2xx JSON answer into v.
func (c *Client) getJSON(ctx context.Context, path, name string, v any) error {
	return c.sendJSON(ctx, http.MethodGet, path, nil, name, v)
}

// sendJSON sends body (nil for none) and decodes the answer into v.
func (c *Client) sendJSON(ctx context.Context, method, path string, body []byte, name string, v any) error {
	resp, err := c.do(ctx, method, path, body, name)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, c.base+path, err)
	}
	return nil
}

// readBody reads a state body and checks it against the answer's
// Content-MD5, so a body damaged on the way is never used.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the body: %w", resp.Request.Method, resp.Request.URL.Redacted(), err)
	}
	if v := resp.Header.Get("Content-MD5"); v != "" {
		sum := md5.Sum(b)
		if v != base64.StdEncoding.EncodeToString(sum[:]) {
			return nil, fmt.Errorf("%s %s: the body does not match its Content-MD5 %s", resp.Request.Method, resp.Request.URL.Redacted(), v)
		}
	}
	return b, nil
}

// Health returns nil when the server answers /healthz with 200, and the
// server's reason otherwise.
func (c *Client) Health(ctx context.Context) error {
	var h api.Health
	return c.getJSON(ctx, "/healthz", "", &h)
}

// States lists every state on the server.
func (c *Client) States(ctx context.Context) ([]api.State, error) {
	var l api.List[api.State]
	err := c.getJSON(ctx, "/v1/states", "", &l)
	return l.Items, err
}

// Locks lists every held lock on the server.
func (c *Client) Locks(ctx context.Context) ([]api.Lock, error) {
	var l api.List[api.Lock]
	err := c.getJSON(ctx, "/v1/locks", "", &l)
	return l.Items, err
}

// HeldLock returns the lock held on a state, nil when it is not locked.
func (c *Client) HeldLock(ctx context.Context, name string) (*api.Lock, error) {
	p, err := statePath(name, "lock")
	if err != nil {
		return nil, err
	}
	var l api.Lock
	if err := c.getJSON(ctx, p, name, &l); err != nil {
		if errors.Is(err, statestore.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return &l, nil
}

// Versions returns one page of a state's history, newest first: before is
// the Next of the previous page ("" for the first), limit 0 means the
// server's default page size.
func (c *Client) Versions(ctx context.Context, name, before string, limit int) (api.List[api.Version], error) {
	var l api.List[api.Version]
	p, err := statePath(name, "versions")
	if err != nil {
		return l, err
	}
	q := url.Values{}
	if before != "" {
		q.Set("before", before)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	err = c.getJSON(ctx, p, name, &l)
	return l, err
}

// AllVersions returns a state's whole history, newest first, following
// the pages.
func (c *Client) AllVersions(ctx context.Context, name string) ([]api.Version, error) {
	var all []api.Version
	before := ""
	for {
		page, err := c.Versions(ctx, name, before, statestore.MaxPageSize)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all, nil
		}
		before = page.Next
	}
}

// VersionMeta returns the metadata of a state's version with the given
// serial (the newest such version if a deleted state repeated the serial).
func (c *Client) VersionMeta(ctx context.Context, name string, serial uint64) (api.Version, error) {
	var v api.Version
	p, err := statePath(name, "versions/"+strconv.FormatUint(serial, 10))
	if err != nil {
		return v, err
	}
	err = c.getJSON(ctx, p+"?meta=1", name, &v)
	return v, err
}

// VersionBody returns the body of a state's version with the given
// serial, checked against its Content-MD5. It holds secrets: never log it.
func (c *Client) VersionBody(ctx context.Context, name string, serial uint64) ([]byte, error) {
	p, err := statePath(name, "versions/"+strconv.FormatUint(serial, 10))
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodGet, p, nil, name)
	if err != nil {
		return nil, err
	}
	return readBody(resp)
}

// Diff returns the resource-level diff between two versions of a state,
// with values redacted by the server.
func (c *Client) Diff(ctx context.Context, name string, from, to uint64) (*tfstate.StateDiff, error) {
	p, err := statePath(name, "diff")
	if err != nil {
		return nil, err
	}
	p += "?from=" + strconv.FormatUint(from, 10) + "&to=" + strconv.FormatUint(to, 10)
	var d tfstate.StateDiff
	if err := c.getJSON(ctx, p, name, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Rollback restores the version with the given serial as the state's new
// current version (serial current+1, same lineage) and returns it; who is
// recorded as its author. A locked state is a *statestore.LockedError, a
// version of another lineage a 409 *Error.
func (c *Client) Rollback(ctx context.Context, name string, serial uint64, who string) (api.Version, error) {
	var v api.Version
	p, err := statePath(name, "rollback")
	if err != nil {
		return v, err
	}
	body, err := json.Marshal(api.RollbackRequest{Serial: serial, Who: who})
	if err != nil {
		return v, err
	}
	err = c.sendJSON(ctx, http.MethodPost, p, body, name, &v)
	return v, err
}

// Get returns a state's current body through Terraform's protocol, nil
// when the state has none (204). It holds secrets: never log it.
func (c *Client) Get(ctx context.Context, name string) ([]byte, error) {
	p, err := statePath(name, "")
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodGet, p, nil, name)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNoContent {
		resp.Body.Close()
		return nil, nil
	}
	return readBody(resp)
}

// Write uploads a state body as Terraform does (POST with Content-MD5,
// ?ID= when lockID is set).
func (c *Client) Write(ctx context.Context, name string, body []byte, lockID string) error {
	p, err := statePath(name, "")
	if err != nil {
		return err
	}
	if lockID != "" {
		p += "?ID=" + url.QueryEscape(lockID)
	}
	if body == nil {
		body = []byte{}
	}
	resp, err := c.do(ctx, http.MethodPost, p, body, name)
	if err != nil {
		return err
	}
	return drain(resp)
}

// Delete removes a state's current version (its history is kept).
func (c *Client) Delete(ctx context.Context, name string) error {
	p, err := statePath(name, "")
	if err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodDelete, p, nil, name)
	if err != nil {
		return err
	}
	return drain(resp)
}

// Lock takes a state's lock with Terraform's lock info (LOCK method); a
// lock held by another ID is a *statestore.LockedError with the holder.
func (c *Client) Lock(ctx context.Context, name string, info statestore.LockInfo) error {
	p, err := statePath(name, "lock")
	if err != nil {
		return err
	}
	body, err := json.Marshal(info)
	if err != nil {
		return err
	}
	resp, err := c.do(ctx, "LOCK", p, body, name)
	if err != nil {
		return err
	}
	return drain(resp)
}

// Unlock releases the lock with the given ID (UNLOCK with lock info) and
// returns what was removed, nil when the state was not locked. Another
// lock held is a *statestore.LockedError naming the holder.
func (c *Client) Unlock(ctx context.Context, name, id string) (*api.Lock, error) {
	if id == "" {
		return nil, fmt.Errorf("unlock %s: the lock ID is empty (ForceUnlock removes any lock): %w", name, statestore.ErrInvalid)
	}
	body, err := json.Marshal(statestore.LockInfo{ID: id})
	if err != nil {
		return nil, err
	}
	removed, err := c.unlock(ctx, name, body)
	var le *statestore.LockedError
	if errors.As(err, &le) {
		le.WrongID = id
	}
	return removed, err
}

// ForceUnlock removes whatever lock a state holds, exactly as `terraform
// force-unlock` does (UNLOCK with an empty body), and returns the removed
// lock, nil when there was none. The server logs it at warn.
func (c *Client) ForceUnlock(ctx context.Context, name string) (*api.Lock, error) {
	return c.unlock(ctx, name, []byte{})
}

func (c *Client) unlock(ctx context.Context, name string, body []byte) (*api.Lock, error) {
	p, err := statePath(name, "lock")
	if err != nil {
		return nil, err
	}
	var res api.UnlockResult
	if err := c.sendJSON(ctx, "UNLOCK", p, body, name, &res); err != nil {
		return nil, err
	}
	return res.Removed, nil
}

// drain reads the rest of a response so its connection is reused.
func drain(resp *http.Response) error {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.Body.Close()
}
