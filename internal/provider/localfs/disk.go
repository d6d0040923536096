package localfs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// disk does the provider's file work against one root directory; the resource
// and the data source share it through the provider's Configure.
type disk struct {
	root      string
	readDelay time.Duration
}

// secretSuffix names the side file that holds sensitive_content, so content
// stays exactly what the user wrote and sha256 stays a hash of it alone.
const secretSuffix = ".secret"

// secretPerm is the mode of the side file, whatever file_permission says.
const secretPerm fs.FileMode = 0o600

// resolve turns a configured path into an absolute one under the root.
func (d *disk) resolve(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(d.root, p)
}

// wait sleeps read_delay, returning early when Terraform cancels the request.
func (d *disk) wait(ctx context.Context) error {
	if d.readDelay <= 0 {
		return nil
	}
	t := time.NewTimer(d.readDelay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read returns the content and permission bits of the file at p; a missing
// file is an error that matches fs.ErrNotExist.
func (d *disk) read(p string) ([]byte, fs.FileMode, error) {
	abs := d.resolve(p)
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file", abs)
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, 0, err
	}
	return b, fi.Mode().Perm(), nil
}

// write replaces the file at p atomically (temp file in the same directory,
// then rename), creating parent directories, so a reader never sees half a file.
func (d *disk) write(p string, content []byte, perm fs.FileMode) error {
	abs := d.resolve(p)
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return fmt.Errorf("creating temp file for %s: %w", abs, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	// Chmod on the open file is not subject to the umask, unlike OpenFile's mode.
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("setting mode of %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return fmt.Errorf("renaming into %s: %w", abs, err)
	}
	return nil
}

// remove deletes the file at p; a file that is already gone is success.
func (d *disk) remove(p string) error {
	err := os.Remove(d.resolve(p))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// hash is the value of the sha256 attribute: lowercase hex of the content.
func hash(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// parsePerm reads a file_permission string such as "0644" or "755".
func parsePerm(s string) (fs.FileMode, error) {
	if len(s) < 3 || len(s) > 4 {
		return 0, fmt.Errorf("want 3 or 4 octal digits such as \"0644\", got %q", s)
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o777 {
		return 0, fmt.Errorf("want octal permission bits between 0000 and 0777, got %q", s)
	}
	return fs.FileMode(n), nil
}

// formatPerm is parsePerm's inverse in the default's four-digit form.
func formatPerm(m fs.FileMode) string {
	return fmt.Sprintf("%04o", uint32(m.Perm()))
}
