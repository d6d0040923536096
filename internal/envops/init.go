package envops

import (
	"context"

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
