package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/stateops"
)

func newStateHistoryCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "history ENV",
		Short: "List the stored versions of an environment's state",
		Long: `List every stored version of ENV's state, newest first: version ID, serial,
lineage, size, resource count, when and by whom it was written. Works for
environments whose backend is an infractl server (http) or S3 with versioning.`,
		Example: "  infractl state history prod\n  infractl state history prod -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			ops, env, err := a.stateOps(args[0])
			if err != nil {
				return err
			}
			vs, err := ops.History(cmd.Context(), env)
			if err != nil {
				return err
			}
			if vs == nil {
				vs = []remotestate.Version{}
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"environment": env.Name, "items": vs})
			}
			return writeHistory(cmd.OutOrStdout(), vs)
		},
	}
}

func writeHistory(w io.Writer, vs []remotestate.Version) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION ID\tSERIAL\tCREATED\tSIZE\tRESOURCES\tLINEAGE\tWHO\t")
	for _, v := range vs {
		mark := ""
		if v.Current {
			mark = "(current)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\n", v.ID, v.Serial, v.CreatedAt.UTC().Format(time.RFC3339), v.Size, v.Resources, shortLineage(v.Lineage), v.Who, mark)
	}
	return tw.Flush()
}

// shortLineage keeps a lineage UUID readable in a table; JSON has it whole.
func shortLineage(l string) string {
	if len(l) > 8 {
		return l[:8]
	}
	return l
}

func newStateDiffCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "diff ENV FROM TO",
		Short: "Compare two versions of an environment's state, resource by resource",
		Long: `Compare two stored versions of ENV's state (version IDs from 'infractl state
history'; "current" names the current state): resources added, removed and
changed, with the attribute paths that changed. Sensitive values are never
shown.`,
		Example: "  infractl state diff prod 41 current\n  infractl state diff prod 40 41 -o json",
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "text", "json")
			if err != nil {
				return err
			}
			for _, id := range args[1:] {
				if strings.TrimSpace(id) == "" {
					return fmt.Errorf("a version ID is empty; use IDs from 'infractl state history %s', or %q", args[0], stateops.CurrentVersion)
				}
			}
			ops, env, err := a.stateOps(args[0])
			if err != nil {
				return err
			}
			d, err := ops.Diff(cmd.Context(), env, args[1], args[2])
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"environment": env.Name, "from": d.From, "to": d.To, "diff": d.Diff})
			}
			return d.Diff.WriteText(cmd.OutOrStdout())
		},
	}
}

func newStateRollbackCommand(a *app) *cobra.Command {
	var (
		to, dir string
		force   bool
	)
	cmd := &cobra.Command{
		Use:   "rollback ENV --to VERSION_ID",
		Short: "Make an old version of an environment's state current again",
		Long: `Write an old version of ENV's state back as the current state, as a new
version with serial = current + 1 and the same lineage, so Terraform accepts it.
The state lock is taken while writing, and the current state is backed up to
the local backup directory first. A version of another lineage is refused
unless --force. Run 'infractl plan ENV' afterwards: it shows what Terraform will
change to make the infrastructure match the restored state.`,
		Example: "  infractl state history prod\n  infractl state rollback prod --to 41",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			if to == "" {
				return fmt.Errorf("--to VERSION_ID is required (see 'infractl state history %s')", args[0])
			}
			ops, env, err := a.stateOps(args[0])
			if err != nil {
				return err
			}
			res, err := ops.Rollback(cmd.Context(), env, to, dir, remotestate.RollbackOptions{Force: force, Who: whoAmI()})
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			if res.Backup != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "Backed up the state before the rollback (serial %d) to %s\n", res.Backup.Serial, res.Backup.Path)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Rolled %s back to version %s: new current version %s, serial %d\n", env.Name, to, res.Version.ID, res.Version.Serial)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "version ID to restore (from 'infractl state history')")
	cmd.Flags().BoolVar(&force, "force", false, "restore a version even when its lineage differs")
	cmd.Flags().StringVar(&dir, "backup-dir", envops.DefaultBackupDir, "where to back up the current state first")
	return cmd
}

