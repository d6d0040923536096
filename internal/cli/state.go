package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
)

func newStateCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Back up, restore, list, compare and roll back an environment's state",
	}
	cmd.AddCommand(newStateBackupCommand(a), newStateRestoreCommand(a),
		addBackendConfigFlag(newStateHistoryCommand(a), a), addBackendConfigFlag(newStateDiffCommand(a), a), addBackendConfigFlag(newStateRollbackCommand(a), a))
	return cmd
}

func newStateBackupCommand(a *app) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "backup ENV",
		Short: "Save the current state of an environment to a local file",
		Long: `Pull ENV's current state (terraform state pull) and write it to
<DIR>/<env>-serial<N>-<timestamp>.tfstate with mode 0600. The file is read back
and checked to parse as a version 4 state before success is reported.
State files hold secrets: keep backups out of version control.`,
		Example: "  infractl state backup prod\n  infractl state backup prod --out /secure/backups -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, env, svc, err := a.prepareOne(cmd, args[0], "table", "json")
			if err != nil {
				return err
			}
			b, err := svc.Backup(cmd.Context(), env, dir)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), b)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Backed up %s (serial %d, lineage %s, %d resources, %d bytes) to %s\n",
				b.Environment, b.Serial, b.Lineage, b.Resources, b.Size, b.Path)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "out", envops.DefaultBackupDir, "directory for the backup (relative paths are taken from the estate root)")
	return cmd
}

func newStateRestoreCommand(a *app) *cobra.Command {
	var (
		force bool
		dir   string
	)
	cmd := &cobra.Command{
		Use:   "restore ENV FILE",
		Short: "Replace an environment's state with a state file, after backing up the current one",
		Long: `Push FILE as ENV's state (terraform state push). The current state is
backed up first (see 'state backup'). A file with another lineage, or a lower
serial than the current state, is refused with both sides' serial and lineage,
unless --force is given.`,
		Example: "  infractl state restore prod .infractl/backups/prod-serial41-20261125T175631.000000000Z.tfstate",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, env, svc, err := a.prepareOne(cmd, args[0], "table", "json")
			if err != nil {
				return err
			}
			res, err := svc.Restore(cmd.Context(), env, args[1], dir, force)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			if res.Backup != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "Backed up the previous state (serial %d) to %s\n", res.Backup.Serial, res.Backup.Path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Restored %s into %s (serial %d, lineage %s)\n", args[1], res.Environment, res.Serial, res.Lineage)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "restore even with another lineage or a lower serial")
	cmd.Flags().StringVar(&dir, "backup-dir", envops.DefaultBackupDir, "where to back up the current state first")
	return cmd
}
