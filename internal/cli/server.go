package cli

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/server"
)

func newServerCommand(a *app) *cobra.Command {
	var cfg server.Config
	var pprofListen string
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Serve Terraform state over the http backend protocol, with locks you can see and every version kept",
		Long: `Run infractl's state server: a Terraform http backend that stores every
version of every state (with diff and rollback), shows who holds each lock, and
keeps its data in an embedded SQLite database under --data.

Point an environment at it with:

  terraform {
    backend "http" {
      address        = "http://HOST:7420/v1/states/NAME"
      lock_address   = "http://HOST:7420/v1/states/NAME/lock"
      unlock_address = "http://HOST:7420/v1/states/NAME/lock"
    }
  }

NAME is one or more slash-separated segments of [a-z0-9][a-z0-9._-]*, e.g.
ml-platform/prod. The JSON API (states, locks, versions, diff, rollback) is
described in docs/api.md; /healthz and /metrics (Prometheus) are served too.
Logs are JSON on stderr and never contain a state body. SIGINT or SIGTERM stops
the server gracefully, finishing in-flight writes.`,
		Example: "  infractl server\n  infractl server --listen 0.0.0.0:7420 --data /var/lib/infractl",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Logger = slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			if !filepath.IsAbs(cfg.DataDir) {
				root, err := a.root()
				if err != nil {
					return err
				}
				cfg.DataDir = filepath.Join(root, cfg.DataDir)
			}
			srv, err := server.New(cfg)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if err := srv.Start(ctx); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "infractl state server listening on %s (data in %s)\n", srv.URL(), cfg.DataDir)
			if pprofListen != "" {
				stop, err := servePprof(ctx, pprofListen)
				if err != nil {
					_ = srv.Close(context.Background())
					return err
				}
				defer stop()
			}
			<-ctx.Done()
			fmt.Fprintln(cmd.OutOrStdout(), "Shutting down: finishing in-flight requests")
			closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return srv.Close(closeCtx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Listen, "listen", server.DefaultListen, "address to listen on")
	f.StringVar(&cfg.DataDir, "data", server.DefaultDataDir, "data directory (relative paths are taken from --chdir)")
	f.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", server.DefaultMaxBodyBytes, "largest state accepted")
	f.StringVar(&pprofListen, "pprof-listen", "", "serve Go's pprof profiles on this address, apart from the API (for profiling; keep it on loopback)")
	return cmd
}
