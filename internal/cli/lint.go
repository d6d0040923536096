package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/lint"
)

// lintFormats are the formats of `infractl lint`; table is accepted as
// text because it is what -o takes elsewhere.
var lintFormats = []string{"text", "json", "sarif"}

// lintFormat decides the output format: --format when given, else the
// global -o/--output, else text.
func lintFormat(flag, output string) (string, error) {
	f := flag
	if f == "" {
		f = output
	}
	switch f {
	case "":
		return "text", nil
	case "table":
		return "text", nil
	}
	if !slices.Contains(lintFormats, f) {
		return "", fmt.Errorf("--format %q is not supported; use %s", f, joinOr(lintFormats))
	}
	return f, nil
}

func newLintCommand(a *app) *cobra.Command {
	var (
		all    bool
		format string
	)
	cmd := &cobra.Command{
		Use:   "lint [ENV...|--all]",
		Short: "Check environments, alone and against each other, for mistakes that hurt in production",
		Long: `Check the estate's environments without running terraform. Each finding has a
stable rule ID, a severity, file:line:col, a message and how to fix it.

  IFX000 error    invalid-configuration         the environment's HCL cannot be read
  IFX001 error    shared-state                  two environments use the same state
  IFX002 error    unencrypted-state             s3 without encrypt = true, plain http://, pg sslmode=disable
  IFX003 error    unlocked-state                s3 without use_lockfile/dynamodb_table, http without lock_address
  IFX004 error    unsupported-backend-argument  e.g. versioning in backend "s3"
  IFX005 warning  deprecated-dynamodb-lock      dynamodb_table without use_lockfile
  IFX006 warning  deprecated-backend-argument   endpoint, force_path_style, ... in backend "s3"
  IFX007 warning  unpinned-provider             no version constraint, or no upper bound (">= 5.0")
  IFX008 warning  missing-required-version      no required_version
  IFX009 error    overlapping-cidr              network ranges of two environments overlap
  IFX010 error    secret-literal                a literal that looks like a secret (shown as 4 characters)
  IFX011 warning  unprotected-state-bucket      a state bucket without lifecycle { prevent_destroy = true }
  IFX012 warning  capacity-order                a later environment smaller than an earlier one
  IFX013 warning  module-source-drift           a module's source or version differs between environments
  IFX014 warning  invalid-suppression           an infractl:ignore without a reason or with an unknown rule
  IFX015 note     unused-suppression            an infractl:ignore that suppresses nothing
  IFX016 warning  undeclared-variable-value     a tfvars value for an undeclared variable

Without arguments every environment is linted, as with --all; --all also reads
the estate's other directories of .tf files (shared roots such as
shared/backend-bootstrap) for the secret and state-bucket rules.
Cross-environment rules compare every environment and report what involves the
selected ones.

Turn a rule off for a file with a comment anywhere in it:
  # infractl:ignore IFX010 the key below is a public test fixture
or for one block or argument, on the lines right above it:
  # infractl:ignore-block IFX013 prod stays on vpc 1.x until the migration
A reason is required.

--format text|json|sarif picks the output; when it is not given, the global
-o/--output is used (table means text); --format wins when both are given.
SARIF 2.1.0 output is what GitHub code scanning uploads (github/codeql-action/
upload-sarif): paths are relative to the repository when the estate is in a
git work tree.

Exit codes: 0 no error-level finding (warnings and notes allowed), 1 an error-level
finding, or the estate could not be read.`,
		Example: "  infractl lint --all\n  infractl lint prod staging\n  infractl lint --all --format sarif > infractl.sarif",
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := lintFormat(format, a.output)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				all = true
			}
			e, envs, err := a.selectEnvs(args, all)
			if err != nil {
				return err
			}
			report, err := lint.Run(e, lint.Options{Environments: envs, All: all})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch f {
			case "json":
				err = lint.WriteJSON(out, report)
			case "sarif":
				err = lint.WriteSARIF(out, report, lint.SARIFOptions{ToolVersion: Version, URIPrefix: repoPrefix(e.Root)})
			default:
				err = lint.WriteText(out, report)
			}
			if err != nil {
				return err
			}
			if report.HasErrors() {
				return exitCode(ExitError)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "lint every environment, and the estate's shared roots")
	cmd.Flags().StringVar(&format, "format", "", "output format: text, json or sarif (default: -o, else text)")
	return cmd
}

// repoPrefix is the estate root's path inside its git work tree ("" when
// the estate is the work tree's root or not in one), so SARIF URIs resolve
// against the repository checkout as code scanning expects.
func repoPrefix(root string) string {
	for dir := root; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			rel, err := filepath.Rel(dir, root)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