func newLocksCommand(a *app) *cobra.Command {
	var (
		all        bool
		staleAfter time.Duration
	)
	cmd := &cobra.Command{
		Use:   "locks [ENV...|--all]",
		Short: "Show who holds each environment's state lock, and flag stale ones",
		Long: `Show the state locks held now on the selected environments, read from where
Terraform keeps them (an infractl server, S3 lockfile and DynamoDB, or the local
lock info file): lock ID, operation, who, since when. Locks older than
--stale-after are flagged stale; on S3 a lockfile without its DynamoDB item (or
the reverse) is flagged inconsistent. Backends are read in parallel.

Exit codes: 0 read every environment, 1 an environment's locks could not be read.`,
		Example: "  infractl locks --all\n  infractl locks prod --stale-after 30m -o json",
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			_, envs, err := a.selectEnvs(args, all)
			if err != nil {
				return err
			}
			ops, err := a.stateService()
			if err != nil {
				return err
			}
			parallel := a.parallelism
			if parallel <= 0 {
				parallel = 16
			}
			report := ops.Locks(cmd.Context(), envs, staleAfter, parallel)
			failed := false
			for _, r := range report {
				failed = failed || r.Error != ""
			}
			if format == "json" {
				if err := writeJSON(cmd.OutOrStdout(), map[string]any{"environments": report, "stale_after_seconds": int64(staleAfter / time.Second)}); err != nil {
					return err
				}
			} else if err := writeLocks(cmd.OutOrStdout(), report); err != nil {
				return err
			}
			if failed {
				return exitCode(ExitError)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "show every environment")
	cmd.Flags().DurationVar(&staleAfter, "stale-after", stateops.DefaultStaleAfter, "flag locks held longer than this as stale")
	return cmd
}

func writeLocks(w io.Writer, report []stateops.EnvLocks) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENV\tLOCK ID\tOPERATION\tWHO\tCREATED\tAGE\tSOURCE\tSTATUS")
	for _, r := range report {
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t-\t\t\t\t\t\terror: %s\n", r.Environment, plan.FirstLine(r.Error))
			continue
		}
		if r.Note != "" {
			fmt.Fprintf(tw, "%s\t-\t\t\t\t\t\tnot inspected (%s backend)\n", r.Environment, r.Backend)
			continue
		}
		if len(r.Locks) == 0 {
			fmt.Fprintf(tw, "%s\t-\t\t\t\t\t\tunlocked\n", r.Environment)
			continue
		}
		for _, l := range r.Locks {
			status := "held"
			if l.Stale {
				status = "STALE"
			}
			if l.Problem != "" {
				status += "; inconsistent: " + l.Problem
			}
			created, age := "unknown", "unknown"
			if !l.Created.IsZero() {
				created, age = l.Created.UTC().Format(time.RFC3339), (time.Duration(l.AgeSeconds) * time.Second).String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Environment, l.ID, strings.TrimPrefix(l.Operation, "OperationType"), l.Who,
				created, age, l.Source, status)
		}
	}
	return tw.Flush()
}

func newUnlockCommand(a *app) *cobra.Command {
	var opts stateops.UnlockOptions
	cmd := &cobra.Command{
		Use:   "unlock ENV --lock-id ID [--force]",
		Short: "Break a stale state lock, safely",
		Long: `Remove ENV's state lock. The locks held are shown first; only the lock whose ID
is --lock-id is removed, and only when it is older than --stale-after, unless
--force. (On S3 a lockfile and a DynamoDB item with different IDs are removed one
at a time, each by its own ID.) Every removal is recorded in
.infractl/unlocks.log with what was removed. Prefer this to 'terraform
force-unlock': it shows who holds the lock and for how long before breaking it,
and never removes a lock other than the one named.`,
		Example: "  infractl unlock prod                 # shows the locks, removes nothing\n  infractl unlock prod --lock-id 3ca4a2d3-5e41-5af7-9114-ac69ae7162a5",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ops, env, err := a.stateOps(args[0])
			if err != nil {
				return err
			}
			held, err := ops.HeldLocks(cmd.Context(), env)
			if err != nil {
				return err
			}
			now := a.now()
			for _, l := range held {
				age := "unknown age"
				if !l.Created.IsZero() {
					age = "held for " + l.Age(now).Round(time.Second).String()
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Lock on %s (%s): ID %s, operation %s, who %s, %s\n", env.Name, l.Source, l.ID,
					strings.TrimPrefix(l.Operation, "OperationType"), l.Who, age)
			}
			opts.Who = whoAmI()
			removed, err := ops.Unlock(cmd.Context(), env, opts)
			if err != nil {
				return err
			}
			for _, l := range removed {
				fmt.Fprintf(cmd.OutOrStdout(), "Removed lock %s (%s) on %s; recorded in %s\n", l.ID, l.Source, env.Name, stateops.UnlockLog)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.LockID, "lock-id", "", "ID of the lock to remove (required; shown by 'infractl locks' and by this command)")
	cmd.Flags().DurationVar(&opts.StaleAfter, "stale-after", stateops.DefaultStaleAfter, "refuse to remove a lock younger than this without --force")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "remove the lock even if it is younger than --stale-after")
	cmd.Flags().BoolVar(&opts.Unreadable, "unreadable", false, "remove the locks whose info cannot be read (S3; needs --force)")
	return cmd
}
