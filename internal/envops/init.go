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
	_, err := s.Runner.Stream(ctx, cmd, messageFn(obs))
	return err
}

// ensureInit runs a default `terraform init` in an environment that was
// never initialized (no .terraform directory, or no $TF_DATA_DIR), so the
// first plan on a fresh checkout just works. An initialized directory is
// left alone: re-initializing is the user's call (`infractl init`).
func (s *Service) ensureInit(ctx context.Context, env *estate.Environment, obs Observer) error {
	dataDir := os.Getenv("TF_DATA_DIR")
	if dataDir == "" {
		dataDir = ".terraform"
	}
	if !filepath.IsAbs(dataDir) {
		dataDir = filepath.Join(env.Dir, dataDir)
	}
	if _, err := os.Stat(dataDir); err == nil {
		return nil
	}
	if err := s.Init(ctx, env, tf.InitOptions{}, obs); err != nil {
		return fmt.Errorf("initializing %s (it had never been initialized): %w", env.Name, err)
	}
	return nil
}
