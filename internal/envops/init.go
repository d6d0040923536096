package envops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/tf"
)

// Init prepares env's working directory with `terraform init`: backend,
// modules and providers.
func (s *Service) Init(ctx context.Context, env *estate.Environment, opts tf.InitOptions, obs Observer) error {
	if env.Err != nil {
		return env.Err
	}
	cmd := s.Binary.Command(env.Dir, opts)
	cmd.EnvName = env.Name
	if _, err := s.Runner.Stream(ctx, cmd, messageFn(obs)); err != nil {
		return err
	}
	// An environment with only built-in resources and no backend gets no
	// .terraform directory; remember that it was initialized anyway.
	marker := s.initMarker(env)
	if _, err := os.Stat(dataDir(env)); err == nil {
		os.Remove(marker)
	} else if err := writeFileAtomic(marker, nil); err != nil {
		s.logger().Warn("recording init", "env", env.Name, "err", err)
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
// record that init needed none), so the first plan on a fresh checkout just works.
// An initialized directory is left alone: re-initializing is the user's
// call (`infractl init`).
func (s *Service) ensureInit(ctx context.Context, env *estate.Environment, obs Observer) error {
	if _, err := os.Stat(dataDir(env)); err == nil {
		return nil
	}
	if _, err := os.Stat(s.initMarker(env)); err == nil {
		return nil
	}
	if err := s.Init(ctx, env, tf.InitOptions{}, obs); err != nil {
		return fmt.Errorf("initializing %s (it had never been initialized): %w", env.Name, err)
	}
	return nil
}
