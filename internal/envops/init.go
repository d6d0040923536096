package envops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/tf"
)

// Init prepares env's working directory with `terraform init`: backend,
// modules and providers. In each BackendConfig entry, {env} becomes the
// environment's name, and a file path is made absolute (terraform runs in
// the environment's directory, not the caller's), so one flag serves every
// environment: --backend-config backends/{env}.hcl.
func (s *Service) Init(ctx context.Context, env *estate.Environment, opts tf.InitOptions, obs Observer) error {
	if env.Err != nil {
		return env.Err
	}
	opts.BackendConfig = ExpandBackendConfig(opts.BackendConfig, env.Name)
	cmd := s.Binary.Command(env.Dir, opts)
	cmd.EnvName = env.Name
	if _, err := s.Runner.Stream(ctx, cmd, messageFn(obs)); err != nil {
		return err
	}
	// An environment with only built-in resources and no backend gets no
	// .terraform directory; remember that it was initialized anyway, and
	// for which configuration: adding a provider later needs a new init.
	marker := s.initMarker(env)
	if _, err := os.Stat(dataDir(env)); err == nil {
		os.Remove(marker)
	} else if hash, err := env.ConfigHash(); err == nil {
		if err := writeFileAtomic(marker, []byte(hash)); err != nil {
			s.logger().Warn("recording init", "env", env.Name, "err", err)
		}
	}
	return nil
}

// dataDir is where terraform keeps env's working data ($TF_DATA_DIR or
// .terraform).
func dataDir(env *estate.Environment) string {
	dir := os.Getenv("TF_DATA_DIR")
	if dir == "" {
		dir = ".terraform"
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(env.Dir, dir)
	}
	return dir
}

func (s *Service) initMarker(env *estate.Environment) string {
	return filepath.Join(s.recordDir(env.Name), "initialized")
}

// ensureInit runs a default `terraform init` in an environment that was
// never initialized (no .terraform directory, or no $TF_DATA_DIR, and no
// record that init of this very configuration needed none), so the first plan on a fresh checkout just works.
// An initialized directory is left alone: re-initializing is the user's
// call (`infractl init`).
func (s *Service) ensureInit(ctx context.Context, env *estate.Environment, obs Observer) error {
	if _, err := os.Stat(dataDir(env)); err == nil {
		return nil
	}
	if marker, err := os.ReadFile(s.initMarker(env)); err == nil {
		if hash, err := env.ConfigHash(); err == nil && hash == string(marker) {
			return nil
		}
	}
	if err := s.Init(ctx, env, tf.InitOptions{}, obs); err != nil {
		return fmt.Errorf("initializing %s (it had never been initialized): %w", env.Name, err)
	}
	return nil
}

// ExpandBackendConfig prepares -backend-config values for one environment:
// {env} becomes its name and file paths become absolute.
func ExpandBackendConfig(values []string, env string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		v = strings.ReplaceAll(v, "{env}", env)
		if !strings.Contains(v, "=") {
			if abs, err := filepath.Abs(v); err == nil {
				v = abs
			}
		}
		out[i] = v
	}
	return out
}

// Workspace is the terraform workspace selected in env: $TF_WORKSPACE, else
// the one `terraform workspace select` recorded in the data directory, else
// "default". State commands read the selected workspace's state, as
// terraform would.
func Workspace(env *estate.Environment) string {
	if ws := os.Getenv("TF_WORKSPACE"); ws != "" {
		return ws
	}
	b, err := os.ReadFile(filepath.Join(dataDir(env), "environment"))
	if ws := strings.TrimSpace(string(b)); err == nil && ws != "" {
		return ws
	}
	return "default"
}
