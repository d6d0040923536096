package envops

import (
	"context"
	"fmt"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/tf"
)

// Import adopts an existing object into env's state with `terraform import
// ADDRESS ID`. The configuration must already declare ADDRESS.
func (s *Service) Import(ctx context.Context, env *estate.Environment, address, id string, obs Observer) error {
	if env.Err != nil {
		return env.Err
	}
	if err := s.ensureInit(ctx, env, obs); err != nil {
		return err
	}
	cmd := s.Binary.Command(env.Dir, tf.ImportOptions{Address: address, ID: id})
	cmd.EnvName = env.Name
	if _, err := s.Runner.Stream(ctx, cmd, messageFn(obs)); err != nil {
		return fmt.Errorf("importing %s (id %q) into %s: %w", address, id, env.Name, err)
	}
	return nil
}
