package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/ciwf"
)

func newCICommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ci",
		Short: "Generate CI pipelines for the estate",
	}
	cmd.AddCommand(newCIGitHubCommand(a))
	return cmd
}

// ciResult is the JSON output of `ci github`, a public contract.
type ciResult struct {
	Path   string `json:"path"`
	Status string `json:"status"` // written, unchanged, differs
	Diff   string `json:"diff,omitempty"`
}

func newCIGitHubCommand(a *app) *cobra.Command {
	var (
		check bool
		out   string
	)
	cmd := &cobra.Command{
		Use:   "github [--check] [--out .github/workflows/infra.yml]",
		Short: "Generate the GitHub Actions workflow that plans and applies the estate",
		Long: `Write a GitHub Actions workflow generated from the estate:

  pull requests  that touch the estate (or the workflow) plan every environment in a
                 matrix: 'infractl plan ENV --output markdown' goes to the job summary,
                 and the saved plan files are uploaded as artifacts (kept 7 days).
  push to main   applies every environment in its own job, each after the jobs of the
                 environments it depends_on in infractl.hcl. Protected environments run
                 in the GitHub environment of the same name: give it required
                 reviewers. Each environment has a concurrency group (infractl-ENV,
                 never cancelled) so two runs never apply it at once.

Jobs get the least permissions they need (contents: read, plus id-token: write to
assume an AWS role through OIDC when an environment uses AWS: set the repository
variables INFRACTL_PLAN_ROLE_ARN and INFRACTL_APPLY_ROLE_ARN). Terraform is installed
at the environment's required_version. Inside infractl's own repository the
workflow builds infractl from source; elsewhere it installs the release that
generated it (the latest release, from a development build).

The file starts with a header that marks it generated; 'infractl env new' regenerates
it. --out is relative to the repository root (the directory holding .git above the
estate). The output is deterministic: --check exits 1 and prints a unified diff when
the file differs from what would be generated, 0 when it is up to date.`,
		Example: `  infractl ci github
  infractl -C examples/ml-platform ci github --check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			e, err := a.loadEstate()
			if err != nil {
				return err
			}
			opts := ciwf.OptionsFor(e, out, Version)
			if filepath.IsAbs(out) {
				rel, err := ciwf.RelSlash(opts.RepoRoot, out)
				if err != nil {
					return fmt.Errorf("--out: %w", err)
				}
				opts.Path = rel
			} else if _, err := ciwf.RelSlash(opts.RepoRoot, filepath.Join(opts.RepoRoot, out)); err != nil {
				return fmt.Errorf("--out %s: the workflow must be inside the repository %s", out, opts.RepoRoot)
			}
			generated, current, differs, err := ciwf.Sync(e, opts, !check)
			if err != nil {
				return err
			}
			res := ciResult{Path: opts.Path, Status: "unchanged"}
			switch {
			case differs && check:
				res.Status = "differs"
				res.Diff = ciwf.UnifiedDiff(opts.Path, opts.Path+" (generated)", current, generated)
			case differs:
				res.Status = "written"
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				if err := writeJSON(w, res); err != nil {
					return err
				}
			} else {
				switch res.Status {
				case "differs":
					if current == nil {
						fmt.Fprintf(w, "%s does not exist: run 'infractl ci github' to generate it\n", opts.Path)
					}
					fmt.Fprint(w, res.Diff)
				case "written":
					fmt.Fprintf(w, "Wrote %s\n", opts.Path)
				default:
					fmt.Fprintf(w, "%s is up to date\n", opts.Path)
				}
			}
			if res.Status == "differs" {
				return exitCode(ExitError)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&check, "check", false, "do not write; exit 1 with a diff when the file is not up to date")
	f.StringVar(&out, "out", ciwf.DefaultPath, "workflow file, relative to the repository root")
	return cmd
}
