package cli

import (
	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/estate"
)

func newImportCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import ENV ADDRESS ID",
		Short: "Import an existing object into an environment's state",
		Long: `Run terraform import in one environment: adopt the object with the given ID
as the resource at ADDRESS, which the configuration must already declare.
Run 'infractl plan ENV' afterwards to see whether the configuration matches it.`,
		Example: `  infractl import prod 'aws_s3_bucket.models' ml-models-prod
  infractl import dev 'localfs_file.config["app"]' config/app.json`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, env, svc, err := a.prepareOne(cmd, args[0], "table", "json")
			if err != nil {
				return err
			}
			rep := a.progressFor([]*estate.Environment{env})
			rep.Phase(env.Name, "importing "+args[1])
			err = svc.Import(cmd.Context(), env, args[1], args[2], nil)
			row := resultRow{Name: env.Name, Status: "imported"}
			if err != nil {
				row.Status, row.Error = "error", err.Error()
			}
			rep.Done(env.Name, row.Status, err != nil)
			rep.Close()
			if werr := writeResults(cmd, format, []resultRow{row}); werr != nil {
				return werr
			}
			if err != nil {
				return exitCode(ExitError)
			}
			return nil
		},
	}
}
