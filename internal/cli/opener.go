package cli

import (
	"context"
	"fmt"
	"os"
	"os/user"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/cloud/aws"
	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/server/client"
	"github.com/infractl/infractl/internal/stateops"
)

// stateService returns the state operations of the estate, with backends
// opened by openBackend.
func (a *app) stateService() (*stateops.Service, error) {
	e, err := a.loadEstate()
	if err != nil {
		return nil, err
	}
	return &stateops.Service{Open: a.openBackend, Root: e.Root, Now: a.now}, nil
}

// stateOps resolves one environment for a state command.
func (a *app) stateOps(name string) (*stateops.Service, *estate.Environment, error) {
	ops, err := a.stateService()
	if err != nil {
		return nil, nil, err
	}
	env, err := a.estate.Env(name)
	if err != nil {
		return nil, nil, err
	}
	if env.Err != nil {
		return nil, nil, env.Err
	}
	return ops, env, nil
}

// openBackend maps an environment's backend block (plus --backend-config,
// for partial configurations) to the code that can inspect it.
func (a *app) openBackend(ctx context.Context, env *estate.Environment) (remotestate.Backend, error) {
	switch env.Backend.Type {
	case "s3":
		cfg, err := aws.FromBackend(env.Backend, envops.ExpandBackendConfig(a.backendConfig, env.Name)...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", env.Name, err)
		}
		return aws.Open(ctx, cfg.ForWorkspace(envops.Workspace(env)))
	case "local":
		return stateops.Local(env), nil
	case "http":
		addr, ok := env.Backend.Attributes["address"].AsString()
		if !ok || addr == "" {
			return nil, fmt.Errorf("%s: the http backend has no literal address (set it in the backend block)", env.Name)
		}
		var opts []client.Option
		if pw := os.Getenv("TF_HTTP_PASSWORD"); pw != "" {
			opts = append(opts, client.WithBasicAuth(os.Getenv("TF_HTTP_USERNAME"), pw))
		}
		return client.NewBackend(addr, nil, opts...)
	}
	return nil, fmt.Errorf("%s: state inspection is %w for the %q backend; infractl reads infractl servers (http), S3 and local state",
		env.Name, stateops.ErrUnsupported, env.Backend.Type)
}

// whoAmI names the operator the way Terraform does in lock info: user@host.
func whoAmI() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}

// addBackendConfigFlag gives a state command terraform init's
// -backend-config, for backends whose location is not all in the block.
func addBackendConfigFlag(cmd *cobra.Command, a *app) *cobra.Command {
	cmd.Flags().StringArrayVar(&a.backendConfig, "backend-config", nil, "backend configuration file or key=value completing the backend block; {env} is replaced by the environment name (repeatable)")
	return cmd
}
