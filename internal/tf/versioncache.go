package tf

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/hashicorp/go-version"
)

// versionCacheFile returns the file that remembers probed versions; a
// variable so tests can point it elsewhere. An error disables the cache.
var versionCacheFile = func() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "infractl", "tf-versions.json"), nil
}

// versionCacheEntry identifies a binary by path, size and modification
// time: replacing or upgrading the binary changes one of them, so a stale
// entry is never used.
type versionCacheEntry struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mod_time_ns"`
	Version string `json:"version"`
	Flavor  Flavor `json:"flavor"`
}

var versionCacheMu sync.Mutex

// cachedProbe is probe with a small on-disk cache. Running `terraform
// version -json` costs tens of milliseconds, as much as a small plan, and
// its answer only changes when the binary does. The version rules are
// checked on every call, cached or not; cache failures only cost the probe.
func cachedProbe(ctx context.Context, path string) (*Binary, error) {
	info, statErr := os.Stat(path)
	file, fileErr := versionCacheFile()
	if statErr != nil || fileErr != nil {
		return probe(ctx, path)
	}
	versionCacheMu.Lock()
	defer versionCacheMu.Unlock()
	cache := map[string]versionCacheEntry{}
	if b, err := os.ReadFile(file); err == nil {
		json.Unmarshal(b, &cache)
	}
	if e, ok := cache[path]; ok && e.Size == info.Size() && e.ModTime == info.ModTime().UnixNano() {
		if v, err := version.NewVersion(e.Version); err == nil {
			b := &Binary{Path: path, Flavor: e.Flavor, Version: v}
			if v.Core().LessThan(MinVersion) {
				return nil, &UnsupportedVersionError{Path: path, Flavor: b.Flavor, Version: v}
			}
			return b, nil
		}
	}
	b, err := probe(ctx, path)
	if err != nil {
		return nil, err
	}
	cache[path] = versionCacheEntry{Size: info.Size(), ModTime: info.ModTime().UnixNano(), Version: b.Version.String(), Flavor: b.Flavor}
	if data, err := json.Marshal(cache); err == nil {
		writeCache(file, data)
	}
	return b, nil
}

// writeCache replaces the cache file atomically; errors are ignored since
// the cache is only an optimisation.
func writeCache(file string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tf-versions-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		os.Remove(tmp.Name())
	}
}
