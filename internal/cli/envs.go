package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// envRow is one environment in `infractl envs` output; the JSON field
// names are a public contract.
type envRow struct {
	Name         string   `json:"name"`
	Order        int      `json:"order"` // 1-based declared order
	Dir          string   `json:"dir"`
	Backend      string   `json:"backend"`
	StateAddress string   `json:"state_address"`
	Modules      int      `json:"modules"`
	DependsOn    []string `json:"depends_on"`
	Protected    bool     `json:"protected"`
	Error        string   `json:"error,omitempty"`
}

func newEnvsCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "envs",
		Short: "List the estate's environments with their backend, state address and order",
		Long: `List the environments of the estate, read from HCL without running terraform:
backend type, state key or address, number of module calls, declared order,
dependencies and protection.`,
		Example: "  infractl envs\n  infractl envs -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			e, err := a.loadEstate()
			if err != nil {
				return err
			}
			rows := make([]envRow, 0, len(e.Environments))
			for _, env := range e.Environments {
				dir, _ := filepath.Rel(e.Root, env.Dir)
				row := envRow{Name: env.Name, Order: env.Order + 1, Dir: dir, Backend: env.Backend.Type, StateAddress: env.Backend.StateAddress(), Modules: len(env.Modules), DependsOn: env.DependsOn, Protected: env.Protected}
				if row.DependsOn == nil {
					row.DependsOn = []string{}
				}
				if env.Err != nil {
					row.Error = env.Err.Error()
				}
				rows = append(rows, row)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				if err := writeJSON(out, map[string]any{"environments": rows}); err != nil {
					return err
				}
				return brokenEnvs(rows)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ORDER\tENV\tBACKEND\tSTATE\tMODULES\tDEPENDS ON\tPROTECTED\tERROR")
			for _, r := range rows {
				prot, broken := "", ""
				if r.Protected {
					prot = "yes"
				}
				if r.Error != "" {
					broken = "invalid configuration (below)"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.Order, r.Name, r.Backend, r.StateAddress, r.Modules, strings.Join(r.DependsOn, ","), prot, broken)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, r := range rows {
				if r.Error != "" {
					fmt.Fprintf(cmd.ErrOrStderr(), "\n%s: %s\n", r.Name, r.Error)
				}
			}
			return brokenEnvs(rows)
		},
	}
}

// brokenEnvs makes `envs` fail when an environment's configuration is
// invalid, after listing everything.
func brokenEnvs(rows []envRow) error {
	for _, r := range rows {
		if r.Error != "" {
			return exitCode(ExitError)
		}
	}
	return nil
}
